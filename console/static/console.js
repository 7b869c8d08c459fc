// The console's entry point: session, routing by URL fragment, the top bar
// and the agent WebSocket. The views live in desk.js (queue, conversation,
// context), dialogs.js and admin.js; all of them talk to the server only
// through api.js, i.e. the documented API.
import { api, setCSRF, onSessionEnd, AgentSocket, APIError } from './api.js';
import { h, fill, $ } from './dom.js';
import { t, setLang, currentLang, nextLang, langName, reasonText } from './strings.js';
import { Desk } from './desk.js';
import { usersView, deliveriesView } from './admin.js';
import { incidentsView } from './incidents.js';

/** What every view shares: who is signed in, the live queue, the socket. */
export const app = {
  me: null,
  queue: new Map(), // conversation_id → Item
  presence: [],
  connected: false,
  socket: null,
  desk: null,
  alerts: localStorage.getItem('andon.alerts') === 'on',
  audio: null,
  toast,
  go(hash) { if (location.hash !== hash) location.hash = hash; else route(); },
};

function toast(err) {
  const msg = err instanceof APIError ? err.message : String(err && err.message || err);
  const el = $('toast');
  fill(el, msg);
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.hidden = true; }, 6000);
}

// ---- session ----

async function boot() {
  document.documentElement.lang = currentLang();
  const setup = location.hash.match(/^#setup=([\w-]+)/);
  if (setup) return setupView(setup[1]);
  try {
    const me = await api('GET', '/api/me');
    signedIn(me);
  } catch (e) {
    if (e.status === 401) return loginView();
    fill($('main'), h('p', { class: 'center error' }, t('errorGeneric', { msg: e.message })));
  }
}

function signedIn(res) {
  setCSRF(res.csrf_token);
  app.me = res.user;
  onSessionEnd(sessionEnded);
  // An editor may not see conversations (the API refuses them); say so
  // instead of showing a desk that cannot load.
  if (res.user.role !== 'agent' && res.user.role !== 'admin') return editorView();
  app.desk = new Desk(app);
  app.socket = new AgentSocket(onFrame, onStatus, sessionEnded);
  app.socket.start();
  renderTop();
  window.addEventListener('hashchange', route);
  // The menu closes on a click anywhere else, like any menu.
  document.addEventListener('click', (ev) => {
    const menu = $('top').querySelector('details.menu[open]');
    if (menu && !menu.contains(ev.target)) menu.open = false;
  });
  route();
}

function editorView() {
  document.body.dataset.view = 'login';
  $('top').hidden = true;
  fill($('main'), h('div', { class: 'card narrow', id: 'editor' },
    h('h1', {}, t('editorTitle')),
    h('p', { class: 'muted' }, app.me.email),
    h('p', {}, t('editorBody')),
    h('button', { type: 'button', class: 'link', onclick: () => logout(false) }, t('logOut'))));
}

function loginView() {
  document.body.dataset.view = 'login';
  $('top').hidden = true;
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true, autofocus: true });
  const pw = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const err = h('p', { class: 'error', role: 'alert' });
  const form = h('form', { class: 'card narrow', id: 'login' },
    h('h1', {}, t('loginTitle')),
    h('label', {}, t('email'), email),
    h('label', {}, t('password'), pw),
    err,
    h('button', { type: 'submit', class: 'primary' }, t('logIn')),
    langButton(() => loginView()));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    fill(err);
    try {
      const res = await api('POST', '/api/login', { email: email.value.trim(), password: pw.value });
      signedIn(res);
    } catch (e) {
      fill(err, e.message);
      pw.select();
    }
  });
  fill($('main'), form);
  email.focus();
}

