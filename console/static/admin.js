// Admin pages: users (invite, role, teams, disable, reset link) and the
// notification delivery log.
import { api } from './api.js';
import { h, fill, $ } from './dom.js';
import { t } from './strings.js';

const roles = ['agent', 'editor', 'admin'];

/** A box showing a one-time link with a copy button. */
function linkBox(email, url) {
  const input = h('input', { readonly: true, value: url, class: 'link-url', onfocus: (ev) => ev.target.select() });
  const copy = h('button', { type: 'button', onclick: async () => {
    try { await navigator.clipboard.writeText(url); copy.textContent = t('copied'); } catch { input.select(); }
  } }, t('copy'));
  return h('div', { class: 'linkbox', id: 'link-box' }, h('p', {}, t('linkFor', { email })), h('div', { class: 'row' }, input, copy));
}

/**
 * A table row whose cells carry their column's name (data-label), so that
 * on a phone each row can be shown as a small card instead of a table
 * wider than the screen.
 */
function row(attrs, labels, cells) {
  return h('tr', attrs, cells.map((c, i) => {
    if (labels[i]) c.dataset.label = labels[i];
    return c;
  }));
}

const splitTeams = (s) => s.split(',').map((x) => x.trim()).filter(Boolean);

/** The users page. */
export async function usersView(app) {
  document.body.dataset.view = 'admin';
  const main = $('main');
  const out = h('div', { id: 'invite-out' });
  const email = h('input', { type: 'email', name: 'email', id: 'invite-email', required: true });
  const name = h('input', { name: 'name', id: 'invite-name' });
  const role = h('select', { name: 'role', id: 'invite-role' }, roles.map((r) => h('option', { value: r }, t('role_' + r))));
  const teams = h('input', { name: 'teams', id: 'invite-teams', placeholder: t('teamsHint') });
  const form = h('form', { class: 'card invite', id: 'invite' },
    h('h2', {}, t('inviteTitle')),
    h('div', { class: 'grid' },
      h('label', {}, t('email'), email), h('label', {}, t('name'), name),
      h('label', {}, t('role'), role), h('label', {}, t('teams'), teams)),
    h('button', { class: 'primary', type: 'submit' }, t('invite')));
  const table = h('tbody', { id: 'users' });
  const cols = [t('name'), t('email'), t('role'), t('teams'), t('disabled'), ''];
  fill(main, h('div', { class: 'page' }, h('h1', {}, t('users')), form, out,
    h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
      h('thead', {}, h('tr', {}, cols.map((x) => h('th', {}, x)))),
      table))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const res = await api('POST', '/api/users', { email: email.value.trim(), name: name.value.trim(), role: role.value, teams: splitTeams(teams.value) });
      fill(out, linkBox(res.user.email, res.invite_url));
      form.reset();
      load();
    } catch (e) { app.toast(e); }
  });
  const patch = async (u, body) => {
    try { await api('PATCH', '/api/users/' + encodeURIComponent(u.id), body); } catch (e) { app.toast(e); load(); }
  };
  const load = async () => {
    try {
      const res = await api('GET', '/api/users');
      fill(table, (res.users || []).map((u) => {
        const roleSel = h('select', { 'aria-label': t('role'), onchange: (ev) => patch(u, { role: ev.target.value }) }, roles.map((r) => h('option', { value: r }, t('role_' + r))));
        roleSel.value = u.role;
        return row({ class: u.disabled ? 'disabled' : '' }, cols, [
          h('td', {}, h('span', {}, u.name || '—', u.has_password ? null : h('span', { class: 'badge invited', title: t('invitedHint') }, t('invited')))),
          h('td', {}, u.email), h('td', {}, roleSel),
          h('td', {}, h('input', { value: (u.teams || []).join(', '), 'aria-label': t('teams'), onchange: (ev) => patch(u, { teams: splitTeams(ev.target.value) }) })),
          h('td', {}, h('input', { type: 'checkbox', checked: u.disabled, 'aria-label': t('disabled'), disabled: u.id === app.me.id,
            onchange: (ev) => patch(u, { disabled: ev.target.checked }) })),
          h('td', {}, h('button', { type: 'button', onclick: async () => {
            try {
              const r = await api('POST', `/api/users/${encodeURIComponent(u.id)}/reset`);
              fill(out, linkBox(u.email, r.reset_url));
              out.scrollIntoView({ block: 'nearest' });
            } catch (e) { app.toast(e); }
          } }, t('resetLink')))]);
      }));
    } catch (e) { app.toast(e); }
  };
  load();
}

/** The delivery log of webhooks and e-mails. */
export async function deliveriesView(app) {
  document.body.dataset.view = 'admin';
  const body = h('tbody', { id: 'deliveries' });
  const cols = [t('when'), t('channel'), t('event'), t('status'), t('attempts'), t('lastError')];
  fill($('main'), h('div', { class: 'page' }, h('h1', {}, t('deliveries')),
    h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
      h('thead', {}, h('tr', {}, cols.map((x) => h('th', {}, x)))),
      body))));
  try {
    const res = await api('GET', '/api/deliveries?limit=200');
    const rows = res.deliveries || [];
    if (!rows.length) fill(body, h('tr', {}, h('td', { colspan: 6, class: 'muted' }, t('noDeliveries'))));
    else fill(body, rows.map((d) => row({}, cols, [
      h('td', {}, new Date(d.created_at).toLocaleString()),
      h('td', {}, d.channel),
      h('td', {}, h('span', {}, d.event_type, d.conversation_id ? h('a', { href: '#c/' + d.conversation_id, class: 'small' }, ' ↗') : null)),
      h('td', {}, h('span', { class: 'badge st-' + d.status }, t('status_' + d.status))),
      h('td', {}, String(d.attempts)),
      h('td', { class: 'small' }, d.last_error || (d.last_status ? 'HTTP ' + d.last_status : ''))])));
  } catch (e) { app.toast(e); }
}
