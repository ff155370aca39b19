// Display of the local wall times Rust sends ("2026-12-03 10:42"): parsed as
// plain calendar values, never shifted through the browser's timezone.
import type { Locale } from './i18n/index.svelte';

interface Parts {
  y: number;
  m: number;
  d: number;
  hh: number;
  mm: number;
}

export function parseLocal(s: string): Parts | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}))?/.exec(s.trim());
  if (!m) return null;
  return { y: +m[1]!, m: +m[2]!, d: +m[3]!, hh: +(m[4] ?? 0), mm: +(m[5] ?? 0) };
}

function asUtc(p: Parts): Date {
  return new Date(Date.UTC(p.y, p.m - 1, p.d, p.hh, p.mm));
}

const tag = (l: Locale) => (l === 'fr' ? 'fr-FR' : 'en-GB');

/** "10:42" */
export function timeOf(s: string): string {
  const p = parseLocal(s);
  if (!p) return s;
  return `${String(p.hh).padStart(2, '0')}:${String(p.mm).padStart(2, '0')}`;
}

/** "2026-12-03" part of a local time. */
export function dayOf(s: string): string {
  return s.slice(0, 10);
}

/** "jeu. 3 déc. 2026" */
export function dateLabel(s: string, locale: Locale): string {
  const p = parseLocal(s);
  if (!p) return s;
  return new Intl.DateTimeFormat(tag(locale), {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(asUtc(p));
}

/** "4 janvier 2027" / "4 January 2027" from "2027-01-04". */
export function longDate(s: string, locale: Locale): string {
  const p = parseLocal(s);
  if (!p) return s;
  return new Intl.DateTimeFormat(tag(locale), { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(asUtc(p));
}

/** "janvier 2027" / "January 2027" from "2027-01". */
export function monthLabel(s: string, locale: Locale): string {
  const m = /^(\d{4})-(\d{2})$/.exec(s.trim());
  if (!m) return s;
  return new Intl.DateTimeFormat(tag(locale), { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(+m[1]!, +m[2]! - 1, 1)));
}

/** An instant ("2026-12-03T10:30:00Z") in this laptop's time: "3 déc. 2026, 11:30". */
export function instantLabel(s: string, locale: Locale): string {
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return s;
  return new Intl.DateTimeFormat(tag(locale), { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(d);
}

/** "3 déc. 10:42" when not today, else "10:42". */
export function whenLabel(s: string, locale: Locale, today: string): string {
  const p = parseLocal(s);
  if (!p) return s;
  if (dayOf(s) === today) return timeOf(s);
  const day = new Intl.DateTimeFormat(tag(locale), { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(asUtc(p));
  return `${day} ${timeOf(s)}`;
}

/** "jeu. 3 déc. 2026, 09:00 – 17:30" (or two dates when the event spans days). */
export function rangeLabel(start: string, end: string, locale: Locale): string {
  if (dayOf(start) === dayOf(end)) return `${dateLabel(start, locale)}, ${timeOf(start)} – ${timeOf(end)}`;
  return `${dateLabel(start, locale)} ${timeOf(start)} – ${dateLabel(end, locale)} ${timeOf(end)}`;
}

/** Today's date in a timezone, "2026-12-03". */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  try {
    return new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

export function formatNumber(n: number, locale: Locale): string {
  return new Intl.NumberFormat(tag(locale)).format(n);
}

/**
 * The day times are shown relative to: today while the event runs, else the
 * event's first day (so "10:42" needs no date on the event's own day).
 */
export function referenceDay(ev: { timezone: string; starts_local: string; ends_local: string }, now: Date = new Date()): string {
  const today = todayIn(ev.timezone, now);
  return today >= dayOf(ev.starts_local) && today <= dayOf(ev.ends_local) ? today : dayOf(ev.starts_local);
}