async function setupView(token) {
  document.body.dataset.view = 'login';
  // What kind of link this is: the first admin also chooses an e-mail; an
  // invitation or reset already names the person.
  let info;
  try {
    info = await api('POST', '/api/setup/check', { token });
  } catch (e) {
    fill($('main'), h('div', { class: 'card narrow', id: 'setup' }, h('h1', {}, t('setupTitle')),
      h('p', { class: 'error' }, e.message),
      h('a', { href: '#', onclick: () => { history.replaceState(null, '', location.pathname); boot(); } }, t('logIn'))));
    return;
  }
  const first = info.kind === 'setup';
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'username', required: first, value: info.email || '', readonly: !first });
  const name = h('input', { name: 'name', autocomplete: 'name', required: true, value: info.name || '' });
  const pw = h('input', { type: 'password', name: 'password', autocomplete: 'new-password', required: true, minlength: 10 });
  const err = h('p', { class: 'error', role: 'alert' });
  const form = h('form', { class: 'card narrow', id: 'setup' },
    h('h1', {}, t('setupTitle')),
    h('p', { class: 'muted' }, t('setupHint')),
    h('label', {}, t('email'), email),
    h('label', {}, t('name'), name),
    h('label', {}, t('password'), pw),
    err,
    h('button', { type: 'submit', class: 'primary' }, t('save')),
    langButton(() => setupView(token)));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    fill(err);
    const body = { token, name: name.value.trim(), password: pw.value };
    if (first) body.email = email.value.trim();
    try {
      const res = await api('POST', '/api/setup', body);
      // The token must not stay in the address bar or the history.
      history.replaceState(null, '', location.pathname);
      signedIn(res);
    } catch (e) {
      fill(err, e.message);
    }
  });
  fill($('main'), form);
  (first ? email : name).focus();
}

// sessionEnded shows the login page when the server ended the session
// (logged out elsewhere, disabled, role changed), instead of reconnecting.
function sessionEnded() {
  if (app.ended) return;
  app.ended = true;
  if (app.socket) app.socket.stop();
  location.hash = '';
  location.reload();
}

async function logout(all) {
  try { await api('POST', all ? '/api/logout-all' : '/api/logout'); } catch (e) { /* the session may be gone already */ }
  if (app.socket) app.socket.stop();
  location.hash = '';
  location.reload();
}

function langButton(rerender) {
  return h('button', { type: 'button', class: 'link lang', onclick: () => {
    setLang(nextLang());
    rerender();
  } }, langName(nextLang()));
}

// ---- top bar ----

function renderTop() {
  const top = $('top');
  top.hidden = false;
  const me = app.me;
  const nav = [
    navLink('#queue', t('queue'), 'nav-queue'),
    navLink('#history', t('history'), 'nav-history'),
    navLink('#incidents', t('incidents'), 'nav-incidents'),
  ];
  // On a phone the admin pages move into the menu: the bar has no room.
  const adminLinks = (cls, ids) => (me.role === 'admin'
    ? [navLink('#users', t('users'), ids && 'nav-users', cls), navLink('#deliveries', t('deliveries'), ids && 'nav-deliveries', cls)] : []);
  nav.push(...adminLinks('admin-link', true));
  const mine = app.presence.find((p) => p.id === me.id);
  const presence = h('select', { id: 'presence', 'aria-label': t('presence'), onchange: async (ev) => {
    try { await api('POST', '/api/presence', { status: ev.target.value }); } catch (e) { toast(e); }
  } }, ['online', 'away', 'offline'].map((s) => h('option', { value: s }, t(s))));
  presence.value = mine ? mine.status : 'online';
  presence.dataset.status = presence.value;
  presence.addEventListener('change', () => { presence.dataset.status = presence.value; });
  const alerts = h('button', { type: 'button', id: 'alerts', class: app.alerts ? 'on' : '', onclick: enableAlerts },
    app.alerts ? t('alertsOn') : t('enableAlerts'));
  fill(top,
    h('a', { class: 'logo', href: '#queue' }, h('span', { class: 'mark' }), 'andon'),
    h('nav', {}, nav),
    h('div', { class: 'me' },
      h('span', { class: 'dot' + (app.connected ? ' up' : '') , title: app.connected ? 'connected' : 'offline' }),
      presence, alerts,
      h('details', { class: 'menu' },
        h('summary', { 'aria-label': me.name || me.email }, me.name || me.email),
        h('div', { class: 'menu-body' },
          h('div', { class: 'muted small' }, me.email, ' · ', t('role_' + me.role)),
          adminLinks('menu-admin', false),
          h('button', { type: 'button', class: 'link alerts-phone', onclick: enableAlerts }, app.alerts ? t('alertsOn') : t('enableAlerts')),
          langButton(() => { renderTop(); route(); }),
          h('button', { type: 'button', class: 'link', onclick: () => logout(false) }, t('logOut')),
          h('button', { type: 'button', class: 'link', onclick: () => logout(true) }, t('logOutAll'))))));
  markNav();
}

function navLink(href, label, id, cls) { return h('a', { href, id: id || null, class: cls || null }, label); }

