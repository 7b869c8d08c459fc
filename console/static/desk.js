// The desk: the queue (or history) on the left, the open conversation in
// the middle, its context on the right. On a phone one of the three fills
// the screen (body[data-pane]).
import { api } from './api.js';
import { h, fill, $, cleanName, cleanText, bdi } from './dom.js';
import { renderMarkdown } from './markdown.js';
import { t, duration, reasonText } from './strings.js';
import { transferDialog, handBackDialog, resolveDialog } from './dialogs.js';

const stateText = { bot: 'stateBot', waiting: 'stateWaiting', human: 'stateHuman', closed: 'stateClosed' };

// A long transcript is windowed: WINDOW messages are in the page when it
// opens or follows the newest, scrolling up adds PAGE more at a time
// (fetched from the server once the loaded ones run out), and following
// the newest trims the page back to WINDOW once it holds TRIM_AT.
const WINDOW = 150;
const PAGE = 100;
const TRIM_AT = WINDOW + PAGE;

// Attributes that the context panel already shows as a field of its own.
const shownAsField = { device: 'device', user_agent: 'device', browser: 'device', name: 'name', user_name: 'name', full_name: 'name', email: 'email' };

// One formatter for every message's time: toLocaleTimeString makes a new
// one per call, which costs more than the rest of drawing a message.
const clock = new Intl.DateTimeFormat([], { hour: '2-digit', minute: '2-digit' });

/** The DOM of a message's or note's text: the one place text becomes nodes
 *  (a bot's answer is Markdown, drawn as DOM nodes; the rest plain text). */
function textNodes(text, from) {
  return from === 'bot' ? renderMarkdown(cleanText(text)) : cleanText(text);
}

/** Transcript order: by time, then by seq (a note after messages of its ms). */
function entryOrder(a, b) {
  return (a.at - b.at) || (a.seq === b.seq ? 0 : a.seq < b.seq ? -1 : 1);
}

/** A new client id for a reply, so a retried send stores one message. */
function clientID() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Date.now().toString(36) + Math.random().toString(36).slice(2);
}

/** A link only for http(s) addresses; anything else is shown as text. */
function safeLink(url, label) {
  try {
    const u = new URL(url);
    if (u.protocol === 'http:' || u.protocol === 'https:') {
      return h('a', { href: u.href, target: '_blank', rel: 'noopener noreferrer' }, label || url);
    }
  } catch { /* not a URL */ }
  return h('span', {}, label || url);
}

function reasonBadge(item) {
  const p = item.priority ?? 2;
  const text = reasonText(item.reason, item.reason_texts, item.reason_text);
  return h('span', { class: 'badge p' + p, title: `${text} (${item.reason}) · ${t('priority' + Math.min(p, 2))}` }, text);
}

