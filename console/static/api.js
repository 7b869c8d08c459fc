// The console's only way to the server: the JSON API of docs/api.md and the
// agent WebSocket. Nothing here touches the page.

import { currentLang } from './strings.js';

let csrf = '';

/** An API error with the server's stable code. */
export class APIError extends Error {
  constructor(status, code, message) {
    super(message || code);
    this.status = status;
    this.code = code;
  }
}

let sessionEndHandler = null;

/** fn is called when a request finds the session over (401 unauthorized or user_disabled). */
export function onSessionEnd(fn) { sessionEndHandler = fn; }

/** Remembers the CSRF token from login, setup or me. */
export function setCSRF(token) { csrf = token || ''; }

/**
 * Calls the API: api('POST', '/api/x', {..}) resolves to the decoded body
 * (null for 204) or rejects with an APIError.
 */
export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin' };
  if (method !== 'GET' && method !== 'HEAD') headers['X-CSRF-Token'] = csrf;
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new APIError(0, 'network', e.message);
  }
  if (res.status === 204) return null;
  let data = null;
  try { data = await res.json(); } catch { /* not JSON */ }
  if (!res.ok) {
    const err = (data && data.error) || {};
    if (res.status === 401 && (err.code === 'unauthorized' || err.code === 'user_disabled') && sessionEndHandler) sessionEndHandler();
    // Errors a person acts on (a weak password) come in each console
    // language; the rest in English.
    const msg = (err.messages && (err.messages[currentLang()] || err.messages.en)) || err.message;
    throw new APIError(res.status, err.code || 'http_' + res.status, msg || res.statusText);
  }
  return data;
}

/**
 * The agent WebSocket: reconnects with a growing, jittered delay and calls
 * onFrame for every frame, onStatus(true|false) when it goes up or down.
 * watch() is remembered and sent again after every reconnect.
 */
/** Whether the session has ended (401 from /api/me); a network error is not an answer. */
async function sessionGone() {
  try {
    await api('GET', '/api/me');
    return false;
  } catch (e) {
    return e.status === 401;
  }
}

export class AgentSocket {
  /** onEnded is called once when the session is over; the socket then stays closed. */
  constructor(onFrame, onStatus, onEnded) {
    this.onFrame = onFrame;
    this.onStatus = onStatus;
    this.onEnded = onEnded;
    this.watched = new Set();
    this.attempt = 0;
    this.ws = null;
    this.stopped = false;
    this.timer = 0;
  }

  start() {
    this.stopped = false;
    this.open();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.ws) this.ws.close(1000);
    this.ws = null;
  }

  open() {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${proto}//${location.host}/ws/agent`);
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      for (const id of this.watched) this.sendNow({ type: 'watch', conversation_id: id });
      this.onStatus(true);
    };
    ws.onmessage = (ev) => {
      let f;
      try { f = JSON.parse(ev.data); } catch { return; }
      this.onFrame(f);
    };
    ws.onclose = async (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.stopped) return;
      // 1008: the server ended the socket because the session is over
      // (logged out everywhere, disabled, role changed). A refused upgrade
      // gives no code, so after a failed attempt the session is asked.
      if (ev.code === 1008 || (this.attempt > 0 && await sessionGone())) {
        this.stopped = true;
        this.onEnded();
        return;
      }
      this.onStatus(false);
      // 1 s, 2 s, 4 s ... 30 s, each with up to a third of jitter so that
      // a restarted server is not hit by every console at once.
      const base = Math.min(30000, 1000 * 2 ** this.attempt);
      this.attempt++;
      this.timer = setTimeout(() => this.open(), base - Math.random() * base / 3);
    };
  }

  sendNow(frame) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
  }

  watch(id) {
    this.watched.add(id);
    this.sendNow({ type: 'watch', conversation_id: id });
  }

  unwatch(id) {
    if (!this.watched.delete(id)) return;
    this.sendNow({ type: 'unwatch', conversation_id: id });
  }

  typing(id, on) { this.sendNow({ type: 'typing', conversation_id: id, on }); }
}
