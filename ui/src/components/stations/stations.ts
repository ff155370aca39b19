// What the station board, the waiting list and the "next in line" display
// show, computed from the core's answers (`Board`, `TicketView`, `UseView`):
// labels from the field registry, time left and waits in whole minutes,
// who is called. No rule of the core lives here: the board's order, the
// estimated waits and the warning are the core's.
import { PASS_FIELDS, STATION_FIELDS, STATION_USE_FIELDS, VISITOR_FIELDS } from '../../lib/backend/bindings/registry';
import type { Board, Choice, FieldSpec, StationCard, TicketView } from '../../lib/backend/types';
import type { Locale } from '../../lib/i18n/index.svelte';

function choices(fields: readonly FieldSpec[], name: string): readonly Choice[] {
  return fields.find((f) => f.name === name)?.choices ?? [];
}

/** The purposes a session is given for, in the registry's order (keys 1–5). */
export const PURPOSES = choices(STATION_USE_FIELDS, 'purpose');
/** Where a station stands: the stand, the third place. */
export const PLACES = choices(STATION_FIELDS, 'place');
/** What a station offers: printer, webcam, headset, accessibility kit. */
export const OFFERS = choices(STATION_FIELDS, 'offers');
/** A coworker's status (freelancer, remote employee…). */
export const COWORK_STATUSES = choices(VISITOR_FIELDS, 'cowork_status');
/** Day pass, membership. */
export const PASS_KINDS = choices(PASS_FIELDS, 'kind');

/** The purpose a session has when the desk says none (the core's default too). */
export const DEFAULT_PURPOSE = 'free';

/** A choice's label in the UI's language; the code itself when unknown. */
export function choiceLabel(list: readonly Choice[], code: string, locale: Locale): string {
  const c = list.find((x) => x.value === code);
  return c ? (locale === 'fr' ? c.label.fr : c.label.en) : code;
}

/** Time left on a station: whole minutes left (rounded up), or over time by whole minutes. */
export function timeLeft(secondsLeft: number): { over: boolean; minutes: number } {
  if (secondsLeft >= 0) return { over: false, minutes: Math.ceil(secondsLeft / 60) };
  return { over: true, minutes: Math.max(1, Math.floor(-secondsLeft / 60)) };
}

/** "45 min", "1 h 05", "2 h". */
export function durationLabel(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  const m = minutes % 60;
  return m === 0 ? `${Math.floor(minutes / 60)} h` : `${Math.floor(minutes / 60)} h ${String(m).padStart(2, '0')}`;
}

/** An estimated wait in whole minutes (rounded up); null when no station works. */
export function waitMinutes(seconds: number | null): number | null {
  return seconds === null ? null : Math.max(0, Math.ceil(seconds / 60));
}

/** The person called last and not yet seated (the big line of the display). */
export function calledTicket(queue: readonly TicketView[]): TicketView | null {
  const called = queue.filter((t) => t.state === 'called');
  if (called.length === 0) return null;
  // Two called at the same second: the one further down the list was called after.
  return called.reduce((a, b) => ((b.called_at ?? '') >= (a.called_at ?? '') ? b : a));
}

/** The people waiting (not called), in the order they will be seated. */
export function waitingTickets(queue: readonly TicketView[]): TicketView[] {
  return queue.filter((t) => t.state === 'waiting').sort((a, b) => a.position - b.position);
}

/** The free stations, in the board's order (the first is the one "first free" gives). */
export function freeStations(board: Board | null): StationCard[] {
  return (board?.stations ?? []).filter((c) => c.state === 'free');
}

/** The digit a key press stands for (1–9), from the key or the digit row (AZERTY types "&", "é"…). */
export function digitOf(e: KeyboardEvent): number | null {
  const d = /^\d$/.test(e.key) ? e.key : /^(?:Digit|Numpad)(\d)$/.exec(e.code ?? '')?.[1];
  return d === undefined ? null : Number(d);
}
