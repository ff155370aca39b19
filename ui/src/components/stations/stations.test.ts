import { describe, expect, it } from 'vitest';
import type { TicketView } from '../../lib/backend/types';
import { calledTicket, choiceLabel, digitOf, durationLabel, PURPOSES, timeLeft, waitingTickets, waitMinutes } from './stations';

function ticket(label: string, state: string, position: number, called_at: string | null = null): TicketView {
  return {
    id: label,
    number: Number.parseInt(label, 10),
    label,
    visitor_id: null,
    event_id: null,
    first_name: `P${label}`,
    purpose: 'free',
    state,
    joined_at: '2026-12-03T09:00:00Z',
    joined_local: '10:00',
    skips: 0,
    called_at,
    position,
    wait_seconds: null,
  };
}

describe('what the board shows', () => {
  it('counts the time left in whole minutes rounded up, and over time in whole minutes past', () => {
    expect(timeLeft(45 * 60)).toEqual({ over: false, minutes: 45 });
    expect(timeLeft(4 * 60 + 1), 'a started minute is a minute left').toEqual({ over: false, minutes: 5 });
    expect(timeLeft(0)).toEqual({ over: false, minutes: 0 });
    expect(timeLeft(-30), 'just over shows as one minute over, never "0 min over"').toEqual({ over: true, minutes: 1 });
    expect(timeLeft(-5 * 60 - 59)).toEqual({ over: true, minutes: 5 });
  });

  it('writes durations of an hour or more in hours', () => {
    expect([durationLabel(45), durationLabel(60), durationLabel(65), durationLabel(120)]).toEqual(['45 min', '1 h', '1 h 05', '2 h']);
  });

  it('says a wait in minutes rounded up, and nothing when no station works', () => {
    expect(waitMinutes(null)).toBeNull();
    expect(waitMinutes(0)).toBe(0);
    expect(waitMinutes(61)).toBe(2);
    expect(waitMinutes(-10), 'a session over time means a station any moment').toBe(0);
  });

  it('shows the person called last, and those waiting in the order they will be seated', () => {
    const queue = [ticket('3', 'waiting', 2), ticket('1', 'called', 1, '2026-12-03T10:01:00Z'), ticket('2', 'called', 1, '2026-12-03T10:05:00Z'), ticket('4', 'waiting', 1)];
    expect(calledTicket(queue)?.label).toBe('2');
    expect(waitingTickets(queue).map((t) => t.label)).toEqual(['4', '3']);
    expect(calledTicket([ticket('5', 'waiting', 1)])).toBeNull();
  });

  it('names purposes from the registry in both languages, keys 1–5 in its order', () => {
    expect(PURPOSES.map((p) => p.value)).toEqual(['job_search', 'cv_letter', 'procedure', 'free', 'training']);
    expect(choiceLabel(PURPOSES, 'cv_letter', 'fr')).toBe('CV, lettre de motivation');
    expect(choiceLabel(PURPOSES, 'cv_letter', 'en')).toBe('CV, cover letter');
    expect(choiceLabel(PURPOSES, 'unknown', 'fr'), 'an unknown code stays readable').toBe('unknown');
  });

  it('reads a digit from the key or, on an AZERTY keyboard, from the digit row', () => {
    expect(digitOf(new KeyboardEvent('keydown', { key: '3', code: 'Digit3' }))).toBe(3);
    expect(digitOf(new KeyboardEvent('keydown', { key: '"', code: 'Digit3' }))).toBe(3);
    expect(digitOf(new KeyboardEvent('keydown', { key: 'a', code: 'KeyQ' }))).toBeNull();
  });
});
