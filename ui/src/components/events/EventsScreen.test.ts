import { screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { dateTimePartId, TestId } from '../../lib/testIds';
import { openApp, text, type Opened } from '../../test/helpers';

/** Types a date and a time the French way into a DateTimeInput (replacing what it shows). */
async function typeWhen(user: Opened['user'], testId: string, date: string, time: string) {
  for (const [part, text] of [['date', date], ['time', time]] as const) {
    const box = screen.getByTestId(dateTimePartId(testId, part));
    await user.clear(box);
    await user.type(box, text);
  }
}

async function openEvents() {
  const opened = await openApp();
  await opened.user.click(screen.getByTestId(TestId.NavEvents));
  await screen.findByTestId(TestId.EventsList);
  await waitFor(() => expect(screen.getAllByTestId(TestId.EventItem).length).toBeGreaterThan(0));
  return opened;
}

describe('events', () => {
  it('lists the events, the demo one clearly marked', async () => {
    await openEvents();
    const item = screen.getAllByTestId(TestId.EventItem)[0]!;
    expect(within(item).getByTestId(TestId.EventItemTitle).textContent).toBe('[DÉMO] Forum emploi & numérique');
    expect(within(item).getByTestId(TestId.EventDemoBadge).textContent).toBe('Démo');
  });

  it('creates an event with two sessions, then opens its desk', async () => {
    const { backend, user } = await openEvents();
    await user.click(screen.getByTestId(TestId.EventNew));
    await user.click(screen.getByTestId(TestId.EventSave));
    expect(screen.getByText('Donnez un titre à l’événement.')).toBeTruthy();
    expect(backend.count('createEvent')).toBe(0);

    await user.type(screen.getByTestId(TestId.EventTitle), 'Forum emploi de Saint-Denis');
    await user.type(screen.getByTestId(TestId.EventPlace), 'Bourse du travail');
    await user.selectOptions(screen.getByTestId(TestId.EventKind), 'fair');
    await typeWhen(user, TestId.EventStart, '10/12/2026', '09:00');
    await typeWhen(user, TestId.EventEnd, '10/12/2026', '17:00');
    await user.click(screen.getByTestId(TestId.EventSave));
    await screen.findByTestId(TestId.EventFormSaved);
    expect(backend.lastArgs('createEvent')?.[0]).toMatchObject({
      title: 'Forum emploi de Saint-Denis',
      timezone: 'Europe/Paris',
      starts_at: '2026-12-10 09:00',
      ends_at: '2026-12-10 17:00',
    });

    for (const [title, start, end, cap] of [
      ['Atelier CV', '10:00', '11:00', '12'],
      ['Conférence métiers du numérique', '14:00', '15:30', ''],
    ] as const) {
      await user.click(screen.getByText('+ Nouvelle séance'));
      await user.type(screen.getByTestId(TestId.SessionTitle), title);
      await typeWhen(user, TestId.SessionStart, '10/12/2026', start);
      await typeWhen(user, TestId.SessionEnd, '10/12/2026', end);
      if (cap) await user.type(screen.getByTestId(TestId.SessionCapacity), cap);
      await user.click(screen.getByTestId(TestId.SessionSave));
      await waitFor(() => expect(screen.queryByTestId(TestId.SessionForm)).toBeNull());
    }
    expect(backend.lastArgs('addSession')?.[1], 'the times typed are sent as wall times').toMatchObject({
      starts_at: '2026-12-10 14:00',
      ends_at: '2026-12-10 15:30',
    });
    // The list reloads from the app once the form has closed.
    await waitFor(() => expect(screen.getAllByTestId(TestId.SessionItem)).toHaveLength(2));
    const sessions = screen.getAllByTestId(TestId.SessionItem).map((li) => li.textContent ?? '');
    expect(sessions).toHaveLength(2);
    expect(sessions[0]).toContain('Atelier CV');
    expect(sessions[0]).toContain('12 places');
    expect(sessions[1]).toContain('Places illimitées');

    await user.click(screen.getByTestId(TestId.EventClose));
    const item = (await screen.findAllByTestId(TestId.EventItem)).find((li) => li.textContent?.includes('Saint-Denis'))!;
    await user.click(within(item).getByTestId(TestId.EventOpen));
    await screen.findByTestId(TestId.DeskSearch);
    expect(text(TestId.DeskEventTitle)).toBe('Forum emploi de Saint-Denis');
    expect(text(TestId.CurrentEvent)).toContain('Forum emploi de Saint-Denis');
  });

  it('gives a new event a partner and a text its certificates print', async () => {
    const { backend, user } = await openEvents();
    await user.click(screen.getByTestId(TestId.EventNew));
    await user.type(screen.getByTestId(TestId.EventTitle), 'Atelier CV');
    await typeWhen(user, TestId.EventStart, '10/12/2026', '09:00');
    await typeWhen(user, TestId.EventEnd, '10/12/2026', '12:00');
    await user.type(screen.getByTestId(TestId.EventPartner), 'France Travail Saint-Denis');
    await user.type(screen.getByTestId(TestId.EventCertificateText), 'Atelier de rédaction de CV.');
    await user.click(screen.getByTestId(TestId.EventSave));
    await screen.findByTestId(TestId.EventFormSaved);
    const id = backend.lastResult<{ id: string }>('createEvent')!.id;
    expect(backend.lastArgs('setEventCertificate')).toEqual([id, 'France Travail Saint-Denis', 'Atelier de rédaction de CV.']);
    const saved = await backend.getEvent(id);
    expect(saved.partner).toBe('France Travail Saint-Denis');
    expect(saved.certificate_text).toBe('Atelier de rédaction de CV.');
  });

  it('shows the translated Rust message when the end is not a date', async () => {
    const { backend, user } = await openEvents();
    await user.click(screen.getByTestId(TestId.EventNew));
    await user.type(screen.getByTestId(TestId.EventTitle), 'Atelier');
    backend.failNext('createEvent', { code: 'input.invalid', message: 'Valeur invalide pour « fin » : demain', field: 'ends_at' });
    await user.click(screen.getByTestId(TestId.EventSave));
    expect(await screen.findByText('Valeur invalide pour « fin » : demain')).toBeTruthy();
  });

  it('deletes the demo event after confirmation and forgets it as the current event', async () => {
    const { backend, user } = await openEvents();
    const demo = screen.getAllByTestId(TestId.EventItem)[0]!;
    await user.click(within(demo).getByTestId(TestId.EventArchive));
    await user.click(screen.getByTestId(TestId.EventArchiveConfirm));

    await waitFor(() => expect(screen.queryAllByTestId(TestId.EventItem)).toHaveLength(0));
    expect(backend.count('archiveEvent')).toBe(1);
    expect(text(TestId.CurrentEvent)).toBe('Aucun événement choisi');
    expect((screen.getByTestId(TestId.NavDesk) as HTMLButtonElement).disabled, 'no desk without an event').toBe(true);
  });
});
