// Every text the console shows, by language: the catalogue's "console."
// keys (internal/locale/*.json), which the server serves as locale.js.
// {name} placeholders are filled by t(). A language is added by adding its
// catalogue file.
import tables from './locale.js';


function pick() {
  const saved = localStorage.getItem('andon.lang');
  if (saved && tables[saved]) return saved;
  const l = (navigator.language || 'en').toLowerCase().split(/[-_]/)[0];
  return tables[l] ? l : 'en';
}

let lang = pick();

/** The current language code. */
export function currentLang() { return lang; }

/** The language after the current one, in the catalogue's order. */
export function nextLang() {
  const all = Object.keys(tables).sort();
  return all[(all.indexOf(lang) + 1) % all.length];
}

/** A language's own name for itself ("Svenska"). */
export function langName(l) { return tables[l].language; }

/** Switches language and remembers it; the caller re-renders. */
export function setLang(l) {
  if (!tables[l]) return;
  lang = l;
  localStorage.setItem('andon.lang', l);
  document.documentElement.lang = l;
}

/** The text for key with {placeholders} filled from vars. */
export function t(key, vars) {
  let s = tables[lang][key] ?? tables.en[key] ?? key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  return s;
}

/**
 * A reason code in words in the current language: the server says every
 * reason in each console language (reason_texts, from handoff.ReasonText);
 * else its English reason_text, else the code itself.
 */
export function reasonText(code, texts, fallback) {
  return (texts && (texts[lang] || texts.en)) || fallback || code || '';
}

/** A short duration in words: 45 s, 3 min, 2 h 5 min. */
export function duration(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return `${h} h ${m % 60} min`;
}
