// Shared set-up for the component tests: the whole app on a MockBackend, on a
// fixed clock, already opened on the demo event's desk.
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import App from '../App.svelte';
import { MockBackend, type MockOptions } from '../lib/backend/mock';
import type { EventView } from '../lib/backend/types';
import { TestId } from '../lib/testIds';

/** 2026-12-03 11:30 in Paris (UTC+1): Chloé Martin arrived an hour earlier, at 10:30. */
export const NOW = Date.UTC(2026, 11, 3, 10, 30);

export function memoryStorage(init: Record<string, string> = {}) {
  const m = new Map(Object.entries(init));
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
  };
}

export interface Opened {
  backend: MockBackend;
  event: EventView;
  user: ReturnType<typeof userEvent.setup>;
}

/** The app on a seeded mock, with the demo event chosen: it opens on the desk. */
export async function openApp(options: MockOptions & { extra?: number } = {}, lang?: 'fr' | 'en'): Promise<Opened> {
  const backend = MockBackend.seeded({ now: () => NOW, ...options });
  const event = (await backend.listEvents())[0]!;
  const storage = memoryStorage({ 'escale.eventId': event.id });
  const user = userEvent.setup();
  render(App, { props: { backend, storage, locale: lang } });
  await screen.findByTestId(TestId.DeskSearch);
  return { backend, event, user };
}

/** Text of the element with this test id (trimmed, spaces collapsed). */
export function text(id: string): string {
  return (screen.getByTestId(id).textContent ?? '').replace(/\s+/g, ' ').trim();
}

export function resultNames(): string[] {
  return screen.queryAllByTestId(TestId.DeskResult).map((li) => li.querySelector('.hit-name')?.textContent ?? '');
}
