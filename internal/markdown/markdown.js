// renderMarkdown(text) turns the Markdown of a bot answer into a
// DocumentFragment: paragraphs, bold, italics, lists, inline code, code
// blocks, links with http, https or mailto addresses only, and bare http(s)
// addresses. Headings become bold lines, images their alt text. It builds
// every node with createElement and createTextNode and never parses HTML,
// so markup in an article (a <script>, an onerror attribute) is shown as the
// literal text it is. The widget includes this file inside its own scope,
// the console imports it as a module; both get it from internal/markdown.
var renderMarkdown = (function () {
  'use strict';
  var FENCE = /^ {0,3}(`{3,}|~{3,})/;
  var HEADING = /^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
  var RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
  var ITEM = /^([ \t]*)([-*+]|(\d{1,9})[.)])[ \t]+(.*)$/;
  var QUOTE = /^ {0,3}> ?/;
  // escape | code run | image or link | autolink | strong | emphasis | bare URL
  var INLINE = new RegExp([
    '\\\\([!-\\/:-@\\[-`{-~])',
    '(`+)',
    '(!?)\\[((?:\\\\.|[^\\]\\\\])*)\\]\\(\\s*<?([^\\s<>()]*(?:\\([^\\s<>()]*\\)[^\\s<>()]*)*)>?(?:\\s+"[^"]*")?\\s*\\)',
    '<((?:https?|mailto):[^\\s<>]+)>',
    '(\\*\\*|__)(?=\\S)([\\s\\S]*?\\S)\\7',
    '(\\*|_)(?=[^\\s*_])([\\s\\S]*?[^\\s*_\\\\])\\9',
    '(https?:\\/\\/[^\\s<>"\'`]+)'
  ].join('|'), 'g');
  var WORD = /[0-9A-Za-z\u00C0-\u024F]/;

  function node(tag, text) {
    var e = document.createElement(tag);
    if (text != null) e.appendChild(document.createTextNode(text));
    return e;
  }

  // safeHref returns the absolute address u when its scheme is http, https
  // or mailto, and '' for anything else (javascript:, data:, relative).
  function safeHref(u) {
    try {
      var x = new URL(u);
      return /^(https?|mailto):$/.test(x.protocol) ? x.href : '';
    } catch (e) { return ''; }
  }

  function link(href) {
    var a = node('a');
    a.href = href;
    a.target = '_blank';
    a.rel = 'noopener noreferrer nofollow';
    return a;
  }

  // inline appends the spans of s to parent; inLink leaves out nested links.
  function inline(parent, s, inLink) {
    var last = 0, m, re = new RegExp(INLINE.source, 'g');
    function text(t) { if (t) parent.appendChild(document.createTextNode(t)); }
    while ((m = re.exec(s))) {
      var at = m.index, end = re.lastIndex, el = null;
      if (m[1] != null) {
        text(s.slice(last, at) + m[1]);
        last = end;
        continue;
      }
      if (m[2] != null) {
        var close = closingRun(s, m[2], end);
        if (close < 0) { text(s.slice(last, end)); last = end; continue; }
        var code = s.slice(end, close).replace(/\n/g, ' ');
        if (/^ .*[^ ].* $/.test(code)) code = code.slice(1, -1);
        el = node('code', code);
        end = close + m[2].length;
      } else if (m[4] != null) {
        var href = !m[3] && !inLink ? safeHref(m[5]) : '';
        el = href ? link(href) : document.createDocumentFragment();
        inline(el, m[4], true);
      } else if (m[6] != null) {
        var auto = inLink ? '' : safeHref(m[6]);
        el = auto ? link(auto) : null;
        if (el) el.appendChild(document.createTextNode(m[6]));
      } else if (m[7] != null || m[9] != null) {
        var delim = m[7] || m[9];
        if (delim.charAt(0) === '_' && (WORD.test(s.charAt(at - 1)) || WORD.test(s.charAt(end)))) {
          re.lastIndex = at + 1; // snake_case_name
          continue;
        }
        el = node(m[7] ? 'strong' : 'em');
        inline(el, m[8] != null ? m[8] : m[10], inLink);
      } else if (m[11] != null && !inLink) {
        var u = m[11].replace(/[.,;:!?)\]}'"»]+$/, ''), bare = safeHref(u);
        if (bare) {
          el = link(bare);
          el.appendChild(document.createTextNode(u));
          end = at + u.length;
        }
      }
      if (!el) continue;
      text(s.slice(last, at));
      parent.appendChild(el);
      last = end;
      re.lastIndex = end;
    }
    text(s.slice(last));
  }

  // closingRun finds the backtick run equal to run at or after from.
  function closingRun(s, run, from) {
    for (var i = s.indexOf(run, from); i >= 0; i = s.indexOf(run, i + 1)) {
      if (s.charAt(i - 1) !== '`' && s.charAt(i + run.length) !== '`') return i;
      while (s.charAt(i + 1) === '`') i++;
    }
    return -1;
  }

  return function renderMarkdown(text) {
    var out = document.createDocumentFragment();
    var lines = String(text == null ? '' : text).replace(/\r\n?/g, '\n').split('\n');
    var para = [], list = null, item = null, m;
    function flush() {
      if (para.length) {
        var p = node('p');
        inline(p, para.join('\n'));
        out.appendChild(p);
      }
      para = [];
    }
    function block(el) { flush(); list = item = null; out.appendChild(el); }
    for (var i = 0; i < lines.length; i++) {
      var line = lines[i];
      if ((m = FENCE.exec(line))) {
        var fence = m[1], code = [];
        for (i++; i < lines.length && lines[i].replace(/^ {0,3}/, '').indexOf(fence) !== 0; i++) code.push(lines[i]);
        var pre = node('pre');
        pre.appendChild(node('code', code.join('\n')));
        block(pre);
      } else if (!line.trim()) {
        flush();
        if (!list || !/^[ \t]+\S/.test(lines[i + 1] || '')) list = item = null;
      } else if ((m = HEADING.exec(line))) {
        var h = node('p'), b = node('strong');
        inline(b, m[1]);
        h.appendChild(b);
        block(h);
      } else if (RULE.test(line)) {
        block(document.createDocumentFragment());
      } else if ((m = ITEM.exec(line))) {
        flush();
        var ordered = m[3] != null, tag = ordered ? 'ol' : 'ul';
        if (!list || list.tagName.toLowerCase() !== tag) {
          list = node(tag);
          if (ordered && +m[3] !== 1) list.start = +m[3];
          out.appendChild(list);
        }
        item = node('li');
        inline(item, m[4]);
        list.appendChild(item);
      } else if (item && /^[ \t]+\S/.test(line)) {
        item.appendChild(document.createTextNode('\n'));
        inline(item, line.trim());
      } else {
        list = item = null;
        para.push(line.replace(QUOTE, '').trim());
      }
    }
    flush();
    return out;
  };
})();
