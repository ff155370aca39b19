// What DateTimeInput reads and writes: a date typed day first (jj/mm/aaaa,
// in English too: the association works in France) and a 24-hour time, to
// and from the local wall time Rust reads and sends, "2026-12-03 09:00".
// Pure functions, no timezone: these are calendar values.

/** "2026-12-03" */
export type IsoDay = string;
/** "09:00" */
export type HourMinute = string;

/** Why a text is not a date or a time. */
export type Problem =
  | { kind: 'dateFormat' }
  | { kind: 'noSuchMonth'; date: string }
  | { kind: 'noSuchDay'; date: string; days: number }
  | { kind: 'timeFormat' }
  | { kind: 'noSuchTime'; time: string };

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: Problem } | null;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * "3/12/2026", "03.12.26", "03122026" → "2026-12-03"; empty → null. Two-digit
 * years are this century's. 31/02 and 12/13 are refused with what is wrong.
 */
export function parseDay(text: string): Parsed<IsoDay> {
  const t = text.trim();
  if (t === '') return null;
  const m = /^(\d{1,2})\s*[/.\- ]\s*(\d{1,2})\s*[/.\- ]\s*(\d{4}|\d{2})$/.exec(t) ?? /^(\d{2})(\d{2})(\d{4})$/.exec(t);
  if (!m) return { ok: false, problem: { kind: 'dateFormat' } };
  const d = Number(m[1]);
  const mo = Number(m[2]);
  const y = m[3]!.length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
  if (y < 1900 || y > 2999) return { ok: false, problem: { kind: 'dateFormat' } };
  const shown = `${pad(d)}/${pad(mo)}/${pad(y, 4)}`;
  if (mo < 1 || mo > 12) return { ok: false, problem: { kind: 'noSuchMonth', date: shown } };
  const days = daysInMonth(y, mo);
  if (d < 1 || d > days) return { ok: false, problem: { kind: 'noSuchDay', date: shown, days } };
  return { ok: true, value: `${pad(y, 4)}-${pad(mo)}-${pad(d)}` };
}

/** "9h", "9h30", "09:30", "930", "14.00" → "09:30"…; empty → null. */
export function parseTime(text: string): Parsed<HourMinute> {
  const t = text.trim();
  if (t === '') return null;
  const m = /^(\d{1,2})\s*(?:[:hH.]\s*(\d{2})?)?$/.exec(t) ?? /^(\d{1,2})(\d{2})$/.exec(t);
  if (!m) return { ok: false, problem: { kind: 'timeFormat' } };
  const h = Number(m[1]);
  const min = Number(m[2] ?? 0);
  if (h > 23 || min > 59) return { ok: false, problem: { kind: 'noSuchTime', time: `${pad(h)}:${pad(min)}` } };
  return { ok: true, value: `${pad(h)}:${pad(min)}` };
}

/** "2026-12-03" → "03/12/2026" */
export function showDay(day: IsoDay): string {
  const [y, m, d] = day.split('-');
  return y && m && d ? `${d}/${m}/${y}` : '';
}

/** "2026-12-03 09:00" (or "…T09:00", with or without seconds) → ["2026-12-03", "09:00"]; anything else → ["", ""]. */
export function splitWallTime(value: string): [IsoDay, HourMinute] {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})/.exec(value.trim());
  return m ? [m[1]!, m[2]!] : ['', ''];
}

/** The wall time Rust reads, "2026-12-03 09:00", from a local time Rust sent (which may carry seconds). */
export function wallMinute(local: string): string {
  const [day, time] = splitWallTime(local);
  return day ? `${day} ${time}` : '';
}

/** The day `n` days after `day` (before, when negative). */
export function addDays(day: IsoDay, n: number): IsoDay {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d + n));
  return `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/** The next (step > 0) or previous quarter of an hour, kept within the day. */
export function stepTime(time: HourMinute, step: 1 | -1, minutes = 15): HourMinute {
  const [h, m] = time.split(':').map(Number) as [number, number];
  const now = h * 60 + m;
  const next = step > 0 ? Math.floor(now / minutes) * minutes + minutes : Math.ceil(now / minutes) * minutes - minutes;
  const clamped = Math.min(Math.max(next, 0), 23 * 60 + 59);
  return `${pad(Math.floor(clamped / 60))}:${pad(clamped % 60)}`;
}

/**
 * Keyboard help while typing at the end of the box: the separator comes by
 * itself after the day, the month and the hour ("14" → "14:"), and one typed
 * right after it is not doubled ("14:" + ":" or "h" stays "14:").
 */
export function autoSeparate(before: string, after: string, part: 'date' | 'time'): string {
  if (after.length !== before.length + 1 || !after.startsWith(before)) return after;
  const typed = after[after.length - 1]!;
  const sep = part === 'date' ? '/' : ':';
  if (!/\d/.test(typed)) return before.endsWith(sep) && /[/:.\-hH ]/.test(typed) ? before : after;
  if (part === 'date') {
    const dm = /^(\d{2})$/.exec(after) ?? /^\d{1,2}\/(\d{2})$/.exec(after);
    if (dm && Number(dm[1]) >= 1 && Number(dm[1]) <= (after.length === 2 ? 31 : 12)) return after + sep;
  } else if (/^\d{2}$/.test(after) && Number(after) <= 23) {
    return after + sep;
  }
  return after;
}
