/*
 * andon visitor widget. Installed with one tag:
 *   <script src="https://HOST/widget.js" data-site="SITE" async></script>
 * No framework, no build step. Everything lives in an open shadow root on a
 * host element reset with `all: initial`, so the page's CSS cannot reach in
 * and ours cannot leak out. The wire protocol is DESIGN.md "Visitor
 * protocol": hello/welcome with a resume token, message/ack by client_id,
 * delta, state, typing, feedback, human, contact, error.
 * User, bot and agent text is only ever set with textContent; links are
 * built as <a> elements after checking their scheme. Bot answers are
 * Markdown, drawn by renderMarkdown (internal/markdown/markdown.js, which
 * the server puts in place of the include line below) from DOM nodes too.
 */
(function () {
  'use strict';
  var d = document, w = window, nav = w.navigator || {};

  var me = d.currentScript || (function () {
    var s = d.querySelectorAll('script[src]');
    for (var i = s.length - 1; i >= 0; i--) {
      if (/\/widget\.js([?#]|$)/.test(s[i].src)) return s[i];
    }
    return null;
  })();
  if (!me || !w.WebSocket || !w.URL) return;

  var ORIGIN = new URL(me.src, location.href).origin;
  var MAX_PAGE = 2048; // the server's bound on hello.page (docs/protocol.md)
  var SITE = me.getAttribute('data-site') || 'default';
  var registry = w.__andonWidgets = w.__andonWidgets || {};
  var REG = ORIGIN + ' ' + SITE;
  if (registry[REG]) return;
  registry[REG] = 1;

  var WSURL = ORIGIN.replace(/^http/, 'ws') + '/ws/visitor?site=' + encodeURIComponent(SITE);
  var KEY = 'andon:v1:' + ORIGIN + ':' + SITE;
  var KEEP = 200; // messages kept in localStorage

  // Extra conversation attributes from data-attr-NAME="value" on the tag.
  var ATTRS = null;
  for (var ai = 0; ai < me.attributes.length; ai++) {
    var an = me.attributes[ai].name;
    if (an.indexOf('data-attr-') === 0) {
      (ATTRS = ATTRS || {})[an.slice(10)] = me.attributes[ai].value;
    }
  }

  // ---------------------------------------------------------------- strings
  // The catalogue's "widget." words by language (internal/locale/*.json),
  // which the server puts in place of the include line below:
  // var STR = {"en": {"open": "Open chat", ...}, "sv": {...}};
  /* @include locale */
  var LANG = 'en', T = STR.en;
  function pickLang(cfgLocale) {
    var c = [cfgLocale, d.documentElement.getAttribute('lang'), nav.language];
    for (var i = 0; i < c.length; i++) {
      var l = String(c[i] || '').toLowerCase();
      if (!l || l === 'auto') continue;
      l = l.split(/[-_]/)[0];
      return STR[l] ? l : 'en';
    }
    return 'en';
  }
  function fmt(s, v) {
    return s.replace(/\{(\w+)\}/g, function (_, k) { return v && v[k] != null ? v[k] : ''; });
  }

  // ---------------------------------------------------------------- storage
  var mem = {};
  function rd(k, ss) {
    try { return (ss ? w.sessionStorage : w.localStorage).getItem(k); } catch (e) { return mem[k] || null; }
  }
  function wr(k, v, ss) {
    try { (ss ? w.sessionStorage : w.localStorage).setItem(k, v); } catch (e) { mem[k] = v; }
  }
  function fresh() {
    return { token: '', cid: '', last: 0, seen: 0, msgs: [], out: [], state: 'bot', st: null, email: '', emailSent: true };
  }
  function load() {
    var s;
    try { s = JSON.parse(rd(KEY) || 'null'); } catch (e) { s = null; }
    if (!s || typeof s !== 'object') return fresh();
    var f = fresh();
    for (var k in f) if (s[k] != null && typeof s[k] === typeof f[k]) f[k] = s[k];
    if (!Array.isArray(f.msgs)) f.msgs = [];
    if (!Array.isArray(f.out)) f.out = [];
    return f;
  }
  // save merges with what another tab of the same visitor may have written
  // meanwhile: messages by seq, the outbox by client_id. A different
  // conversation id means this tab started over, so it overwrites.
  function save() {
    var cur = load(), out = { }, k;
    for (k in S) out[k] = S[k];
    var msgs = S.msgs.filter(function (m) { return !m.streaming; });
    var outbox = S.out.slice();
    if (cur.cid && cur.cid === S.cid) {
      var have = {}, acked = {};
      msgs.forEach(function (m) { have[m.seq] = 1; if (m.client_id) acked[m.client_id] = 1; });
      cur.msgs.forEach(function (m) { if (!have[m.seq]) { msgs.push(m); if (m.client_id) acked[m.client_id] = 1; } });
      msgs.sort(function (a, b) { return a.seq - b.seq; });
      var inOut = {};
      outbox.forEach(function (o) { inOut[o.client_id] = 1; });
      cur.out.forEach(function (o) { if (!inOut[o.client_id] && !dropped[o.client_id]) outbox.push(o); });
      outbox = outbox.filter(function (o) { return !acked[o.client_id]; });
      out.last = Math.max(cur.last, S.last);
      out.seen = Math.max(cur.seen, S.seen);
    }
    out.msgs = msgs.slice(-KEEP);
    out.out = outbox;
    wr(KEY, JSON.stringify(out));
  }

  var S = load();
  var dropped = {}; // client_ids taken back into the composer after an error

  // ---------------------------------------------------------------- helpers
  /* @include markdown.js */
  function el(tag, cls, text) {
    var e = d.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function uuid() {
    if (w.crypto && w.crypto.randomUUID) return w.crypto.randomUUID();
    var b = new Uint8Array(16);
    if (w.crypto && w.crypto.getRandomValues) w.crypto.getRandomValues(b);
    else for (var i = 0; i < 16; i++) b[i] = Math.random() * 256;
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }
  function bytes(s) {
    return w.TextEncoder ? new TextEncoder().encode(s).length : unescape(encodeURIComponent(s)).length;
  }
  function safeURL(u) {
    try {
      var x = new URL(u, ORIGIN + '/');
      return /^https?:$/.test(x.protocol) ? x.href : '';
    } catch (e) { return ''; }
  }
  function link(href, text) {
    var a = el('a', '', text);
    a.href = href;
    a.target = '_blank';
    a.rel = 'noopener noreferrer nofollow';
    return a;
  }
  // fill sets text into node, turning http(s) URLs into links. Never HTML.
  function fill(node, text) {
    node.textContent = '';
    var re = /\bhttps?:\/\/[^\s<>"'`]+/gi, last = 0, m;
    text = String(text == null ? '' : text);
    while ((m = re.exec(text))) {
      var u = m[0].replace(/[.,;:!?)\]}'"»]+$/, '');
      var href = safeURL(u);
      if (!href) continue;
      if (m.index > last) node.appendChild(d.createTextNode(text.slice(last, m.index)));
      node.appendChild(link(href, u));
      last = m.index + u.length;
      re.lastIndex = last;
    }
    if (last < text.length) node.appendChild(d.createTextNode(text.slice(last)));
  }
  // setText fills a bubble: a bot's text is Markdown, anyone else's plain.
  function setText(node, m) {
    if (m.from !== 'bot') return fill(node, m.text);
    node.textContent = '';
    node.appendChild(renderMarkdown(m.text));
  }
  function svg(path) {
    var ns = 'http://www.w3.org/2000/svg', s = d.createElementNS(ns, 'svg'), p = d.createElementNS(ns, 'path');
    s.setAttribute('viewBox', '0 0 24 24');
    s.setAttribute('aria-hidden', 'true');
    s.setAttribute('focusable', 'false');
    p.setAttribute('d', path);
    s.appendChild(p);
    return s;
  }
  var ICON = {
    chat: 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z',
    x: 'M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12 19 17.6 17.6 19 12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z',
    send: 'M3 20.5 21.5 12 3 3.5v6.6L15 12 3 13.9z',
    up: 'M2 21h4V9H2v12zm20-11a2 2 0 0 0-2-2h-6.3l1-4.6v-.3c0-.4-.2-.8-.4-1.1L13.2 1 6.6 7.6C6.2 8 6 8.5 6 9v10a2 2 0 0 0 2 2h9c.8 0 1.5-.5 1.8-1.2l3-7.1c.1-.2.2-.5.2-.7v-2z',
    down: 'M22 3h-4v12h4V3zM2 14a2 2 0 0 0 2 2h6.3l-1 4.6v.3c0 .4.2.8.4 1.1l1.1 1 6.6-6.6c.4-.4.6-.9.6-1.4V5a2 2 0 0 0-2-2H7c-.8 0-1.5.5-1.8 1.2l-3 7.1c-.1.2-.2.5-.2.7v2z'
  };

  // ---------------------------------------------------------------- styles
  var CSS = [
    ':host{all:initial}',
    '*,*::before,*::after{box-sizing:border-box}',
    '[hidden]{display:none!important}',
    '.w{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1f2328;',
    '--a:#2563eb;--at:#fff;--bg:#fff;--mut:#59636e;--line:#d8dee4;--vis:#eef2f7;-webkit-text-size-adjust:100%;text-align:left}',
    'button,input,textarea{font:inherit;color:inherit;margin:0}',
    'button{cursor:pointer}',
    ':focus-visible{outline:3px solid #1f6feb;outline-offset:2px}',
    '.launcher{position:fixed;bottom:20px;right:20px;width:60px;height:60px;border-radius:50%;border:0;padding:0;',
    'background:var(--a);color:var(--at);box-shadow:0 4px 16px rgba(0,0,0,.28);display:flex;align-items:center;',
    'justify-content:center;z-index:2147483646;transition:transform .15s}',
    '.launcher:hover{transform:scale(1.06)}',
    '.launcher:focus-visible{outline:3px solid #1f2328;outline-offset:3px;box-shadow:0 0 0 6px #fff}',
    '.launcher svg{width:28px;height:28px;fill:currentColor}',
    '.left .launcher{right:auto;left:20px}',
    '.badge{position:absolute;top:-3px;right:-3px;min-width:22px;height:22px;border-radius:11px;background:#cf222e;',
    'color:#fff;font-size:12px;font-weight:700;line-height:22px;text-align:center;padding:0 6px;border:2px solid #fff}',
    '.panel{position:fixed;bottom:92px;right:20px;width:380px;height:620px;max-height:calc(100vh - 112px);',
    'display:flex;flex-direction:column;background:var(--bg);border-radius:14px;overflow:hidden;',
    'box-shadow:0 12px 48px rgba(0,0,0,.28);border:1px solid rgba(0,0,0,.08);z-index:2147483647}',
    '.left .panel{right:auto;left:20px}',
    '.hd{display:flex;align-items:center;gap:8px;padding:14px 12px 14px 18px;background:var(--a);color:var(--at);flex:none}',
    '.hd h2{font-size:17px;font-weight:650;margin:0;flex:1;line-height:1.3;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}',
    '.ib{background:transparent;border:0;border-radius:8px;width:40px;height:40px;padding:8px;display:flex;',
    'align-items:center;justify-content:center;color:inherit;flex:none}',
    '.ib svg{width:22px;height:22px;fill:currentColor}',
    '.hd .ib:hover{background:rgba(255,255,255,.18)}',
    '.hd :focus-visible{outline-color:currentColor}',
    '.status{padding:6px 16px;font-size:13px;background:#fff8c5;color:#4d2d00;border-bottom:1px solid #eed888;flex:none}',
    '.msgs{list-style:none;margin:0;padding:16px 14px 8px;flex:1;overflow-y:auto;overscroll-behavior:contain;',
    'display:flex;flex-direction:column;gap:10px}',
    '.m{display:flex;flex-direction:column;align-items:flex-start;max-width:86%}',
    '.m.visitor{align-self:flex-end;align-items:flex-end}',
    '.m.system{align-self:center;align-items:center;max-width:94%}',
    '.who{font-size:12px;color:var(--mut);margin:0 4px 3px}',
    '.b{padding:9px 13px;border-radius:16px;background:var(--vis);white-space:pre-wrap;overflow-wrap:anywhere;',
    'word-break:break-word;border-bottom-left-radius:5px;max-width:100%;box-sizing:border-box}',
    '.m.visitor .b{background:var(--a);color:var(--at);border-radius:16px;border-bottom-right-radius:5px}',
    '.m.system .b{background:transparent;color:var(--mut);font-size:13px;text-align:center;padding:2px 8px}',
    '.b a{color:inherit;text-decoration:underline}',
    '.b>*{margin:0}.b>*+*{margin-top:8px}.b ul,.b ol{padding-left:20px}',
    '.b code{font:.92em ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:rgba(0,0,0,.06);border-radius:4px;padding:0 3px}',
    '.b pre{white-space:pre-wrap;background:rgba(0,0,0,.06);border-radius:6px;padding:6px 8px}.b pre code{background:none;padding:0}',
    '.m.pending .b{opacity:.7}',
    '.meta{font-size:12px;color:var(--mut);margin:3px 4px 0;display:flex;align-items:center;gap:4px}',
    '.src{margin:6px 2px 0;font-size:13px}',
    '.src span{color:var(--mut)}',
    '.src ul{margin:2px 0 0;padding:0 0 0 18px}',
    '.src a{color:#0550ae;text-decoration:underline}',
    '.fb{background:transparent;border:1px solid transparent;border-radius:6px;width:30px;height:30px;padding:5px;',
    'display:flex;align-items:center;justify-content:center;color:var(--mut)}',
    '.fb svg{width:16px;height:16px;fill:currentColor}',
    '.fb:hover{background:var(--vis)}',
    '.fb[aria-pressed=true]{color:var(--a);border-color:var(--a);background:var(--vis)}',
    '.typing{padding:0 18px 6px;font-size:13px;color:var(--mut);display:flex;align-items:center;gap:8px;flex:none}',
    '.dots{display:inline-flex;gap:3px}',
    '.dots i{width:6px;height:6px;border-radius:50%;background:var(--mut);animation:andon-b 1.2s infinite ease-in-out}',
    '.dots i:nth-child(2){animation-delay:.15s}.dots i:nth-child(3){animation-delay:.3s}',
    '@keyframes andon-b{0%,60%,100%{opacity:.3;transform:none}30%{opacity:1;transform:translateY(-3px)}}',
    '@media (prefers-reduced-motion:reduce){.dots i{animation:none}.launcher{transition:none}}',
    '.state{margin:0 12px 8px;padding:10px 12px;border-radius:10px;background:#f6f8fa;border:1px solid var(--line);',
    'font-size:14px;flex:none}',
    '.state form{display:flex;gap:6px;margin-top:8px;flex-wrap:wrap}',
    '.state div[hidden]+form{margin-top:0}',
    '.state input{flex:1;min-width:0;padding:8px 10px;border:1px solid #8c959f;border-radius:8px;background:#fff}',
    '.btn{padding:8px 14px;border-radius:8px;border:1px solid var(--a);background:var(--a);color:var(--at);font-weight:600}',
    '.btn2{padding:7px 12px;border-radius:18px;border:1px solid var(--line);background:#fff;color:#1f2328;font-size:14px}',
    '.btn2:hover{border-color:var(--a)}',
    '.state .btn{margin-top:8px}',
    '.notice{margin:0 12px 8px;padding:8px 12px;border-radius:8px;background:#ffebe9;color:#82071e;',
    'border:1px solid #ffcecb;font-size:14px;flex:none}',
    '.acts{padding:0 12px 8px;display:flex;flex:none}',
    '.comp{display:flex;align-items:flex-end;gap:8px;padding:10px 12px 12px;border-top:1px solid var(--line);flex:none}',
    '.comp textarea{flex:1;resize:none;min-height:42px;max-height:140px;padding:10px 12px;border:1px solid #8c959f;',
    'border-radius:10px;background:#fff;line-height:1.35;display:block;width:100%}',
    '.comp textarea:disabled{background:#f6f8fa}',
    '.snd{width:42px;height:42px;border-radius:10px;border:0;background:var(--a);color:var(--at);padding:9px;',
    'display:flex;align-items:center;justify-content:center;flex:none}',
    '.snd svg{width:22px;height:22px;fill:currentColor}',
    '.snd:disabled{opacity:.5;cursor:default}',
    '.sr{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);',
    'white-space:nowrap;border:0}',
    '@media (max-width:480px){.panel{top:0;left:0;right:0;bottom:0;width:100%;height:100%;max-height:none;',
    'border-radius:0;border:0}.left .panel{left:0}.open .launcher{display:none}.m{max-width:90%}',
    '.comp textarea{font-size:16px}}'
  ].join('');

  // ---------------------------------------------------------------- UI
  var host, root, wrap, launcher, badge, panel, titleEl, statusEl, list, typingEl, typingTxt,
    stateEl, stateTxt, form, emailIn, newBtn, noticeEl, humanBtn, botBtn, ta, sendBtn, live, greetLi;
  var CFG = { title: '', color: '', position: 'right', greeting: null, locale: '', max_message_bytes: 4096 };
  var isOpen = false, asking = false, noticeTimer = 0;
  var OPENKEY = KEY + ':open';

  function build() {
    host = d.createElement('andon-widget');
    host.setAttribute('style', 'all:initial!important;display:block!important;position:static!important;' +
      'width:0!important;height:0!important;margin:0!important;padding:0!important;border:0!important;' +
      'visibility:visible!important;opacity:1!important;overflow:visible!important;transform:none!important;' +
      'filter:none!important;contain:none!important;pointer-events:auto!important');
    host.setAttribute('data-site', SITE);
    root = host.attachShadow({ mode: 'open' });
    var st = el('style');
    st.textContent = CSS;
    root.appendChild(st);

    wrap = el('div', 'w' + (/left/.test(CFG.position) ? ' left' : ''));
    wrap.setAttribute('lang', LANG);
    setColors();

    launcher = el('button', 'launcher');
    launcher.type = 'button';
    launcher.setAttribute('aria-controls', 'andon-panel');
    launcher.setAttribute('aria-expanded', 'false');
    launcher.appendChild(svg(ICON.chat));
    badge = el('span', 'badge');
    badge.hidden = true;
    badge.setAttribute('aria-hidden', 'true');
    launcher.appendChild(badge);
    launcher.onclick = function () { isOpen ? close() : open(true); };

    panel = el('div', 'panel');
    panel.id = 'andon-panel';
    panel.hidden = true;
    panel.setAttribute('role', 'dialog');
    panel.setAttribute('aria-labelledby', 'andon-title');

    var hd = el('div', 'hd');
    titleEl = el('h2', '', CFG.title || T.title);
    titleEl.id = 'andon-title';
    var x = el('button', 'ib x');
    x.type = 'button';
    x.setAttribute('aria-label', T.close);
    x.appendChild(svg(ICON.x));
    x.onclick = function () { close(); };
    hd.appendChild(titleEl);
    hd.appendChild(x);

    statusEl = el('div', 'status');
    statusEl.setAttribute('role', 'status');
    statusEl.hidden = true;

    list = el('ol', 'msgs');
    list.setAttribute('aria-label', T.conv);
    list.tabIndex = 0;
    list.addEventListener('scroll', function () { stick = nearBottom(); });
    if (w.ResizeObserver) new ResizeObserver(function () { scrollDown(false); }).observe(list);

    typingEl = el('div', 'typing');
    typingEl.hidden = true;
    var dots = el('span', 'dots');
    dots.setAttribute('aria-hidden', 'true');
    dots.appendChild(el('i'));
    dots.appendChild(el('i'));
    dots.appendChild(el('i'));
    typingTxt = el('span');
    typingEl.appendChild(dots);
    typingEl.appendChild(typingTxt);

    stateEl = el('div', 'state');
    stateEl.hidden = true;
    stateTxt = el('div');
    stateEl.appendChild(stateTxt);
    form = el('form');
    form.noValidate = true;
    var lab = el('label', 'sr', T.email);
    lab.htmlFor = 'andon-email';
    emailIn = el('input');
    emailIn.type = 'email';
    emailIn.id = 'andon-email';
    emailIn.autocomplete = 'email';
    emailIn.placeholder = T.email;
    emailIn.required = true;
    var eb = el('button', 'btn', T.emailSend);
    eb.type = 'submit';
    form.appendChild(lab);
    form.appendChild(emailIn);
    form.appendChild(eb);
    form.onsubmit = function (e) { e.preventDefault(); submitEmail(); };
    newBtn = el('button', 'btn', T.newConv);
    newBtn.type = 'button';
    newBtn.onclick = newConversation;
    stateEl.appendChild(form);
    stateEl.appendChild(newBtn);

    noticeEl = el('div', 'notice');
    noticeEl.setAttribute('role', 'alert');
    noticeEl.hidden = true;

    var acts = el('div', 'acts');
    humanBtn = el('button', 'btn2', T.human);
    humanBtn.type = 'button';
    humanBtn.onclick = askHuman;
    acts.appendChild(humanBtn);
    botBtn = el('button', 'btn2', T.backToBot);
    botBtn.type = 'button';
    botBtn.onclick = backToBot;
    acts.appendChild(botBtn);

    var comp = el('form', 'comp');
    comp.onsubmit = function (e) { e.preventDefault(); submit(); };
    var tl = el('label', 'sr', T.input);
    tl.htmlFor = 'andon-input';
    ta = el('textarea');
    ta.id = 'andon-input';
    ta.rows = 1;
    ta.placeholder = T.placeholder;
    ta.setAttribute('enterkeyhint', 'send');
    ta.onkeydown = function (e) {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
        e.preventDefault();
        submit();
      }
    };
    ta.oninput = function () { grow(); typingOut(); };
    sendBtn = el('button', 'snd');
    sendBtn.type = 'submit';
    sendBtn.setAttribute('aria-label', T.send);
    sendBtn.appendChild(svg(ICON.send));
    comp.appendChild(tl);
    comp.appendChild(ta);
    comp.appendChild(sendBtn);

    panel.appendChild(hd);
    panel.appendChild(statusEl);
    panel.appendChild(list);
    panel.appendChild(typingEl);
    panel.appendChild(stateEl);
    panel.appendChild(noticeEl);
    panel.appendChild(acts);
    panel.appendChild(comp);
    panel.addEventListener('keydown', function (e) {
      if (e.key === 'Escape' || e.key === 'Esc') { e.stopPropagation(); close(); }
    });

    live = el('div', 'sr');
    live.setAttribute('aria-live', 'polite');
    live.setAttribute('aria-atomic', 'true');

    wrap.appendChild(panel);
    wrap.appendChild(launcher);
    wrap.appendChild(live);
    root.appendChild(wrap);
    (d.body || d.documentElement).appendChild(host);

    renderAll();
    renderState();
    setLauncher();
  }

  function setColors() {
    var c = CFG.color;
    if (c && w.CSS && CSS_supports('color', c)) {
      wrap.style.setProperty('--a', c);
      wrap.style.setProperty('--at', contrast(c));
    }
  }
  function CSS_supports(p, v) { try { return w.CSS.supports(p, v); } catch (e) { return false; } }
  // contrast picks black or white text for the accent colour.
  function contrast(c) {
    var m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(c.trim());
    if (!m) return '#fff';
    var h = m[1].length === 3 ? m[1].replace(/./g, '$&$&') : m[1];
    var rgb = [0, 2, 4].map(function (i) {
      var v = parseInt(h.substr(i, 2), 16) / 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    var L = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
    return L > 0.4 ? '#111' : '#fff';
  }

  function grow() {
    ta.style.height = 'auto';
    ta.style.height = Math.min(ta.scrollHeight + 2, 140) + 'px';
  }

  function open(focus) {
    isOpen = true;
    panel.hidden = false;
    wrap.classList.add('open');
    launcher.setAttribute('aria-expanded', 'true');
    wr(OPENKEY, '1', true);
    markSeen();
    scrollDown(true);
    connect();
    if (focus) (ta.disabled ? panel.querySelector('.x') : ta).focus();
  }
  function close() {
    var had = isOpen;
    isOpen = false;
    panel.hidden = true;
    wrap.classList.remove('open');
    launcher.setAttribute('aria-expanded', 'false');
    wr(OPENKEY, '', true);
    stopTyping();
    if (had) launcher.focus();
    setLauncher();
  }
  function markSeen() {
    if (S.seen !== S.last) { S.seen = S.last; save(); }
    setLauncher();
  }
  function unread() {
    var n = 0;
    S.msgs.forEach(function (m) { if (m.from !== 'visitor' && m.seq > S.seen) n++; });
    return n;
  }
  function setLauncher() {
    var n = isOpen ? 0 : unread();
    badge.hidden = !n;
    badge.textContent = n > 9 ? '9+' : String(n);
    launcher.firstChild.replaceWith(svg(isOpen ? ICON.x : ICON.chat));
    launcher.setAttribute('aria-label', (isOpen ? T.close : T.open) + (n ? ' (' + fmt(T.unread, { n: n }) + ')' : ''));
  }
  function announce(text) {
    live.textContent = '';
    setTimeout(function () { live.textContent = text; }, 50);
  }
  function notice(text) {
    noticeEl.textContent = text;
    noticeEl.hidden = false;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(function () { noticeEl.hidden = true; }, 8000);
  }
  function setStatus(k) {
    statusEl.hidden = !k;
    statusEl.textContent = k ? T[k] : '';
  }
  // stick is whether the list follows new messages: true while the visitor
  // is at the bottom, false once they scroll up to read. It also keeps the
  // bottom in view when the status line or a notice takes room.
  var stick = true;
  function nearBottom() {
    return list.scrollHeight - list.scrollTop - list.clientHeight < 60;
  }
  function scrollDown(force) {
    if (force || stick) { list.scrollTop = list.scrollHeight; stick = true; }
  }

  // ---------------------------------------------------------------- messages
  function who(m) {
    if (m.from === 'bot') return T.bot;
    if (m.from === 'agent') return m.author || T.agent;
    return '';
  }
  function keyOf(m) { return m.seq ? 's' + m.seq : 'c' + m.client_id; }

  function renderMsg(m, pending) {
    var li = el('li', 'm ' + (m.from || 'system') + (pending ? ' pending' : ''));
    li.setAttribute('data-key', pending ? 'c' + m.client_id : keyOf(m));
    if (m.seq) li.setAttribute('data-seq', m.seq);
    if (m.client_id) li.setAttribute('data-cid', m.client_id);
    var name = who(m);
    if (name) li.appendChild(el('div', 'who', name));
    var b = el('div', 'b');
    setText(b, m);
    if (m.at) { try { b.title = new Date(m.at).toLocaleString(LANG); } catch (e) { /* bad date */ } }
    li.appendChild(b);
    if (m.sources && m.sources.length) {
      var src = el('div', 'src');
      src.appendChild(el('span', '', T.sources));
      var ul = el('ul');
      m.sources.forEach(function (s) {
        if (!s) return;
        var item = el('li'), href = s.url ? safeURL(s.url) : '';
        var label = s.title || s.url || s.article_id || '';
        item.appendChild(href ? link(href, label) : d.createTextNode(label));
        ul.appendChild(item);
      });
      src.appendChild(ul);
      li.appendChild(src);
    }
    if (pending) {
      li.appendChild(el('div', 'meta', wsOK ? T.sending : T.queued));
    } else if (m.from === 'bot' && m.seq && !m.streaming) {
      var meta = el('div', 'meta');
      [[true, ICON.up, T.helpful], [false, ICON.down, T.unhelpful]].forEach(function (f) {
        var btn = el('button', 'fb');
        btn.type = 'button';
        btn.setAttribute('aria-label', f[2]);
        btn.title = f[2];
        btn.setAttribute('aria-pressed', String(m.fb === f[0]));
        btn.setAttribute('data-helpful', String(f[0]));
        btn.appendChild(svg(f[1]));
        btn.onclick = function () { feedback(m.seq, f[0]); };
        meta.appendChild(btn);
      });
      var th = el('span', 'thx', m.fb != null ? T.thanks : '');
      meta.appendChild(th);
      li.appendChild(meta);
    }
    return li;
  }
  // place inserts or replaces a message element in seq order; pending
  // messages stay at the end in the order they were written.
  function place(li, key) {
    var old = list.querySelector('[data-key="' + key + '"]');
    if (old) { old.replaceWith(li); return; }
    var seq = +li.getAttribute('data-seq') || 0, kids = list.children;
    if (seq) {
      for (var i = 0; i < kids.length; i++) {
        var ks = +kids[i].getAttribute('data-seq') || 0;
        if ((ks && ks > seq) || (!ks && kids[i].classList.contains('pending'))) {
          list.insertBefore(li, kids[i]);
          return;
        }
      }
    }
    list.appendChild(li);
  }
  function drop(key) {
    var old = list.querySelector('[data-key="' + key + '"]');
    if (old) old.remove();
  }
  function renderAll() {
    list.textContent = '';
    greetLi = null;
    var g = CFG.greeting && (CFG.greeting[LANG] || CFG.greeting.en);
    if (typeof g === 'string' && g) {
      greetLi = renderMsg({ from: 'bot', text: g });
      greetLi.setAttribute('data-key', 'greeting');
      list.appendChild(greetLi);
    }
    S.msgs.forEach(function (m) { list.appendChild(renderMsg(m)); });
    S.out.forEach(function (o) { list.appendChild(renderMsg({ from: 'visitor', text: o.text, client_id: o.client_id, at: o.at }, true)); });
    scrollDown(true);
  }
  function refreshPending() {
    S.out.forEach(function (o) {
      var li = list.querySelector('[data-key="c' + o.client_id + '"] .meta');
      if (li) li.textContent = wsOK ? T.sending : T.queued;
    });
  }
  function findMsg(seq) {
    for (var i = S.msgs.length - 1; i >= 0; i--) if (S.msgs[i].seq === seq) return S.msgs[i];
    return null;
  }

  function onMessage(f, live_) {
    var seq = +f.seq;
    if (!seq) return;
    var m = {
      seq: seq, from: f.from || 'system', author: f.author || '', text: f.text == null ? '' : String(f.text),
      sources: Array.isArray(f.sources) ? f.sources : null, at: f.at || '', client_id: f.client_id || ''
    };
    var old = findMsg(seq), fresh_ = !old || old.streaming;
    if (old && !old.streaming && old.text === m.text && old.from === m.from) {
      // A replay or a retry's ack of what is on screen: leave the DOM (and
      // any focus in it) alone.
      if (m.client_id) {
        S.out = S.out.filter(function (o) { return o.client_id !== m.client_id; });
        drop('c' + m.client_id);
      }
      if (seq > S.last) S.last = seq;
      save();
      return;
    }
    if (old) {
      m.fb = old.fb;
      m.fbSent = old.fbSent;
      S.msgs[S.msgs.indexOf(old)] = m;
    } else {
      S.msgs.push(m);
      S.msgs.sort(function (a, b) { return a.seq - b.seq; });
    }
    if (m.client_id) {
      S.out = S.out.filter(function (o) { return o.client_id !== m.client_id; });
      drop('c' + m.client_id);
    }
    if (seq > S.last) S.last = seq;
    place(renderMsg(m), keyOf(m));
    if (m.from !== 'visitor') {
      if (typingFrom === m.from) showTyping(false);
      if ((m.from === 'agent' && m.author && S.state === 'human' && !(S.st && S.st.author)) || (m.from === 'system' && S.state === 'waiting')) renderState();
      if (fresh_ && live_) {
        var spoken = (m.from === 'bot' ? renderMarkdown(m.text).textContent : m.text).slice(0, 300); // no Markdown marks read aloud
        announce(m.from === 'system' ? spoken : fmt(T.said, { name: who(m) || T.agent, text: spoken }));
      }
    }
    if (isOpen && d.visibilityState !== 'hidden') S.seen = S.last;
    scrollDown(m.from === 'visitor');
    save();
    setLauncher();
  }
  function onDelta(f) {
    var seq = +f.seq;
    if (!seq || typeof f.text !== 'string') return;
    var m = findMsg(seq);
    if (m && !m.streaming) return; // final message already here
    if (!m) {
      m = { seq: seq, from: f.from || 'bot', author: f.author || '', text: '', streaming: true };
      S.msgs.push(m);
      S.msgs.sort(function (a, b) { return a.seq - b.seq; });
      showTyping(false);
    }
    m.text += f.text;
    var li = list.querySelector('[data-key="s' + seq + '"]');
    if (li) setText(li.querySelector('.b'), m);
    else place(renderMsg(m), 's' + seq);
    scrollDown(false);
  }

  // ---------------------------------------------------------------- sending
  function submit() {
    var text = ta.value.replace(/^\s+|\s+$/g, '');
    if (!text) return; // in state closed too: writing again reopens it with the bot
    if (bytes(text) > (CFG.max_message_bytes || 4096)) { notice(T.tooLarge); return; }
    var o = { client_id: uuid(), text: text, at: new Date().toISOString() };
    S.out.push(o);
    save();
    back = [];
    ta.value = '';
    grow();
    stopTyping();
    list.appendChild(renderMsg({ from: 'visitor', text: text, client_id: o.client_id, at: o.at }, true));
    scrollDown(true);
    if (wsOK) sendMsg(o);
    else connect();
  }
  function sendMsg(o) {
    o.sent = Date.now();
    frame({ type: 'message', client_id: o.client_id, text: o.text });
  }
  function feedback(seq, helpful) {
    var m = findMsg(seq);
    if (!m) return;
    m.fb = helpful;
    m.fbSent = false;
    save();
    var li = list.querySelector('[data-key="s' + seq + '"]');
    if (li) {
      li.querySelectorAll('.fb').forEach(function (b) {
        b.setAttribute('aria-pressed', String(b.getAttribute('data-helpful') === String(helpful)));
      });
      li.querySelector('.thx').textContent = T.thanks;
    }
    announce(T.thanks);
    flushFeedback();
  }
  function flushFeedback() {
    if (!wsOK) return;
    var dirty = false;
    S.msgs.forEach(function (m) {
      if (m.fb != null && m.fbSent === false) {
        frame({ type: 'feedback', seq: m.seq, helpful: m.fb });
        m.fbSent = true;
        dirty = true;
      }
    });
    if (dirty) save();
  }
  function askHuman() {
    asking = true;
    renderState();
    if (wsOK) frame({ type: 'human' });
    else connect();
  }
  // backToBot asks the server to let the assistant answer until someone
  // claims the conversation; its state frame moves the widget.
  function backToBot() {
    if (wsOK) frame({ type: 'bot' });
    else connect();
  }
  // sendPresence tells the server whether this tab's page is visible, so
  // that agents see the visitor on the page, away or gone.
  function sendPresence() {
    if (wsOK) frame({ type: 'presence', visible: d.visibilityState !== 'hidden' });
  }
  function submitEmail() {
    var v = emailIn.value.trim();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v)) { notice(T.emailBad); emailIn.focus(); return; }
    S.email = v;
    S.emailSent = false;
    save();
    if (wsOK) { frame({ type: 'contact', email: v }); S.emailSent = true; save(); } else connect();
    renderState();
    stateEl.tabIndex = -1;
    stateEl.focus();
  }
  var typingOn = false, typingAt = 0, typingTimer = 0;
  function typingOut() {
    if (!wsOK || !ta.value) return;
    var now = Date.now();
    if (!typingOn || now - typingAt > 3000) {
      typingOn = true;
      typingAt = now;
      frame({ type: 'typing', on: true });
    }
    clearTimeout(typingTimer);
    typingTimer = setTimeout(stopTyping, 4000);
  }
  function stopTyping() {
    clearTimeout(typingTimer);
    if (typingOn) {
      typingOn = false;
      if (wsOK) frame({ type: 'typing', on: false });
    }
  }
  var typingFrom = '', typingHide = 0;
  function showTyping(on, from, author) {
    clearTimeout(typingHide);
    typingEl.hidden = !on;
    typingFrom = on ? from : '';
    if (on) {
      typingTxt.textContent = fmt(T.typing, { name: from === 'bot' ? T.bot : (author || humanName() || T.agent) });
      typingHide = setTimeout(function () { showTyping(false); }, 15000);
      scrollDown(false);
    }
  }

  // ---------------------------------------------------------------- state
  // said reports whether the server's latest word, the notice that came
  // with the state (an escalation's), already says what re finds: a request
  // for an e-mail address, or the wait. The state line then does not repeat it.
  function said(re) {
    for (var i = S.msgs.length - 1; i >= 0; i--) {
      var m = S.msgs[i];
      if (m.from !== 'visitor') return m.from === 'system' && re.test(m.text);
    }
    return false;
  }
  function humanName() {
    if (S.st && S.st.author) return S.st.author;
    for (var i = S.msgs.length - 1; i >= 0; i--) if (S.msgs[i].from === 'agent' && S.msgs[i].author) return S.msgs[i].author;
    return '';
  }
  function onState(f) {
    if (!f.state) return;
    var prev = S.state + (S.st ? S.st.eta + S.st.author : '');
    S.state = f.state;
    S.st = {
      known: true, reason: f.reason || '', author: f.author || '',
      eta: typeof f.eta_seconds === 'number' && f.eta_seconds > 0 ? f.eta_seconds : null
    };
    asking = false;
    save();
    renderState();
    if (prev !== S.state + S.st.eta + S.st.author && stateTxt.textContent) announce(stateTxt.textContent);
  }
  // confirmed reports whether the server already confirmed address in a
  // system message ("Thanks! We'll reply to …"): the state line does not
  // say it a second time.
  function confirmed(address) {
    for (var i = S.msgs.length - 1; i >= 0; i--) {
      if (S.msgs[i].from === 'system' && S.msgs[i].text.indexOf(address) >= 0) return true;
    }
    return false;
  }
  function renderState() {
    var s = S.state, st = S.st || {}, txt = '', showForm = false, showNew = false;
    if (s === 'waiting') {
      // The wait is said once: by the escalation's notice, which says it,
      // else here (after a transfer to a team, say), unless the latest
      // notice speaks of the wait otherwise ("Sorry for the wait").
      var n = Math.max(1, Math.round(st.eta / 60));
      if (st.eta && !said(/minut|hour|timm|wait|dröj/i)) txt = fmt(T.waitEta, { n: n === 1 ? T.min1 : fmt(T.minN, { n: n }) });
      else if (st.eta || !st.known) txt = T.waiting;
      else if (!CFG.email_follow_up) txt = said(/wait in this chat|väntar i den här chatten/i) ? '' : T.nobodyHere;
      else if (S.email) txt = confirmed(S.email) ? '' : fmt(T.emailThanks, { email: S.email });
      else { txt = said(/e-?mail|e-post/i) ? '' : T.nobody; showForm = true; }
    } else if (s === 'human') {
      txt = fmt(T.withHuman, { name: humanName() || T.aPerson });
    } else if (s === 'closed') {
      txt = T.closed;
      showNew = true;
    } else if (asking) {
      txt = T.asking;
    }
    stateTxt.textContent = txt;
    stateEl.hidden = !txt && !showForm;
    stateTxt.hidden = !txt;
    form.hidden = !showForm;
    newBtn.hidden = !showNew;
    humanBtn.hidden = s !== 'bot' || asking;
    botBtn.hidden = s !== 'waiting';
    humanBtn.parentNode.hidden = humanBtn.hidden && botBtn.hidden;
  }
  function newConversation() {
    var sock = ws;
    ws = null;
    wsOK = false;
    if (sock) try { sock.close(1000); } catch (e) { /* already closed */ }
    S = fresh();
    wr(KEY, JSON.stringify(S));
    asking = false;
    renderAll();
    renderState();
    setLauncher();
    attempt = 0;
    connect();
    ta.focus();
  }

  // ---------------------------------------------------------------- socket
  var ws = null, wsOK = false, attempt = 0, timer = 0, everUp = false, wanted = false, helloTimer = 0;
  function frame(o) {
    if (ws && ws.readyState === 1) {
      try { ws.send(JSON.stringify(o)); } catch (e) { /* onclose will follow */ }
    }
  }
  function connect() {
    wanted = true;
    if (ws) return;
    clearTimeout(timer);
    timer = 0;
    if (!S.token) {
      // Another tab may have started the conversation meanwhile.
      var cur = load();
      if (cur.token) { var out = S.out; S = cur; S.out = mergeOut(out, cur.out); renderAll(); renderState(); }
    }
    if (!navigator.onLine && navigator.onLine !== undefined) { setStatus('offline'); return; }
    setStatus(everUp || attempt ? 'reconnecting' : 'connecting');
    var sock;
    try { sock = new WebSocket(WSURL); } catch (e) { schedule(); return; }
    ws = sock;
    clearTimeout(helloTimer);
    helloTimer = setTimeout(function () { if (ws === sock && !wsOK) sock.close(); }, 15000);
    sock.onopen = function () { if (ws === sock) hello(sock); };
    sock.onmessage = function (ev) {
      if (ws !== sock) return;
      var f;
      try { f = JSON.parse(ev.data); } catch (e) { return; }
      if (f && typeof f === 'object') handle(f, sock);
    };
    sock.onclose = function () {
      if (ws !== sock) return;
      ws = null;
      wsOK = false;
      showTyping(false);
      refreshPending();
      schedule();
    };
  }
  // pageURL is the page for the agent's context, shortened to what the
  // server keeps (MAX_PAGE bytes): a long URL must not cost the hello.
  function pageURL() {
    var u = location.href.slice(0, MAX_PAGE); // a character is at least a byte
    var enc = new TextEncoder();
    while (enc.encode(u).length > MAX_PAGE) u = u.slice(0, -1); // rare: href is mostly %-encoded
    return u;
  }
  function hello(sock) {
    var h = { type: 'hello', locale: LANG, page: pageURL() };
    try { h.time_zone = Intl.DateTimeFormat().resolvedOptions().timeZone || undefined; } catch (e) { /* no Intl */ }
    if (S.token) { h.token = S.token; h.last_seq = S.last; }
    if (ATTRS) h.attributes = ATTRS;
    try { sock.send(JSON.stringify(h)); } catch (e) { /* onclose will follow */ }
  }
  // flushOut resends the outbox after a (re)connect with the same
  // client_ids, paced below the server's message rate so that a long
  // offline queue is not refused.
  function flushOut(sock) {
    S.out.slice().forEach(function (o, i) {
      var later = i < 4 ? 0 : (i - 3) * 600;
      setTimeout(function () { if (ws === sock && wsOK && S.out.indexOf(o) >= 0) sendMsg(o); }, later);
    });
  }
  function mergeOut(a, b) {
    var seen = {}, r = [];
    a.concat(b).forEach(function (o) { if (!seen[o.client_id]) { seen[o.client_id] = 1; r.push(o); } });
    return r;
  }
  // schedule reconnects with full-jitter exponential backoff, 0.5 s to 30 s.
  function schedule() {
    if (timer || !wanted) return;
    attempt++;
    var cap = Math.min(30000, 500 * Math.pow(2, attempt - 1));
    var delay = Math.max(250, Math.random() * cap);
    setStatus(navigator.onLine === false ? 'offline' : 'reconnecting');
    timer = setTimeout(function () { timer = 0; connect(); }, delay);
  }
  function leavePage() {
    var sock = ws;
    if (!sock) return;
    ws = null;
    wsOK = false;
    try { sock.close(1000); } catch (e) { /* already closed */ }
  }
  function kick() {
    if (!wanted || ws) return;
    clearTimeout(timer);
    timer = 0;
    connect();
  }
  function handle(f, sock) {
    switch (f.type) {
      case 'welcome':
        clearTimeout(helloTimer);
        if (S.cid && f.conversation_id && f.conversation_id !== S.cid) {
          // The old conversation could not be resumed; keep unsent messages.
          var out = S.out;
          S = fresh();
          S.out = out;
          renderAll();
        }
        wsOK = true;
        everUp = true;
        attempt = 0;
        S.cid = f.conversation_id || S.cid;
        S.token = f.token || S.token;
        if (f.state && f.state !== S.state) { S.state = f.state; S.st = null; }
        save();
        setStatus('');
        renderState();
        refreshPending();
        flushOut(sock);
        flushFeedback();
        if (asking && S.state === 'bot') frame({ type: 'human' });
        if (S.email && S.emailSent === false) { frame({ type: 'contact', email: S.email }); S.emailSent = true; save(); }
        if (d.visibilityState === 'hidden') sendPresence();
        break;
      case 'message': onMessage(f, true); break;
      case 'delta': onDelta(f); break;
      case 'state': onState(f); break;
      case 'typing':
        if (f.from && f.from !== 'visitor') showTyping(!!f.on, f.from, f.author);
        break;
      case 'error': onError(f, sock); break;
    }
  }
  function onError(f, sock) {
    var code = String(f.code || '');
    if (code === 'forbidden_identity' && ATTRS) {
      // The site's user_hash does not prove its user_id: chat on without
      // the identity rather than not at all, and tell the site's developer.
      if (w.console) console.warn('andon: ' + f.message);
      delete ATTRS.user_id;
      delete ATTRS.user_hash;
      hello(sock);
      return;
    }
    if (/token/.test(code)) {
      // The resume token was refused and the server starts a new
      // conversation on this connection; keep only the unsent messages.
      var keep = S.out;
      S = fresh();
      S.out = keep;
      wr(KEY, JSON.stringify(S));
      renderAll();
      renderState();
      setLauncher();
      setTimeout(function () { if (ws === sock && !wsOK) sock.close(); }, 1500);
      return;
    }
    var o = null, now = Date.now();
    S.out.forEach(function (x) {
      // The bundled server names the message; other servers may not, and
      // too_large can only be about the message just sent.
      if (f.client_id ? x.client_id === f.client_id
        : code === 'too_large' && x.sent && now - x.sent < 10000 && (!o || x.sent >= o.sent)) o = x;
    });
    if (o && !/^(rate_limited|too_large|bad_request)$/.test(code)) {
      // The server could not store it just now: send it again shortly.
      setTimeout(function () { if (wsOK && S.out.indexOf(o) >= 0) sendMsg(o); }, 2000 + Math.random() * 2000);
      return;
    }
    notice(code === 'rate_limited' ? T.rate : code === 'too_large' ? T.tooLarge : T.error);
    if (o) {
      // Refused for good: take it back into the composer, nothing is lost.
      S.out = S.out.filter(function (x) { return x !== o; });
      dropped[o.client_id] = 1;
      drop('c' + o.client_id);
      giveBack(o);
      save();
    }
  }
  // giveBack puts refused messages back into the composer in the order
  // they were written, each on its own line, above what is being typed,
  // with the cursor on a fresh line after them.
  var back = [];
  function giveBack(o) {
    var cur = ta.value, block = back.map(function (x) { return x.text; }).join('\n') + '\n';
    var typed = cur;
    if (back.length && cur.indexOf(block) === 0) typed = cur.slice(block.length);
    else back = [];
    back.push(o);
    back.sort(function (a, b) { return a.at < b.at ? -1 : a.at > b.at ? 1 : 0; });
    ta.value = back.map(function (x) { return x.text; }).join('\n') + '\n' + typed;
    grow();
  }

  // ---------------------------------------------------------------- start
  function start(cfg) {
    if (cfg && typeof cfg === 'object') for (var k in cfg) CFG[k] = cfg[k];
    LANG = pickLang(CFG.locale);
    T = STR[LANG];
    var linked = takeLink();
    build();
    w.addEventListener('online', kick);
    w.addEventListener('offline', function () { if (!wsOK) setStatus('offline'); });
    d.addEventListener('visibilitychange', function () {
      sendPresence();
      if (d.visibilityState === 'visible') { kick(); if (isOpen) markSeen(); }
    });
    // Leaving the page closes the socket at once, so that agents see the
    // visitor gone (also when the page goes into the back-forward cache,
    // from which pageshow brings it back and reconnects).
    w.addEventListener('pagehide', leavePage);
    w.addEventListener('pageshow', function (e) { if (e.persisted) kick(); });
    w.addEventListener('storage', function (e) {
      // Follow a conversation another tab started or restarted.
      if (e.key === KEY && !ws && !S.token) { var cur = load(); if (cur.token) { S = cur; renderAll(); renderState(); setLauncher(); } }
    });
    w.andon = w.andon || {};
    w.andon[SITE] = { open: function () { open(true); }, close: close };
    w.addEventListener('hashchange', function () {
      if (!takeLink()) return;
      var sock = ws;
      ws = null;
      wsOK = false;
      if (sock) try { sock.close(1000); } catch (e) { /* already closed */ }
      renderAll();
      renderState();
      attempt = 0;
      open(false);
    });
    if (linked || rd(OPENKEY, true) === '1') open(false);
    else if (S.token || S.out.length) connect();
  }
  // takeLink adopts the conversation of a link from an e-mail,
  // #andon-resume=TOKEN, when the token is this site's, and takes the token
  // out of the address bar.
  function takeLink() {
    var m = /(?:^#|&)andon-resume=([\w-]+\.[\w-]+)/.exec(location.hash), p;
    if (!m) return false;
    try { p = atob(m[1].split('.')[0].replace(/-/g, '+').replace(/_/g, '/')).split('\n'); } catch (e) { return false; }
    if (p[1] !== SITE || !p[2]) return false;
    try { history.replaceState(history.state, '', location.pathname + location.search); } catch (e) { /* keep it */ }
    if (p[2] !== S.cid) { S = fresh(); S.cid = p[2]; }
    S.token = m[1];
    wr(KEY, JSON.stringify(S));
    return true;
  }
  function go() {
    var done = false, t = setTimeout(function () { fin(null); }, 4000);
    function fin(c) { if (done) return; done = true; clearTimeout(t); start(c); }
    try {
      fetch(ORIGIN + '/widget/config.json?site=' + encodeURIComponent(SITE), { credentials: 'omit' })
        .then(function (r) {
          if (r.status === 404) {
            // A misconfigured tag: better no widget than one that never connects.
            done = true;
            clearTimeout(t);
            if (w.console) console.warn('andon: the server knows no site "' + SITE + '"; check data-site');
            return;
          }
          return r.ok ? r.json() : null;
        })
        .then(function (c) { if (!done) fin(c); }, function () { fin(null); });
    } catch (e) { fin(null); }
  }
  if (d.body) go();
  else d.addEventListener('DOMContentLoaded', go);
})();
