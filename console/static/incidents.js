// The Incidents page: bursts of visitors asking about one thing, open ones
// first, each with its timeline; from here a person acknowledges one, posts
// the status message visitors asking about it read first, and closes it.
import { api } from './api.js';
import { h, fill, $ } from './dom.js';
import { t } from './strings.js';

function summary(inc) {
  const usual = inc.usual >= 0.5 ? String(Math.round(inc.usual)) : t('incidentUnderOne');
  return t('incidentSummary', { count: inc.count, label: inc.label, minutes: Math.round(inc.window_seconds / 60), usual });
}

function timeline(inc) {
  return h('ol', { class: 'timeline' }, inc.timeline.map((e) => h('li', { 'data-kind': e.kind },
    h('span', { class: 'small muted' }, new Date(e.at).toLocaleString()), ' ',
    h('strong', {}, t('incident_' + e.kind)),
    e.author ? h('span', {}, ' · ' + e.author) : null,
    e.text ? h('blockquote', {}, e.text) : null)));
}

function card(app, inc, reload) {
  const act = async (path, body) => {
    try { await api('POST', '/api/incidents/' + encodeURIComponent(inc.id) + path, body); reload(); } catch (e) { app.toast(e); }
  };
  const open = inc.state === 'open';
  const text = h('textarea', { class: 'status-text', rows: 3, maxlength: 1000, placeholder: t('incidentStatusHint'), 'aria-label': t('incidentStatus') });
  if (inc.status) text.value = inc.status;
  const actions = open ? h('div', { class: 'incident-actions' },
    text,
    h('div', { class: 'row' },
      inc.timeline.some((e) => e.kind === 'acknowledged') ? null
        : h('button', { type: 'button', class: 'ack', onclick: () => act('/acknowledge') }, t('incidentAcknowledge')),
      h('button', { type: 'button', class: 'post-status primary', onclick: () => act('/status', { text: text.value }) }, t('incidentPostStatus')),
      h('button', { type: 'button', class: 'close-incident', onclick: () => act('/close') }, t('incidentClose')))) : null;
  return h('section', { class: 'incident card', id: 'incident-' + inc.id, 'data-state': inc.state },
    h('h2', {}, h('span', { class: 'badge st-' + (open ? 'pending' : 'delivered') }, t('incident_state_' + inc.state)), ' ', summary(inc)),
    inc.examples.length ? h('ul', { class: 'examples small' }, inc.examples.map((q) => h('li', {}, q))) : null,
    actions,
    timeline(inc));
}

/** The Incidents page. */
export async function incidentsView(app) {
  document.body.dataset.view = 'admin';
  const list = h('div', { id: 'incidents' });
  fill($('main'), h('div', { class: 'page' }, h('h1', {}, t('incidents')), list));
  const load = async () => {
    try {
      const res = await api('GET', '/api/incidents?limit=50');
      const incs = res.incidents || [];
      if (!incs.length) fill(list, h('p', { class: 'muted' }, t('noIncidents')));
      else fill(list, incs.map((inc) => card(app, inc, load)));
    } catch (e) { app.toast(e); }
  };
  load();
}
