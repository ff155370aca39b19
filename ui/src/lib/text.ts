// Text helpers of the screens: folding a name into a file name, splitting a
// typed name, and telling a scanned code from a typed name. Matching names is
// the core's (its search), never done here.
import { translate, type Locale } from './i18n/index.svelte';

/** Lower case, accents removed, apostrophes dropped, other punctuation → space. */
export function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[œ]/g, 'oe')
    .replace(/[æ]/g, 'ae')
    .replace(/ł/g, 'l')
    .replace(/ß/g, 'ss')
    .replace(/ı/g, 'i')
    .replace(/['’`ʼ]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Folded words of a text. */
export function tokens(s: string): string[] {
  const f = fold(s);
  return f === '' ? [] : f.split(' ');
}

/**
 * Could this be a badge or ticket code rather than a name? Codes have no
 * spaces and at least four characters (a scanner types them whole).
 */
export function looksLikeCode(s: string): boolean {
  const t = s.trim();
  return t.length >= 4 && !/\s/.test(t);
}

/** "eloise n'diaye-lefevre" → { first: "Eloise", last: "N'Diaye-Lefevre" }. */
export function splitName(typed: string): { first: string; last: string } {
  const words = typed.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return { first: '', last: '' };
  const wasLower = typed === typed.toLowerCase();
  const cap = (w: string) =>
    wasLower ? w.replace(/(^|[-'’\s])(\p{L})/gu, (_m, sep: string, c: string) => sep + c.toUpperCase()) : w;
  const [first, ...rest] = words.map(cap);
  return { first: first ?? '', last: rest.join(' ') };
}

/**
 * "Éloïse" + "N'Diaye-Lefèvre" → "Éloïse N'Diaye-Lefèvre" (one of them may be
 * empty); "Personne anonymisée" / "Anonymised person" when both are (an
 * anonymised record keeps no name).
 */
export function fullName(v: { first_name: string; last_name: string }, locale: Locale): string {
  const name = [v.first_name, v.last_name].filter((s) => s.trim() !== '').join(' ');
  return name === '' ? translate(locale, 'privacy.anonymisedName') : name;
}