function markNav() {
  const menu = $('top').querySelector('details.menu');
  if (menu) menu.open = false;
  const cur = location.hash.startsWith('#c/') ? (app.desk && app.desk.list === 'history' ? '#history' : '#queue') : (location.hash || '#queue');
  for (const a of $('top').querySelectorAll('nav a')) a.classList.toggle('active', a.getAttribute('href') === cur);
}

// ---- alerts: sound and browser notifications on a new escalation ----

async function enableAlerts() {
  // Both need a user gesture: the AudioContext to be allowed to play, the
  // permission prompt to be shown at all.
  app.audio = app.audio || new (window.AudioContext || window.webkitAudioContext)();
  if ('Notification' in window && Notification.permission === 'default') {
    try { await Notification.requestPermission(); } catch { /* old browsers */ }
  }
  app.alerts = true;
  localStorage.setItem('andon.alerts', 'on');
  beep();
  renderTop();
}

function beep() {
  if (!app.alerts) return;
  try {
    app.audio = app.audio || new (window.AudioContext || window.webkitAudioContext)();
    const ctx = app.audio;
    for (const [i, f] of [880, 1175].entries()) {
      const o = ctx.createOscillator();
      const g = ctx.createGain();
      o.frequency.value = f;
      const at = ctx.currentTime + i * 0.18;
      g.gain.setValueAtTime(0.0001, at);
      g.gain.exponentialRampToValueAtTime(0.25, at + 0.02);
      g.gain.exponentialRampToValueAtTime(0.0001, at + 0.16);
      o.connect(g).connect(ctx.destination);
      o.start(at);
      o.stop(at + 0.17);
    }
  } catch { /* no audio: the visual queue still shows it */ }
}

function announce(item) {
  beep();
  if (app.alerts && 'Notification' in window && Notification.permission === 'granted' && document.hidden) {
    const n = new Notification(t('newEscalation', { reason: reasonText(item.reason, item.reason_texts, item.reason_text) }), {
      body: item.preview || '', tag: item.conversation_id,
    });
    n.onclick = () => { window.focus(); app.go('#c/' + item.conversation_id); n.close(); };
  }
}

function updateTitle() {
  let waiting = 0;
  for (const it of app.queue.values()) if (!it.assignee_id) waiting++;
  document.title = (waiting ? `(${waiting}) ` : '') + t('appName');
}

// ---- live events ----

function onStatus(up) {
  const was = app.connected;
  app.connected = up;
  const banner = $('banner');
  banner.hidden = up;
  if (!up) fill(banner, t('reconnecting'));
  const dot = $('top').querySelector('.dot');
  if (dot) dot.classList.toggle('up', up);
  if (up && !was) app.desk.resync();
}

function onFrame(f) {
  switch (f.type) {
    case 'hello': {
      app.me = f.agent || app.me;
      app.queue = new Map((f.queue || []).map((it) => [it.conversation_id, it]));
      app.presence = f.presence || [];
      renderTop();
      app.desk.queueChanged();
      break;
    }
    case 'item': {
      const it = f.item;
      const isNew = !app.queue.has(it.conversation_id);
      app.queue.set(it.conversation_id, it);
      if (isNew && !it.assignee_id && it.state === 'waiting') announce(it);
      app.desk.queueChanged(it);
      break;
    }
    case 'item_removed':
      app.queue.delete(f.conversation_id);
      app.desk.queueChanged();
      app.desk.removed(f.conversation_id);
      break;
    case 'watching':
      app.desk.watching(f);
      break;
    case 'visitor_presence':
      app.desk.visitorPresence(f);
      break;
    case 'presence':
      app.presence = f.agents || [];
      break;
    case 'message':
    case 'state':
    case 'typing':
    case 'note':
      app.desk.live(f);
      break;
    case 'page':
      app.desk.paged(f);
      break;
    case 'error':
      toast(f.message || f.code);
      break;
  }
  updateTitle();
}

// ---- routing ----

function route() {
  if (!app.me) return;
  markNav();
  const hash = location.hash;
  const admin = app.me.role === 'admin';
  if (hash === '#users' && admin) return usersView(app);
  if (hash === '#deliveries' && admin) return deliveriesView(app);
  if (hash === '#incidents') return incidentsView(app);
  const m = hash.match(/^#c\/([\w-]+)/);
  // A conversation opened from the history keeps the history beside it.
  if (m) return app.desk.show(app.desk.list, m[1]);
  if (hash === '#history') return app.desk.show('history', null);
  return app.desk.show('queue', null);
}

boot();
