// The three decisions that end an agent's turn: transfer (with a note the
// next person reads first), hand back to the bot, resolve (category,
// summary, and optionally teaching the knowledge base).
import { api } from './api.js';
import { h, fill, cleanName } from './dom.js';
import { t } from './strings.js';

/** Opens a modal <dialog>; onSubmit(form) returns true to close it. */
function modal(id, title, body, submitLabel, onSubmit) {
  const err = h('p', { class: 'error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary', id: id + '-ok' }, submitLabel);
  const form = h('form', { method: 'dialog' },
    h('h2', {}, title), body, err,
    h('div', { class: 'dialog-actions' },
      h('button', { type: 'button', onclick: () => dlg.close() }, t('cancel')), submit));
  const dlg = h('dialog', { id, class: 'dialog' }, form);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    fill(err);
    submit.disabled = true;
    try {
      if (await onSubmit(form)) dlg.close();
    } catch (e) {
      fill(err, e.message);
    } finally {
      submit.disabled = false;
    }
  });
  dlg.addEventListener('close', () => dlg.remove());
  document.body.appendChild(dlg);
  dlg.showModal();
  return { dlg, err };
}

const convPath = (desk, action) => `/api/conversations/${encodeURIComponent(desk.conv.id)}/${action}`;

/** Transfer to a colleague or a team; the note is required. */
export async function transferDialog(desk) {
  const agentSel = h('select', { name: 'agent', id: 'transfer-agent' });
  const teamSel = h('select', { name: 'team', id: 'transfer-team' });
  const toAgent = h('input', { type: 'radio', name: 'to', value: 'agent', checked: true });
  const toTeam = h('input', { type: 'radio', name: 'to', value: 'team', id: 'transfer-to-team' });
  const note = h('textarea', { name: 'note', id: 'transfer-note', rows: 4, required: true });
  const agentChoice = h('div', {}, h('label', { class: 'inline' }, toAgent, t('toAgent')), agentSel);
  const teamChoice = h('div', {}, h('label', { class: 'inline' }, toTeam, t('toTeam')), teamSel);
  const choices = h('fieldset', {}, agentChoice, teamChoice);
  const { dlg, err } = modal('transfer-dialog', t('transferTitle'), [
    choices,
    h('label', {}, t('transferNote'), note),
  ], t('transfer'), async () => {
    const text = note.value.trim();
    if (!text) { fill(err, t('noteRequired')); note.focus(); return false; }
    const body = { note: text };
    if (toTeam.checked) body.to_team = teamSel.value; else body.to_agent_id = agentSel.value;
    const res = await api('POST', convPath(desk, 'transfer'), body);
    desk.app.queue.set(res.item.conversation_id, res.item);
    desk.queueChanged(res.item);
    return true;
  });
  agentSel.addEventListener('focus', () => { toAgent.checked = true; });
  teamSel.addEventListener('focus', () => { toTeam.checked = true; });
  try {
    const [agents, teams] = await Promise.all([api('GET', '/api/agents'), api('GET', '/api/teams')]);
    const others = (agents.agents || []).filter((a) => a.id !== desk.app.me.id);
    const teamList = teams.teams || [];
    fill(agentSel, others.map((a) => h('option', { value: a.id },
      cleanName(`${a.name || a.email} (${t(a.status || 'offline')}${a.teams && a.teams.length ? ', ' + a.teams.join(', ') : ''})`))));
    fill(teamSel, teamList.map((tm) => h('option', { value: tm.name }, cleanName(tm.title ? `${tm.title} (${tm.name})` : tm.name))));
    // An empty choice is not offered: the dialog says what is missing.
    if (!teamList.length) fill(teamChoice, h('p', { class: 'muted small', id: 'transfer-no-teams' }, t(others.length ? 'noTeams' : 'nobodyToTransfer')));
    if (!others.length) {
      fill(agentChoice, teamList.length ? h('p', { class: 'muted small', id: 'transfer-no-agents' }, t('noColleagues')) : null);
      toTeam.checked = true;
    }
    if (!teamList.length && !others.length) dlg.querySelector('#transfer-dialog-ok').disabled = true;
  } catch (e) {
    fill(err, e.message);
  }
}

