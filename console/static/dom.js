// Building the page without innerHTML: every piece of user or server text
// becomes a text node, so nothing a visitor types can become markup.

/**
 * h('div', {class: 'x', onclick: fn, title: 'y'}, 'text', child, [more])
 * creates an element. Attributes starting with "on" become listeners;
 * false, null and undefined attributes and children are left out.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v === null || v === undefined) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

/** Replaces el's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** The element with id. */
export const $ = (id) => document.getElementById(id);

// What others wrote is shown so that it cannot pass for something else.
// Bidi embeddings, overrides and isolates (LRE…RLO, LRI…PDI) reorder what
// follows them: U+202E makes "gnp.exe" read "exe.png". Names lose them;
// text shows them as [U+202E]. Runs of combining marks (zalgo) are capped
// at four, enough for any script, so text cannot spill over other rows.
const bidiControls = /[\u202A-\u202E\u2066-\u2069]/g;
const markRuns = /([\p{M}\u200C\u200D]{4})[\p{M}\u200C\u200D]+/gu;

/** A name as shown: no bidi controls, stacked marks capped. */
export function cleanName(s) {
  return String(s ?? '').replace(bidiControls, '').replace(markRuns, '$1');
}

/** Text as shown: bidi controls visible as [U+XXXX], stacked marks capped. */
export function cleanText(s) {
  return String(s ?? '').replace(bidiControls, (c) => `[U+${c.codePointAt(0).toString(16).toUpperCase()}]`).replace(markRuns, '$1');
}

/** A name isolated from the text around it. */
export function bdi(s) {
  return h('bdi', {}, cleanName(s));
}
