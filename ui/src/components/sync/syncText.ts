// Wording of the sync state: "il y a 2 min", "3 h 20 min".
import type { I18n, Locale } from '../../lib/i18n/index.svelte';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "à l’instant", "il y a 12 min", "il y a 3 h", else "le 3 déc. 10:42". */
export function agoLabel(ms: number, now: number, i18n: Pick<I18n, 't' | 'locale'>): string {
  const d = Math.max(0, now - ms);
  if (d < MINUTE) return i18n.t('sync.justNow');
  if (d < HOUR) return i18n.t('sync.minutesAgo', { n: Math.floor(d / MINUTE) });
  if (d < DAY) return i18n.t('sync.hoursAgo', { n: Math.floor(d / HOUR) });
  const date = new Intl.DateTimeFormat(i18n.locale === 'fr' ? 'fr-FR' : 'en-GB', {
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(ms));
  return i18n.t('sync.onDay', { date });
}

/** A clock difference: "3 h", "1 h 20 min", "12 min", "2 j" (fr) / "2 days". */
export function durationLabel(ms: number, locale: Locale): string {
  const a = Math.abs(ms);
  if (a >= 2 * DAY) {
    const n = Math.round(a / DAY);
    return locale === 'fr' ? `${n} j` : `${n} days`;
  }
  // Rounded to the minute first: a skew measured a few milliseconds short
  // of three hours is "3 h", not "2 h 60 min".
  const minutes = Math.max(1, Math.round(a / MINUTE));
  if (minutes >= HOUR / MINUTE) {
    const h = Math.floor(minutes / (HOUR / MINUTE));
    const m = minutes % (HOUR / MINUTE);
    return m === 0 || h >= 10 ? `${h} h` : `${h} h ${m} min`;
  }
  return `${minutes} min`;
}

/**
 * The clock warning, or null when the clocks agree. `skewMs` is the hub's
 * clock minus this laptop's: negative means this laptop is ahead.
 */
export function skewWarning(skewMs: number | null, clockOff: boolean, i18n: Pick<I18n, 't' | 'locale'>): string | null {
  if (skewMs === null || !clockOff) return null;
  const d = durationLabel(skewMs, i18n.locale);
  return skewMs < 0 ? i18n.t('sync.skewAhead', { d }) : i18n.t('sync.skewBehind', { d });
}