/** Hand back to the bot with an optional note. */
export function handBackDialog(desk) {
  const note = h('textarea', { name: 'note', rows: 3 });
  modal('handback-dialog', t('handBackTitle'), [h('label', {}, t('handBackNote'), note)], t('handBack'), async () => {
    const text = note.value.trim();
    await api('POST', convPath(desk, 'handback'), text ? { note: text } : {});
    desk.app.queue.delete(desk.conv.id);
    desk.app.go('#queue');
    return true;
  });
}

/** The visitor's first message: what "add as an example question" adds. */
function visitorQuestion(desk) {
  const msgs = [...desk.conv.messages.values()].sort((a, b) => a.seq - b.seq);
  const first = msgs.find((m) => m.from === 'visitor');
  return first ? first.text : '';
}

function lastAgentReply(desk) {
  const msgs = [...desk.conv.messages.values()].sort((a, b) => b.seq - a.seq);
  const m = msgs.find((x) => x.from === 'agent');
  return m ? m.text : '';
}

/** Resolve with a category, an optional summary and optional learning. */
export async function resolveDialog(desk) {
  const cat = h('select', { name: 'category', id: 'resolve-category', required: true });
  const summary = h('textarea', { name: 'summary', id: 'resolve-summary', rows: 2 });
  const kinds = ['none', 'example', 'draft'];
  const radios = Object.fromEntries(kinds.map((k) => [k, h('input', { type: 'radio', name: 'learn', value: k, id: 'learn-' + k, checked: k === 'none' })]));
  const q = visitorQuestion(desk);
  const search = h('input', { type: 'search', id: 'article-search', value: q, 'aria-label': t('searchArticles') });
  const results = h('ul', { class: 'picks', id: 'article-picks' });
  const question = h('textarea', { name: 'question', id: 'learn-question', rows: 2, value: q });
  const title = h('input', { name: 'title', id: 'draft-title', value: q });
  const text = h('textarea', { name: 'text', id: 'draft-text', rows: 5, value: lastAgentReply(desk) });
  const example = h('div', { class: 'learn-box', hidden: true }, h('label', {}, t('searchArticles'), search), results, h('label', {}, t('question'), question));
  const draft = h('div', { class: 'learn-box', hidden: true }, h('label', {}, t('title'), title), h('label', {}, t('text'), text));
  let picked = '';
  const sync = () => { example.hidden = !radios.example.checked; draft.hidden = !radios.draft.checked; if (radios.example.checked) find(); };
  for (const r of Object.values(radios)) r.addEventListener('change', sync);
  let timer = 0;
  const find = async () => {
    try {
      const res = await api('GET', '/api/articles?q=' + encodeURIComponent(search.value));
      const arts = res.articles || [];
      if (!arts.some((a) => a.id === picked)) picked = arts.length ? arts[0].id : '';
      fill(results, arts.map((a) => h('li', {},
        h('label', { class: 'inline' },
          h('input', { type: 'radio', name: 'article', value: a.id, checked: a.id === picked, onchange: () => { picked = a.id; } }),
          a.title, ' ', h('span', { class: 'muted small' }, a.score !== undefined ? a.score.toFixed(2) : '')))));
    } catch (e) {
      fill(results, h('li', { class: 'error' }, e.message));
    }
  };
  search.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(find, 250); });
  const { err } = modal('resolve-dialog', t('resolveTitle'), [
    h('label', {}, t('category'), cat),
    h('label', {}, t('summary'), summary),
    h('fieldset', {}, h('legend', {}, t('learning')),
      h('label', { class: 'inline' }, radios.none, t('learnNone')),
      h('label', { class: 'inline' }, radios.example, t('learnExample')),
      h('label', { class: 'inline' }, radios.draft, t('learnDraft')),
      example, draft),
  ], t('resolve'), async () => {
    const body = { category: cat.value };
    if (summary.value.trim()) body.summary = summary.value.trim();
    if (radios.example.checked) {
      if (!picked) { fill(err, t('pickArticle')); return false; }
      body.learn = { kind: 'example', article_id: picked, question: question.value.trim() };
    } else if (radios.draft.checked) {
      body.learn = { kind: 'draft', title: title.value.trim(), text: text.value.trim() };
    }
    await api('POST', convPath(desk, 'resolve'), body);
    desk.app.queue.delete(desk.conv.id);
    desk.app.go('#queue');
    return true;
  });
  try {
    const res = await api('GET', '/api/categories');
    fill(cat, (res.categories || []).map((c) => h('option', { value: c }, c)));
  } catch (e) {
    fill(err, e.message);
  }
}