export class Desk {
  constructor(app) {
    this.app = app;
    this.list = 'queue';
    // The open conversation: {id, ctx, messages: Map seq→msg, notes: Map
    // id→note, entries: both in transcript order, lo: the first entry in
    // the page, pending: what arrived since the last frame, stick: the
    // transcript follows the newest, hasMore: older messages on the server}.
    this.conv = null;
    this.frame = 0; // a queued redraw of the list and the open conversation's panels
    this.canned = [];
    this.typingOn = false;
    this.typingTimer = 0;
    this.mode = 'reply';
    this.history = [];
    // conversation id → how many of its item's unread visitor messages this
    // agent has already seen on screen (item.unread is the server's count
    // since the owner's last reply, the same for every console).
    this.seen = new Map();
    setInterval(() => this.tick(), 1000);
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden && this.conv && this.app.queue.has(this.conv.id)) this.renderList();
    });
  }

  /**
   * The unread badge of item: visitor messages not yet seen here. The open
   * conversation's messages are seen as they arrive (when the page is
   * visible); a reply by the owner starts the server's count from 0 again.
   */
  unread(item) {
    const id = item.conversation_id;
    const n = item.unread || 0;
    if (this.conv && this.conv.id === id && !document.hidden) this.seen.set(id, n);
    const seen = Math.min(this.seen.get(id) || 0, n);
    if (seen === 0) this.seen.delete(id); else this.seen.set(id, seen);
    return n - seen;
  }

  /** Shows the desk with list ('queue' | 'history') and conversation id (or null). */
  show(list, id) {
    document.body.dataset.view = 'desk';
    const main = $('main');
    if (!main.querySelector('#desk')) {
      fill(main, h('div', { id: 'desk' },
        h('section', { id: 'list', class: 'pane' }),
        h('section', { id: 'conv', class: 'pane' }),
        h('aside', { id: 'ctx', class: 'pane' })));
    }
    const from = this.list;
    this.list = list;
    document.body.dataset.pane = id ? 'conv' : 'list';
    if (list === 'history' && (!id || from !== 'history')) this.loadHistory(); else this.renderList();
    if (!id) {
      this.close();
      fill($('conv'), h('p', { class: 'center muted' }, t('pickConversation')));
      fill($('ctx'));
      return;
    }
    if (!this.conv || this.conv.id !== id) this.open(id);
    else this.renderList();
  }

  // ---- the list ----

  /**
   * The queue changed (item: one that did). A burst of changes is drawn
   * once, at the next frame.
   */
  queueChanged(item) {
    this.listDirty = true;
    if (item && this.conv && this.conv.ctx && item.conversation_id === this.conv.id) {
      // The context panel shows the item's note, outcome and owner, not
      // its preview or unread count, which change with every message.
      const shown = (i) => JSON.stringify(i && [i.note, i.category, i.summary, i.assignee_name, i.reason, i.state]);
      if (shown(this.conv.ctx.item) !== shown(item)) this.contextDirty = true;
      this.conv.ctx.item = item;
      this.openDirty = true;
    }
    if (!this.frame) this.frame = requestAnimationFrame(() => this.redraw());
  }

  redraw() {
    this.frame = 0;
    if (this.listDirty && this.list === 'queue' && $('list')) this.renderList();
    if (this.openDirty && this.conv && this.conv.ctx) {
      this.renderHeader();
      this.renderComposer();
      if (this.contextDirty) this.renderContext();
    }
    this.listDirty = this.openDirty = this.contextDirty = false;
  }

  renderList() {
    const el = $('list');
    if (!el) return;
    if (this.list === 'history') return this.renderHistory();
    const me = this.app.me.id;
    // As the server orders it: my teams' (and nobody's in particular)
    // first, then by priority, then the longest waiting.
    const teams = this.app.me.teams || [];
    const group = (i) => (!i.team || teams.includes(i.team) ? 0 : 1);
    const items = [...this.app.queue.values()].sort((a, b) => (group(a) - group(b)) ||
      (a.priority - b.priority) || (Date.parse(a.escalated_at) - Date.parse(b.escalated_at)));
    const waiting = items.filter((i) => !i.assignee_id);
    const mine = items.filter((i) => i.assignee_id === me);
    fill(el,
      h('h2', {}, t('waiting'), h('span', { class: 'count' }, String(waiting.length))),
      waiting.length ? h('ul', { class: 'items', id: 'queue-waiting' }, waiting.map((i) => this.row(i)))
        : h('p', { class: 'muted small pad' }, t('emptyQueue')),
      h('h2', {}, t('mine'), h('span', { class: 'count' }, String(mine.length))),
      mine.length ? h('ul', { class: 'items', id: 'queue-mine' }, mine.map((i) => this.row(i)))
        : h('p', { class: 'muted small pad' }, t('emptyMine')));
    this.tick();
  }

  row(item) {
    const active = this.conv && this.conv.id === item.conversation_id;
    const unread = this.unread(item);
    const mine = item.assignee_id === this.app.me.id;
    return h('li', { class: 'item' + (active ? ' active' : ''), 'data-id': item.conversation_id },
      h('a', { href: '#c/' + item.conversation_id },
        h('div', { class: 'row1' },
          reasonBadge(item),
          unread ? h('span', { class: 'unread', title: t('unread', { n: unread }) }, String(unread)) : null,
          item.assignee_id ? null : h('span', { class: 'wait', 'data-since': item.escalated_at })),
        // What it is about, and under it what the visitor wrote last.
        h('div', { class: 'preview question', dir: 'auto' }, cleanText(item.question || item.preview) || '…'),
        item.question && item.preview && item.preview !== item.question
          ? h('div', { class: 'preview latest small muted' }, t('latest'), ' ', h('bdi', {}, cleanText(item.preview))) : null,
        h('div', { class: 'row3 small muted' },
          bdi(item.visitor_name || item.visitor_email || item.site),
          item.team ? ' · ' + item.team : '',
          item.assignee_name && !mine ? [' · ', bdi(t('claimed', { name: cleanName(item.assignee_name) }))] : '',
          item.due_at ? h('span', { class: 'sla', 'data-due': item.due_at }) : null,
          item.level ? h('span', { class: 'paged' }, t('paged', { n: item.level })) : null),
        item.note ? h('div', { class: 'row-note small' }, '✎ ', h('bdi', {}, cleanText(item.note))) : null));
  }

  async loadHistory() {
    fill($('list'), h('p', { class: 'muted pad' }, t('loading')));
    try {
      const res = await api('GET', '/api/conversations?state=closed&limit=50');
      this.history = res.items || [];
    } catch (e) {
      this.app.toast(e);
      this.history = [];
    }
    if (this.list === 'history') this.renderHistory();
  }

  renderHistory() {
    fill($('list'), h('h2', {}, t('history')),
      this.history.length ? h('ul', { class: 'items', id: 'history-items' }, this.history.map((i) => h('li', { class: 'item' + (this.conv && this.conv.id === i.conversation_id ? ' active' : ''), 'data-id': i.conversation_id },
        h('a', { href: '#c/' + i.conversation_id },
          h('div', { class: 'row1' }, reasonBadge(i), h('span', { class: 'wait' }, new Date(i.closed_at || i.escalated_at).toLocaleString([], { dateStyle: 'short', timeStyle: 'short' }))),
          h('div', { class: 'preview', dir: 'auto' }, cleanText(i.summary || i.question || i.preview) || '…'),
          h('div', { class: 'row3 small muted' }, cleanName([i.category, i.assignee_name, i.team].filter(Boolean).join(' · ')))))))
        : h('p', { class: 'muted pad' }, t('noHistory')));
  }

  /** Refreshes every waiting time and SLA countdown once a second. */
  tick() {
    const now = Date.now();
    for (const el of document.querySelectorAll('[data-since]')) {
      el.textContent = t('waitedFor', { t: duration(now - Date.parse(el.dataset.since)) });
    }
    for (const el of document.querySelectorAll('[data-due]')) {
      const left = Date.parse(el.dataset.due) - now;
      el.textContent = ' · ' + (left >= 0 ? t('slaIn', { t: duration(left) }) : t('slaOver', { t: duration(-left) }));
      el.classList.toggle('late', left < 0);
      el.classList.toggle('soon', left >= 0 && left < 60000);
    }
  }

  // ---- the conversation ----

  close() {
    if (this.conv) {
      this.stopTyping();
      this.app.socket.unwatch(this.conv.id);
      if (this.conv.frame) cancelAnimationFrame(this.conv.frame);
    }
    if (this.resizer) this.resizer.disconnect();
    this.resizer = null;
    this.conv = null;
  }

  async open(id) {
    this.close();
    const conv = { id, ctx: null, messages: new Map(), notes: new Map(), typing: null,
      entries: [], lo: 0, pending: [], frame: 0, stick: true, hasMore: false, older: false };
    this.conv = conv;
    this.mode = 'reply';
    this.renderList();
    fill($('conv'), h('p', { class: 'center muted' }, t('loading')));
    fill($('ctx'));
    // Watch first, then read: a message committed in between arrives live
    // and is merged by seq, so nothing falls into the gap.
    this.app.socket.watch(id);
    try {
      const [ctx, canned] = await Promise.all([
        api('GET', '/api/conversations/' + encodeURIComponent(id)),
        api('GET', '/api/canned?conversation_id=' + encodeURIComponent(id)).catch(() => ({ replies: [] })),
      ]);
      if (this.conv !== conv) return;
      conv.ctx = ctx;
      conv.hasMore = !!ctx.has_more;
      if (this.app.queue.has(id)) ctx.item = this.app.queue.get(id);
      // A closed one opened from the history: its row says how it ended.
      const past = this.history.find((i) => i.conversation_id === id);
      if (past && ctx.conversation.state === 'closed') ctx.item = { ...(ctx.item || {}), ...past };
      for (const m of ctx.messages || []) this.addEntry(conv, m, null);
      for (const n of ctx.notes || []) this.addEntry(conv, null, n);
      this.canned = canned.replies || [];
      this.renderConversation();
      this.renderContext();
      this.fillGap();
    } catch (e) {
      if (this.conv !== conv) return;
      fill($('conv'), h('p', { class: 'center error' }, e.status === 404 ? 'Not found' : t('errorGeneric', { msg: e.message })));
    }
  }

  /**
   * The server confirmed a watch (also after every reconnect): from now on
   * every message arrives live, and anything up to last_seq that is not
   * shown yet is fetched once.
   */
  watching(f) {
    const conv = this.conv;
    if (!conv || f.conversation_id !== conv.id) return;
    conv.watchedSeq = f.last_seq;
    conv.mail = !!f.mail;
    this.visitorPresence(f);
    if (conv.ctx && f.state && conv.ctx.conversation.state !== f.state) {
      conv.ctx.conversation.state = f.state;
      this.renderHeader();
      this.renderComposer();
    }
    this.fillGap();
  }

  /** The visitor's presence changed (or a watch said what it is). */
  visitorPresence(f) {
    const conv = this.conv;
    if (!conv || f.conversation_id !== conv.id || !f.presence) return;
    conv.presence = f.presence;
    this.renderHeader();
  }

  /**
   * Whether the visitor is there: on the page, away (page hidden) or gone,
   * and when gone whether a reply can reach them by e-mail.
   */
  presenceBadge() {
    const p = this.conv.presence;
    if (!p || this.isClosed()) return null;
    const key = { here: 'presenceHere', away: 'presenceAway', left: this.conv.mail ? 'presenceLeftMail' : 'presenceLeftNoMail' }[p];
    return key ? h('span', { class: 'presence p-' + p, id: 'visitor-presence' }, t(key)) : null;
  }

  async fillGap() {
    const conv = this.conv;
    if (!conv || !conv.ctx || conv.filling) return;
    const last = Math.max(0, ...conv.messages.keys());
    if (!(conv.watchedSeq > last)) return;
    conv.filling = true;
    try {
      // Page by page: a long gap arrives in bounded pieces.
      for (let after = last; this.conv === conv;) {
        const res = await api('GET', `/api/conversations/${encodeURIComponent(conv.id)}/messages?after=${after}`);
        if (this.conv !== conv) break;
        this.arrive(conv, res.messages, null);
        if (!res.has_more || !res.messages.length) break;
        after = res.messages[res.messages.length - 1].seq;
      }
    } catch (e) {
      this.app.toast(e);
    } finally {
      conv.filling = false;
    }
  }

  /** After a reconnect: notes and ownership may have changed meanwhile. */
  async resync() {
    const conv = this.conv;
    if (!conv || !conv.ctx) return;
    try {
      const ctx = await api('GET', '/api/conversations/' + encodeURIComponent(conv.id));
      if (this.conv !== conv) return;
      conv.ctx = ctx;
      this.arrive(conv, ctx.messages, ctx.notes);
      this.renderHeader();
      this.renderComposer();
      this.renderContext();
    } catch (e) {
      this.app.toast(e);
    }
  }

  /** The open conversation left this agent's queue: someone else has it now. */
  removed(id) {
    if (this.conv && this.conv.id === id && this.conv.ctx) this.resync();
  }

  isOwner() {
    const it = this.conv && this.conv.ctx && this.conv.ctx.item;
    return !!it && it.assignee_id === this.app.me.id;
  }

  isClosed() {
    const c = this.conv && this.conv.ctx && this.conv.ctx.conversation;
    return !c || c.state === 'closed' || !this.conv.ctx.item;
  }

  renderConversation() {
    const conv = this.conv;
    const tr = h('ol', { class: 'transcript', id: 'transcript', 'aria-live': 'polite' });
    fill($('conv'),
      h('div', { class: 'conv-head', id: 'conv-head' }),
      tr,
      h('div', { class: 'typing', id: 'typing', 'aria-live': 'polite' }),
      h('div', { id: 'composer' }));
    // The agent scrolling decides whether the transcript follows the
    // newest; a change of its size (the composer drawn, a phone's pane
    // shown) does not, and keeps the newest in view while it follows.
    let top = 0;
    tr.addEventListener('scroll', () => {
      if (tr.scrollTop === top) return;
      top = tr.scrollTop;
      conv.stick = tr.scrollHeight - tr.scrollTop - tr.clientHeight < 60;
      if (tr.scrollTop < 300) this.showOlder(conv);
    }, { passive: true });
    if (this.resizer) this.resizer.disconnect();
    this.resizer = new ResizeObserver(() => { if (conv.stick) this.toNewest(tr); });
    this.resizer.observe(tr);
    this.renderHeader();
    this.renderTranscript();
    this.renderComposer();
    this.toNewest(tr);
  }

  toNewest(tr) {
    tr.scrollTop = tr.scrollHeight;
  }

  renderHeader() {
    const el = $('conv-head');
    if (!el || !this.conv || !this.conv.ctx) return;
    const { conversation: c, item } = this.conv.ctx;
    const v = this.conv.ctx.visitor || {};
    // Drawn again only when what it shows changed: a queue update for
    // every visitor message must not replace the buttons under a click.
    const key = JSON.stringify([c.state, item && [item.assignee_id, item.assignee_name, item.state, item.reason, item.priority],
      v.name, v.email, this.conv.presence, this.conv.mail, this.isOwner(), this.isClosed(), t('claim')]);
    if (el.dataset.key === key && el.firstChild) return;
    el.dataset.key = key;
    const actions = [];
    if (item && !this.isClosed()) {
      if (!item.assignee_id || item.state === 'waiting') {
        actions.push(h('button', { class: 'primary', id: 'claim', onclick: () => this.claim() }, t('claim')));
      }
      if (this.isOwner() || !item.assignee_id) {
        actions.push(h('button', { id: 'transfer', onclick: () => transferDialog(this) }, t('transfer')));
      }
      if (this.isOwner()) {
        actions.push(h('button', { id: 'handback', onclick: () => handBackDialog(this) }, t('handBack')));
        actions.push(h('button', { id: 'resolve', class: 'good', onclick: () => resolveDialog(this) }, t('resolve')));
      }
    }
    fill(el,
      h('button', { class: 'only-phone back', 'aria-label': t('back'), title: t('back'), onclick: () => this.app.go(this.list === 'history' ? '#history' : '#queue') }, '‹'),
      h('div', { class: 'who' },
        h('strong', {}, v.name || v.email ? bdi(v.name || v.email) : t('visitor')),
        h('span', { class: 'state s-' + c.state }, t(stateText[c.state] || 'stateBot')),
        this.presenceBadge(),
        item ? reasonBadge(item) : null,
        item && item.assignee_name && c.state !== 'closed' ? h('span', { class: 'small muted' }, bdi(t('claimed', { name: cleanName(item.assignee_name) }))) : null),
      h('button', { class: 'only-phone ctx-btn', id: 'show-context', onclick: () => { document.body.dataset.pane = 'ctx'; } }, t('context')),
      actions.length ? h('div', { class: 'actions' }, actions) : null);
  }

  /**
   * Adds message m or note n to conv once (true when it was new), in
   * transcript order; when it falls inside the page it is drawn there.
   */
  addEntry(conv, m, n) {
    if (m ? conv.messages.has(m.seq) : conv.notes.has(n.id)) return false;
    if (m) conv.messages.set(m.seq, m); else conv.notes.set(n.id, n);
    const e = { at: Date.parse((m || n).at), seq: m ? m.seq : Infinity, m, n, el: null };
    const list = conv.entries;
    let lo = 0;
    let hi = list.length;
    if (hi && entryOrder(list[hi - 1], e) <= 0) lo = hi; // the usual case: newest
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (entryOrder(list[mid], e) <= 0) lo = mid + 1; else hi = mid;
    }
    list.splice(lo, 0, e);
    const tr = conv.drawn && $('transcript');
    if (lo < conv.lo || !tr) {
      if (lo < conv.lo) conv.lo++;
      return true;
    }
    const next = list[lo + 1];
    if (next && next.el) tr.insertBefore(this.entryEl(e), next.el); else tr.appendChild(this.entryEl(e));
    return true;
  }

  entryEl(e) {
    if (!e.el) e.el = e.m ? this.messageEl(e.m) : this.noteEl(e.n);
    return e.el;
  }

  /**
   * Messages and notes that arrived (live, a gap filled, a resync) are
   * drawn together at the next frame: a burst costs one layout per frame,
   * not one redraw of the transcript per message.
   */
  arrive(conv, messages, notes) {
    for (const m of messages || []) conv.pending.push({ m });
    for (const n of notes || []) conv.pending.push({ n });
    if (!conv.frame) conv.frame = requestAnimationFrame(() => this.flush(conv));
  }

  flush(conv) {
    conv.frame = 0;
    const tr = $('transcript');
    if (this.conv !== conv || !tr) return;
    const pending = conv.pending.splice(0);
    // More than a page at once while following the newest: most would be
    // trimmed at once, so the window is drawn afresh instead.
    const redraw = conv.stick && pending.length > PAGE;
    if (redraw) conv.drawn = false;
    let noted = false;
    for (const p of pending) {
      if (this.addEntry(conv, p.m || null, p.n || null) && p.n) noted = true;
    }
    if (redraw) this.renderTranscript();
    // The context panel shows the latest handoff note first.
    if (noted) this.renderContext();
    if (conv.stick) {
      // Following the newest: what scrolled far out of view leaves the page.
      if (conv.entries.length - conv.lo > TRIM_AT) {
        const to = conv.entries.length - WINDOW;
        for (let i = conv.lo; i < to; i++) {
          const e = conv.entries[i];
          if (e.el) { e.el.remove(); e.el = null; }
        }
        conv.lo = to;
        this.renderTop();
      }
      this.toNewest(tr);
    }
  }

  /** Draws the transcript's newest WINDOW entries. */
  renderTranscript() {
    const conv = this.conv;
    const tr = $('transcript');
    if (!tr) return;
    conv.lo = Math.max(0, conv.entries.length - WINDOW);
    for (const e of conv.entries.slice(0, conv.lo)) e.el = null;
    fill(tr, h('li', { class: 'older small muted', id: 'older' }), conv.entries.slice(conv.lo).map((e) => this.entryEl(e)));
    conv.drawn = true;
    this.renderTop();
  }

  /** The transcript's first line: earlier messages to show, or its start. */
  renderTop() {
    const conv = this.conv;
    const el = $('older');
    if (!el) return;
    if (conv.older) fill(el, t('loadingEarlier'));
    else if (conv.lo > 0 || conv.hasMore) fill(el, h('button', { class: 'link', type: 'button', onclick: () => this.showOlder(conv) }, t('earlierMessages')));
    else fill(el, t('conversationStart'));
  }

  /**
   * Shows PAGE more entries above the page, reading older messages from
   * the server once the loaded ones are all shown; what the agent was
   * reading stays where it was.
   */
  async showOlder(conv) {
    const tr = $('transcript');
    if (this.conv !== conv || !tr || conv.older) return;
    const keepPlace = (add) => {
      const h0 = tr.scrollHeight;
      const top0 = tr.scrollTop;
      add();
      tr.scrollTop = top0 + (tr.scrollHeight - h0);
    };
    if (conv.lo > 0) {
      const from = Math.max(0, conv.lo - PAGE);
      keepPlace(() => {
        $('older').after(...conv.entries.slice(from, conv.lo).map((e) => this.entryEl(e)));
        conv.lo = from;
        this.renderTop();
      });
      return;
    }
    if (!conv.hasMore) return;
    conv.older = true;
    this.renderTop();
    try {
      const first = Math.min(...conv.messages.keys());
      const res = await api('GET', `/api/conversations/${encodeURIComponent(conv.id)}?before_seq=${first}&limit=${PAGE}`);
      if (this.conv !== conv) return;
      conv.hasMore = !!res.has_more;
      conv.older = false;
      keepPlace(() => {
        this.renderTop();
        for (const m of res.messages || []) this.addEntry(conv, m, null);
      });
    } catch (e) {
      this.app.toast(e);
    } finally {
      conv.older = false;
      this.renderTop();
    }
  }

  messageEl(m) {
    const who = { visitor: t('visitor'), bot: t('bot'), system: t('system'), agent: m.author ? bdi(m.author) : 'Agent' }[m.from] || m.from;
    return h('li', { class: 'msg from-' + m.from, 'data-seq': m.seq },
      m.from === 'system' ? null : h('div', { class: 'by small' }, who, ' · ', clock.format(new Date(m.at))),
      h('div', { class: 'bubble', dir: 'auto' }, textNodes(m.text, m.from)),
      (m.sources && m.sources.length) ? h('div', { class: 'sources small muted' }, m.sources.map((s) => cleanName(s.title)).join(' · ')) : null);
  }

  noteEl(n) {
    return h('li', { class: 'msg note kind-' + (n.kind || 'note') },
      h('div', { class: 'by small' }, '✎ ', n.author_name ? bdi(n.author_name) : t('system'), ' · ', clock.format(new Date(n.at))),
      h('div', { class: 'bubble', dir: 'auto' }, textNodes(n.text)));
  }

  renderComposer() {
    const el = $('composer');
    if (!el || !this.conv) return;
    const closed = this.isClosed();
    const owner = !closed && this.isOwner();
    if (!closed && !owner && this.mode === 'reply') this.mode = 'note';
    // Drawn again only when what it offers changed (or the language): a
    // redraw for every queue update would lose what the agent is typing.
    const key = [closed, owner, this.mode, t('reply')].join('|');
    if (el.dataset.key === key && el.firstChild) return;
    el.dataset.key = key;
    if (closed) {
      fill(el, h('p', { class: 'muted center small' }, t('readOnly')));
      return;
    }
    const noteMode = this.mode === 'note';
    const box = h('textarea', { id: 'reply', rows: 3, placeholder: noteMode ? t('notePlaceholder') : t('replyPlaceholder'), 'aria-label': noteMode ? t('internalNote') : t('reply') });
    const pop = h('ul', { class: 'canned', id: 'canned', role: 'listbox', hidden: true });
    const send = h('button', { class: 'primary', id: 'send', type: 'submit' }, noteMode ? t('addNote') : t('send'));
    const form = h('form', { class: 'composer' + (noteMode ? ' note-mode' : ''), id: 'compose' },
      h('div', { class: 'modes', role: 'tablist' },
        h('button', { type: 'button', role: 'tab', id: 'mode-reply', 'aria-selected': String(!noteMode), disabled: !owner, onclick: () => this.setMode('reply') }, t('reply')),
        h('button', { type: 'button', role: 'tab', id: 'mode-note', 'aria-selected': String(noteMode), onclick: () => this.setMode('note') }, t('internalNote'))),
      noteMode ? h('p', { class: 'small note-hint' }, t('noteHint')) : null,
      !owner ? h('p', { class: 'small muted' }, t('claimToReply')) : null,
      pop, box, h('div', { class: 'send-row' }, send));
    let sel = 0;
    let matches = [];
    const showCanned = () => {
      const v = box.value;
      if (noteMode || !v.startsWith('/') || /\s/.test(v)) { pop.hidden = true; matches = []; return; }
      const q = v.slice(1).toLowerCase();
      matches = this.canned.filter((c) => c.name.replace(/^\//, '').toLowerCase().startsWith(q)).slice(0, 8);
      sel = Math.min(sel, Math.max(0, matches.length - 1));
      pop.hidden = matches.length === 0;
      fill(pop, matches.map((c, i) => h('li', { role: 'option', 'aria-selected': String(i === sel), class: i === sel ? 'sel' : '',
        onmousedown: (ev) => { ev.preventDefault(); pick(c); } },
      h('b', {}, '/' + c.name.replace(/^\//, '')), ' ', h('span', { class: 'muted' }, c.text))));
    };
    const pick = (c) => { box.value = c.text; pop.hidden = true; matches = []; box.focus(); };
    box.addEventListener('input', () => { showCanned(); if (!noteMode) this.typed(); });
    box.addEventListener('keydown', (ev) => {
      if (!pop.hidden && matches.length) {
        if (ev.key === 'ArrowDown') { sel = (sel + 1) % matches.length; showCanned(); ev.preventDefault(); return; }
        if (ev.key === 'ArrowUp') { sel = (sel - 1 + matches.length) % matches.length; showCanned(); ev.preventDefault(); return; }
        if (ev.key === 'Enter' || ev.key === 'Tab') { pick(matches[sel]); ev.preventDefault(); return; }
        if (ev.key === 'Escape') { pop.hidden = true; ev.preventDefault(); return; }
      }
      if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); form.requestSubmit(); }
    });
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const text = box.value.trim();
      if (!text) return;
      send.disabled = true;
      try {
        await this.send(text, noteMode);
        box.value = '';
      } catch (e) {
        this.app.toast(e);
      } finally {
        send.disabled = false;
        box.focus();
      }
    });
    fill(el, form);
  }

  setMode(mode) {
    this.mode = mode;
    this.stopTyping();
    this.renderComposer();
    $('reply').focus();
  }

  async send(text, note) {
    const conv = this.conv;
    const id = encodeURIComponent(conv.id);
    let res;
    if (note) {
      res = await api('POST', `/api/conversations/${id}/notes`, { text });
    } else {
      this.stopTyping();
      res = await api('POST', `/api/conversations/${id}/messages`, { text, client_id: clientID() });
    }
    // What the agent just wrote is shown, wherever they had scrolled to.
    conv.stick = true;
    this.arrive(conv, res.message ? [res.message] : null, res.note ? [res.note] : null);
  }

  typed() {
    if (!this.isOwner()) return;
    if (!this.typingOn) {
      this.typingOn = true;
      this.app.socket.typing(this.conv.id, true);
    }
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => this.stopTyping(), 3000);
  }

  stopTyping() {
    clearTimeout(this.typingTimer);
    if (this.typingOn && this.conv) this.app.socket.typing(this.conv.id, false);
    this.typingOn = false;
  }

  async claim() {
    try {
      const res = await api('POST', `/api/conversations/${encodeURIComponent(this.conv.id)}/claim`);
      this.app.queue.set(res.item.conversation_id, res.item);
      this.conv.ctx.item = res.item;
      this.conv.ctx.conversation.state = res.item.state;
      this.mode = 'reply';
      this.renderList();
      this.renderHeader();
      this.renderComposer();
      $('reply').focus();
    } catch (e) {
      this.app.toast(e);
    }
  }

  /** A frame about one conversation (message, state, typing, note). */
  live(f) {
    const conv = this.conv;
    if (!conv || f.conversation_id !== conv.id || !conv.ctx) return;
    switch (f.type) {
      case 'message':
        if (f.message.from === 'visitor') this.showTyping(null);
        this.arrive(conv, [f.message], null);
        break;
      case 'note':
        this.arrive(conv, null, [f.note]);
        break;
      case 'state':
        conv.ctx.conversation.state = f.state;
        conv.ctx.conversation.reason = f.reason || conv.ctx.conversation.reason;
        this.renderHeader();
        this.renderComposer();
        break;
      case 'typing':
        if (f.from === 'visitor' || f.from === 'bot') this.showTyping(f.on ? f.from : null);
        break;
    }
  }

  showTyping(from) {
    const el = $('typing');
    if (!el) return;
    clearTimeout(this.visitorTypingTimer);
    fill(el, from ? t('typing', { who: from === 'bot' ? t('bot') : t('visitor') }) : '');
    // A lost "off" must not leave the indicator on for ever.
    if (from) this.visitorTypingTimer = setTimeout(() => fill(el), 8000);
  }

  paged(f) {
    const it = this.app.queue.get(f.conversation_id);
    if (it) { it.level = f.level; this.renderList(); }
  }

  // ---- the context panel ----

  renderContext() {
    const el = $('ctx');
    if (!el || !this.conv || !this.conv.ctx) return;
    const ctx = this.conv.ctx;
    const item = ctx.item || {};
    const v = ctx.visitor || {};
    const d = ctx.decision;
    const handoffNotes = [...this.conv.notes.values()].filter((n) => n.kind === 'transfer' || n.kind === 'return');
    const firstNote = item.note || ctx.handoff_note || (handoffNotes.length ? handoffNotes[handoffNotes.length - 1].text : '');
    const fields = { device: v.device, name: v.name, email: v.email || ctx.conversation.email };
    const attrs = Object.entries(v.attributes || ctx.conversation.attributes || {})
      .filter(([k, val]) => !(shownAsField[k] && fields[shownAsField[k]] === val));
    const reason = ctx.reason || item.reason || ctx.conversation.reason;
    fill(el,
      h('button', { class: 'only-phone back', onclick: () => { document.body.dataset.pane = 'conv'; } }, '‹ ', t('back')),
      firstNote ? h('section', { class: 'handoff-note', id: 'handoff-note' }, h('h3', {}, t('noteFirst')), h('p', {}, firstNote)) : null,
      item.category || item.summary ? h('section', { id: 'outcome' }, h('h3', {}, t('outcome')),
        item.category ? h('p', {}, h('span', { class: 'badge' }, item.category), item.assignee_name ? h('span', { class: 'small muted' }, ' · ', item.assignee_name) : null) : null,
        item.summary ? h('p', { class: 'summary' }, item.summary) : null) : null,
      h('section', {}, h('h3', {}, t('reason')),
        h('p', { id: 'reason-text' }, reason ? reasonText(reason, ctx.reason_texts || item.reason_texts, ctx.reason_text || item.reason_text) : '—'),
        d && d.rule ? h('p', { class: 'small muted' }, t('rule', { rule: d.rule })) : null),
      h('section', {}, h('h3', {}, t('retrieved'), d && d.confidence !== undefined ? h('span', { class: 'small muted' }, ' ', t('confidence', { n: d.confidence.toFixed(2) })) : null),
        d && d.candidates && d.candidates.length ? h('ol', { class: 'cands' }, d.candidates.map((c) => h('li', {},
          h('div', { class: 'cand-top' }, c.url ? safeLink(c.url, c.title) : h('span', {}, c.title), h('span', { class: 'score' }, c.score.toFixed(2))),
          h('div', { class: 'bar' }, h('i', { style: `width:${Math.round(Math.max(0, Math.min(1, c.score)) * 100)}%` })),
          c.matched_question ? h('div', { class: 'small muted' }, '“', c.matched_question, '”') : null)))
          : h('p', { class: 'muted small' }, t('noCandidates'))),
      // The identity HMAC vouches for user_id only: name, e-mail and the
      // other attributes are whatever the page or the visitor said, so the
      // badge sits on the user_id line and nowhere else.
      h('section', {}, h('h3', {}, t('visitorInfo')),
        h('dl', { class: 'facts' },
          v.name ? [h('dt', {}, t('name')), h('dd', {}, bdi(v.name))] : null,
          v.email || ctx.conversation.email ? [h('dt', {}, t('email')), h('dd', {}, bdi(v.email || ctx.conversation.email))] : null,
          h('dt', {}, t('page')), h('dd', {}, (v.page || ctx.conversation.page) ? safeLink(v.page || ctx.conversation.page) : '—'),
          h('dt', {}, t('locale')), h('dd', {}, v.locale || ctx.conversation.locale || '—'),
          h('dt', {}, t('device')), h('dd', {}, v.device ? bdi(v.device) : '—'),
          attrs.map(([k, val]) => [h('dt', {}, bdi(k)), h('dd', {}, bdi(val),
            k === 'user_id' ? [' ', h('span', { class: 'badge ' + (v.verified ? 'verified' : 'unverified'), id: 'user-id-badge' }, v.verified ? '✓ ' + t('verified') : t('unverified'))] : null)]))),
      h('section', {}, h('h3', {}, t('earlier')),
        ctx.earlier && ctx.earlier.length ? h('ul', { class: 'earlier' }, ctx.earlier.map((e) => h('li', {},
          h('a', { href: '#c/' + e.id }, new Date(e.created_at).toLocaleDateString(), ' · ', e.category || t(stateText[e.state] || 'stateClosed')),
          // An e-mail address is what the visitor typed: nothing proves it
          // is the same person, so the agent is told.
          e.matched_by === 'email' ? [' ', h('span', { class: 'badge match-email' }, t('matchedByEmail'))] : null,
          h('div', { class: 'small muted' }, e.summary || e.preview || ''))))
          : h('p', { class: 'muted small' }, t('noEarlier'))));
  }
}
