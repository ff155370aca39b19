import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TestId } from '../../lib/testIds';
import { openApp, otherLaptop, resultNames, text } from '../../test/helpers';
import { NOW } from '../../test/seed';

const MINUTE = 60_000;

/** Checks the person in at the desk by name (the desk's search and Enter). */
async function checkIn(user: Awaited<ReturnType<typeof openApp>>['user'], query: string, name: string) {
  await fireEvent.input(screen.getByTestId(TestId.DeskSearch), { target: { value: query } });
  await waitFor(() => expect(resultNames()).toContain(name));
  await user.keyboard('{Enter}');
  await waitFor(() => expect(text(TestId.DeskFeedbackTitle)).toContain(name));
}

/** The card of a station on the board. */
function card(name: string): HTMLElement {
  const found = screen.getAllByTestId(TestId.StationCard).find((c) => c.dataset.station === name);
  if (!found) throw new Error(`no card for ${name}`);
  return found;
}

const cardText = (name: string) => (card(name).textContent ?? '').replace(/\s+/g, ' ').trim();

describe('giving a public computer from the desk', () => {
  it('takes F3, a purpose key and Enter after a check-in; the board shows the first name only', async () => {
    const { backend, people, user } = await openApp();
    await backend.addStation({ name: 'Poste 1', place: null, offers: ['printer'] });
    await backend.addStation({ name: 'Poste 2', place: null, offers: [] });
    await checkIn(user, 'kowalski', 'Łukasz Kowalski');
    expect(text(TestId.DeskStation)).toBe('Attribuer un poste F3');

    await user.keyboard('{F3}');
    const dialog = await screen.findByTestId(TestId.AssignDialog);
    expect(text(TestId.AssignWho)).toBe('À Łukasz Kowalski');
    await waitFor(() => expect(within(dialog).getByRole('radio', { name: /Poste 1/, checked: true })).toBeTruthy());
    expect(within(dialog).getByRole('radio', { name: /Consultation libre/, checked: true }), 'free use unless said').toBeTruthy();
    await user.keyboard('2');
    expect(within(dialog).getByRole('radio', { name: /CV, lettre de motivation/, checked: true })).toBeTruthy();
    await user.keyboard('{Enter}');

    await waitFor(() => expect(text(TestId.DeskStationSaved)).toBe('✓ Łukasz installé·e : Poste 1 (45 min).'));
    expect(screen.queryByTestId(TestId.AssignDialog)).toBeNull();
    expect(backend.lastArgs('assignStation')?.[0]).toMatchObject({ visitor_id: people.lukasz.id, purpose: 'cv_letter' });
    expect(document.activeElement, 'the desk is ready for the next person').toBe(screen.getByTestId(TestId.DeskSearch));

    await user.keyboard('{Alt>}0{/Alt}');
    await screen.findByTestId(TestId.StationsScreen);
    await waitFor(() => expect(card('Poste 1').dataset.state).toBe('busy'));
    expect(text(TestId.StationsFree)).toBe('1');
    expect(text(TestId.StationsBusy)).toBe('1');
    const shown = cardText('Poste 1');
    expect(shown).toContain('Łukasz');
    expect(shown, 'the first name only').not.toContain('Kowalski');
    expect(shown).toContain('CV, lettre de motivation');
    expect(shown).toContain('depuis 11:30');
    expect(shown).toContain('45 min restantes');
    expect(cardText('Poste 2')).toContain('Libre');
  });

  it('offers the waiting list when every station is taken, with the ticket and the estimated wait', async () => {
    const { backend, people, user } = await openApp();
    await backend.addStation({ name: 'Poste 1', place: null, offers: [] });
    await backend.assignStation({ visitor_id: people.chloe.id, station: null, purpose: null, minutes: 30, event_id: null });
    await checkIn(user, 'kowalski', 'Łukasz Kowalski');
    await user.keyboard('{F3}');
    await screen.findByTestId(TestId.AssignFull);
    expect(text(TestId.AssignFull)).toBe('Tous les postes sont occupés (0 personne(s) en attente).');
    await user.keyboard('{Enter}');
    await waitFor(() => expect(text(TestId.AssignTicket)).toBe('Ticket n° 1 Attente estimée : 30 min · rang 1'));
    await user.keyboard('{Enter}');
    await waitFor(() => expect(text(TestId.DeskStationSaved)).toBe('✓ Ticket n° 1 pour Łukasz : attente estimée 30 min.'));
    expect(backend.lastArgs('joinQueue')?.[0]).toMatchObject({ visitor_id: people.lukasz.id, purpose: 'free' });
  });

  it('says which station is free when another desk took the one chosen', async () => {
    const { backend, bridge, people, user } = await openApp();
    await backend.addStation({ name: 'Poste 1', place: null, offers: [] });
    await backend.addStation({ name: 'Poste 2', place: null, offers: [] });
    await checkIn(user, 'kowalski', 'Łukasz Kowalski');
    await user.keyboard('{F3}');
    const dialog = await screen.findByTestId(TestId.AssignDialog);
    await waitFor(() => expect(within(dialog).getByRole('radio', { name: /Poste 1/, checked: true })).toBeTruthy());
    // Meanwhile, another desk gives Poste 1 to Chloé.
    const { rawBackend } = await import('../../test/testBackend');
    await rawBackend(bridge).assignStation({ visitor_id: people.chloe.id, station: 'Poste 1', purpose: null, minutes: null, event_id: null });
    await user.keyboard('{Enter}');
    await waitFor(() => expect(text(TestId.AssignError)).toBe('Poste 1 est déjà occupé par Chloé. Poste 2 est libre.'));
    await waitFor(() => expect(within(dialog).getByRole('radio', { name: /Poste 2/, checked: true })).toBeTruthy());
    await user.keyboard('{Enter}');
    await waitFor(() => expect(text(TestId.DeskStationSaved)).toBe('✓ Łukasz installé·e : Poste 2 (45 min).'));
  });
});

describe('the station board', () => {
  it('warns five minutes before the end, extends by 15 minutes, and shows time over', async () => {
    const { backend, bridge, people, user } = await openApp();
    await backend.addStation({ name: 'Poste 1', place: null, offers: [] });
    await backend.assignStation({ visitor_id: people.aicha.id, station: null, purpose: 'procedure', minutes: 45, event_id: null });
    await bridge.control('freeze_clock', { at_ms: NOW + 41 * MINUTE });
    await user.click(screen.getByTestId(TestId.NavStations));
    await waitFor(() => expect(card('Poste 1').dataset.tone).toBe('warn'));
    expect(cardText('Poste 1')).toContain('4 min restantes');

    await user.click(within(card('Poste 1')).getByTestId(TestId.StationExtend));
    await waitFor(() => expect(cardText('Poste 1')).toContain('19 min restantes'));
    expect(card('Poste 1').dataset.tone).toBe('busy');

    await bridge.control('freeze_clock', { at_ms: NOW + 66 * MINUTE });
    await user.click(screen.getByTestId(TestId.NavDesk));
    await user.click(screen.getByTestId(TestId.NavStations));
    await waitFor(() => expect(card('Poste 1').dataset.tone).toBe('over'));
    expect(cardText('Poste 1')).toContain('dépassé de 6 min');
    expect(cardText('Poste 1')).toContain('Temps dépassé');
  });

  it('ends a session into the help entry pre-filled with its themes, minutes and the computer', async () => {
    const { backend, bridge, people, user } = await openApp();
    await backend.addStation({ name: 'Poste 1', place: null, offers: [] });
    await backend.assignStation({ visitor_id: people.thanh.id, station: null, purpose: 'cv_letter', minutes: null, event_id: null });
    await bridge.control('freeze_clock', { at_ms: NOW + 20 * MINUTE });
    await user.click(screen.getByTestId(TestId.NavStations));
    await waitFor(() => expect(card('Poste 1').dataset.state).toBe('busy'));
    await user.click(within(card('Poste 1')).getByTestId(TestId.StationEnd));

    const dialog = await screen.findByTestId(TestId.MediationDialog);
    expect(text(TestId.MediationWho)).toBe('À Thanh');
    expect(within(dialog).getByRole('button', { name: /Insertion professionnelle/, pressed: true })).toBeTruthy();
    expect(within(dialog).getByRole('button', { name: /Bureautique/, pressed: true })).toBeTruthy();
    expect((screen.getByTestId(TestId.MediationMinutes) as HTMLInputElement).value).toBe('20');
    expect(within(dialog).getByRole('button', { name: 'Ordinateur', pressed: true })).toBeTruthy();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(text(TestId.StationsSaved)).toBe('✓ Aide à Thanh enregistrée.'));
    expect(card('Poste 1').dataset.state).toBe('free');
    expect(backend.lastArgs('addMediation')?.[0]).toMatchObject({ visitor_id: people.thanh.id, minutes: 20, themes: ['job_integration', 'office'], equipment: ['computer'] });
  });

  it('moves a session, puts a station out of order and back, counting each state', async () => {
    const { backend, people, user } = await openApp();
    for (const name of ['Poste 1', 'Poste 2', 'Poste 3']) await backend.addStation({ name, place: null, offers: [] });
    await backend.assignStation({ visitor_id: people.omer.id, station: 'Poste 1', purpose: null, minutes: null, event_id: null });
    await user.click(screen.getByTestId(TestId.NavStations));
    await waitFor(() => expect(card('Poste 1').dataset.state).toBe('busy'));

    await user.click(within(card('Poste 2')).getByTestId(TestId.StationService));
    await waitFor(() => expect(card('Poste 2').dataset.state).toBe('out_of_order'));
    expect([text(TestId.StationsFree), text(TestId.StationsBusy), text(TestId.StationsOut)]).toEqual(['1', '1', '1']);

    await user.click(within(card('Poste 1')).getByTestId(TestId.StationMove));
    await screen.findByTestId(TestId.MoveDialog);
    expect(within(screen.getByTestId(TestId.MoveTargets)).getAllByRole('button').map((b) => b.dataset.value), 'only free stations').toEqual(['Poste 3']);
    await user.keyboard('1');
    await waitFor(() => expect(text(TestId.StationsSaved)).toBe('✓ Ömer déplacé·e : Poste 3.'));
    await waitFor(() => expect(card('Poste 3').dataset.state).toBe('busy'));
    expect(card('Poste 1').dataset.state).toBe('free');

    await user.click(within(card('Poste 2')).getByTestId(TestId.StationService));
    await waitFor(() => expect(text(TestId.StationsFree)).toBe('2'));
  });

  it('adds, renames and retires stations and changes the settings in its dialog', async () => {
    const { backend, user } = await openApp({}, 'en');
    await user.click(screen.getByTestId(TestId.NavStations));
    await screen.findByTestId(TestId.StationsEmpty);
    await user.click(screen.getByTestId(TestId.StationsManageOpen));
    await screen.findByTestId(TestId.StationsManage);
    await user.type(screen.getByTestId(TestId.ManageNewName), 'PC fenêtre');
    await user.selectOptions(screen.getByTestId(TestId.ManageNewPlace), 'third_place');
    await user.click(within(screen.getByTestId(TestId.StationsManage)).getByRole('button', { name: 'Webcam', pressed: false }));
    await user.click(screen.getByTestId(TestId.ManageAdd));
    await waitFor(() => expect(text(TestId.ManageMessage)).toBe('✓ PC fenêtre added.'));
    await waitFor(() => expect(screen.getAllByTestId(TestId.ManageRow)).toHaveLength(1));

    const name = screen.getByTestId(TestId.ManageName) as HTMLInputElement;
    await user.clear(name);
    await user.type(name, 'Poste 1');
    await user.click(screen.getByTestId(TestId.ManageSave));
    await waitFor(() => expect(text(TestId.ManageMessage)).toBe('✓ Poste 1 saved.'));

    const minutes = screen.getByTestId(TestId.ManageMinutesThirdPlace) as HTMLInputElement;
    await user.clear(minutes);
    await user.type(minutes, '90');
    await user.type(screen.getByTestId(TestId.ManageCoworkSeats), '20');
    await user.click(screen.getByTestId(TestId.ManageSaveSettings));
    await waitFor(() => expect(text(TestId.ManageMessage)).toBe('✓ Settings saved.'));
    expect(await backend.stationSettings()).toMatchObject({ minutes_third_place: 90, cowork_capacity: 20, minutes_stand: 45, print_quota: 15 });

    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByTestId(TestId.StationsManage)).toBeNull());
    expect(cardText('Poste 1')).toContain('Third place · Webcam');

    await user.click(screen.getByTestId(TestId.StationsManageOpen));
    await user.click(await screen.findByTestId(TestId.ManageRetire));
    await waitFor(() => expect(text(TestId.ManageMessage)).toBe('✓ Poste 1 retired (its sessions stay in the reports).'));
    await user.keyboard('{Escape}');
    await screen.findByTestId(TestId.StationsEmpty);
  });
});

describe('the waiting list', () => {
  it('calls the next person (F8), keeps an absent person’s place once and removes them the second time', async () => {
    const { backend, people, user } = await openApp();
    await backend.addStation({ name: 'Poste 1', place: null, offers: [] });
    await backend.assignStation({ visitor_id: people.chloe.id, station: null, purpose: null, minutes: null, event_id: null });
    await backend.joinQueue({ visitor_id: people.lukasz.id, purpose: 'job_search', event_id: null });
    await backend.joinQueue({ visitor_id: people.thanh.id, purpose: null, event_id: null });
    await user.click(screen.getByTestId(TestId.NavStations));
    await waitFor(() => expect(screen.getAllByTestId(TestId.QueueTicket)).toHaveLength(2));
    expect(text(TestId.QueueCount)).toBe('2');
    const first = screen.getAllByTestId(TestId.QueueTicket)[0]!;
    expect(first.textContent).toContain('Łukasz');
    expect(first.textContent).toContain('Recherche d’emploi');
    expect(first.textContent).toContain('arrivé·e à 11:30');
    expect(within(first).getByTestId(TestId.QueueWait).textContent?.trim()).toBe('~45 min');
    expect(first.textContent).toContain('rang 1');
    expect(within(screen.getAllByTestId(TestId.QueueTicket)[1]!).getByTestId(TestId.QueueWait).textContent?.trim(), 'after Łukasz’s 45 minutes').toBe('~90 min');

    await user.keyboard('{F8}');
    await waitFor(() => expect(text(TestId.QueueCalledNumber)).toBe('1'));
    expect(text(TestId.QueueCalledName)).toBe('Łukasz');
    expect(screen.getAllByTestId(TestId.QueueTicket).map((t) => t.dataset.label), 'the person called is shown above the list').toEqual(['2']);

    await user.click(screen.getByTestId(TestId.QueueSkip));
    await waitFor(() => expect(text(TestId.QueueCalledName)).toBe('Thanh'));
    expect(text(TestId.QueueNotice)).toBe('N° 1, Łukasz : absent·e, garde sa place une fois. Appelé·e : n° 2, Thanh.');

    await user.click(screen.getByTestId(TestId.QueueSkip));
    await waitFor(() => expect(text(TestId.QueueCalledName)).toBe('Łukasz'));
    await user.click(screen.getByTestId(TestId.QueueSkip));
    await waitFor(() => expect(text(TestId.QueueNotice)).toBe('N° 1, Łukasz : absent·e une deuxième fois, retiré·e de la file. Appelé·e : n° 2, Thanh.'));
    await waitFor(() => expect(screen.queryAllByTestId(TestId.QueueTicket), 'Thanh is called, nobody else waits').toHaveLength(0));
    expect(text(TestId.QueueCalledName)).toBe('Thanh');
    expect(text(TestId.QueueCount)).toBe('0');
  });

  it('seats the person called on the station that frees up, and takes someone off the list', async () => {
    const { backend, people, user } = await openApp();
    await backend.addStation({ name: 'Poste 1', place: null, offers: [] });
    const use = await backend.assignStation({ visitor_id: people.chloe.id, station: null, purpose: null, minutes: null, event_id: null });
    await backend.joinQueue({ visitor_id: people.lukasz.id, purpose: 'training', event_id: null });
    await backend.joinQueue({ visitor_id: people.thanh.id, purpose: null, event_id: null });
    await user.click(screen.getByTestId(TestId.NavStations));
    await waitFor(() => expect(screen.getAllByTestId(TestId.QueueTicket)).toHaveLength(2));
    await user.click(screen.getAllByTestId(TestId.QueueLeave)[1]!);
    await waitFor(() => expect(screen.getAllByTestId(TestId.QueueTicket)).toHaveLength(1));

    await backend.endStationUse(use.id);
    await user.keyboard('{F8}');
    await waitFor(() => expect(text(TestId.QueueCalledName)).toBe('Łukasz'));
    await user.click(screen.getByTestId(TestId.QueueSeat));
    const dialog = await screen.findByTestId(TestId.AssignDialog);
    await waitFor(() => expect(within(dialog).getByRole('radio', { name: /Formation, prise en main/, checked: true })).toBeTruthy());
    await waitFor(() => expect(within(dialog).getByRole('radio', { name: /Poste 1/, checked: true })).toBeTruthy());
    await user.keyboard('{Enter}');
    await waitFor(() => expect(text(TestId.StationsSaved)).toBe('✓ Łukasz installé·e : Poste 1 (45 min).'));
    await screen.findByTestId(TestId.QueueEmpty);
    expect(cardText('Poste 1')).toContain('Formation, prise en main');
  });

  it('shows the "next in line" display: numbers and first names only, Esc leaves', async () => {
    const { backend, people, user } = await openApp({}, 'en');
    await backend.addStation({ name: 'Poste 1', place: null, offers: [] });
    await backend.assignStation({ visitor_id: people.chloe.id, station: null, purpose: null, minutes: null, event_id: null });
    for (const p of [people.lukasz, people.thanh, people.omer]) await backend.joinQueue({ visitor_id: p.id, purpose: null, event_id: null });
    await backend.callNext();
    await user.click(screen.getByTestId(TestId.NavStations));
    await waitFor(() => expect(screen.getAllByTestId(TestId.QueueTicket)).toHaveLength(2));
    await user.click(screen.getByTestId(TestId.StationsDisplay));
    const display = await screen.findByTestId(TestId.NextInLine);
    expect(text(TestId.NextCalledNumber)).toBe('1');
    expect(text(TestId.NextCalledName)).toBe('Łukasz');
    expect(screen.getAllByTestId(TestId.NextWaiting).map((li) => li.textContent?.replace(/\s+/g, ' ').trim())).toEqual(['2 Thanh', '3 Ömer']);
    expect(display.textContent).toContain('Now called');
    for (const surname of ['Kowalski', 'Nguyễn', 'Yılmaz']) expect(display.textContent, 'no surname on a public screen').not.toContain(surname);

    // The desk calls the next one from the laptop: the display follows.
    await user.keyboard('{F8}');
    await waitFor(() => expect(text(TestId.NextCalledName)).toBe('Thanh'));
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByTestId(TestId.NextInLine)).toBeNull());
  });
});

describe('prints and coworking at the desk', () => {
  it('shows the person’s print quota, counts pages printed, refuses beyond it and grants more', async () => {
    const { user } = await openApp();
    await checkIn(user, 'kowalski', 'Łukasz Kowalski');
    await waitFor(() => expect(text(TestId.DeskPrintQuota)).toBe('Impressions : 0 / 15'));
    const pages = screen.getByTestId(TestId.DeskPrintPages) as HTMLInputElement;
    await user.clear(pages);
    await user.type(pages, '12');
    await user.click(screen.getByTestId(TestId.DeskPrintRecord));
    await waitFor(() => expect(text(TestId.DeskPrintQuota)).toBe('Impressions : 12 / 15'));
    await user.click(screen.getByTestId(TestId.DeskPrintRecord));
    await waitFor(() => expect(text(TestId.DeskExtrasError)).toContain('a déjà imprimé 12 page(s) aujourd\'hui sur 15'));
    await user.clear(pages);
    await user.type(pages, '10');
    await user.click(screen.getByTestId(TestId.DeskPrintGrant));
    await waitFor(() => expect(text(TestId.DeskPrintQuota)).toBe('Impressions : 12 / 25'));
  });

  it('refuses a file that is not a PDF before printing anything, and counts nothing', async () => {
    const { backend, dir, user } = await openApp();
    await checkIn(user, 'kowalski', 'Łukasz Kowalski');
    await waitFor(() => expect(text(TestId.DeskPrintQuota)).toBe('Impressions : 0 / 15'));
    const fake = join(dir, 'lettre.pdf');
    writeFileSync(fake, 'Madame, Monsieur,');
    backend.openFile = fake;
    await user.click(screen.getByTestId(TestId.DeskPrintFile));
    await waitFor(() => expect(text(TestId.DeskExtrasError)).toContain('« lettre.pdf » n\'est pas un PDF lisible'));
    expect(screen.queryByTestId(TestId.DeskPrintDone)).toBeNull();
    expect(text(TestId.DeskPrintQuota)).toBe('Impressions : 0 / 15');
  });

  it('shows the coworking occupancy and sells a day pass with the coworker’s status', async () => {
    const { backend, event, people, user } = await openApp();
    await backend.setStationSettings({ ...(await backend.stationSettings()), cowork_capacity: 20 });
    await user.click(screen.getByTestId(TestId.NavEvents));
    const edits = await screen.findAllByTestId(TestId.EventEdit);
    await user.click(edits[0]!);
    await user.click(await screen.findByTestId(TestId.EventCoworking));
    await user.click(screen.getByTestId(TestId.EventSave));
    await screen.findByTestId(TestId.EventFormSaved);
    expect((await backend.getEvent(event.id)).coworking).toBe(true);
    await user.click(screen.getByTestId(TestId.EventClose));
    await user.click(screen.getByTestId(TestId.NavDesk));
    // Chloé checked in an hour ago: one person in the space.
    await waitFor(() => expect(text(TestId.DeskOccupancy)).toBe('Coworking : 1 / 20'));

    await checkIn(user, 'kowalski', 'Łukasz Kowalski');
    await waitFor(() => expect(text(TestId.DeskOccupancy)).toBe('Coworking : 2 / 20'));
    await waitFor(() => expect(text(TestId.DeskPass)).toBe('Pas de pass coworking'));
    await user.selectOptions(screen.getByTestId(TestId.DeskCoworkStatus), 'freelancer');
    await user.click(screen.getByTestId(TestId.DeskDayPass));
    await waitFor(() => expect(text(TestId.DeskPass)).toBe('Pass journée pour aujourd’hui · Indépendant·e, freelance · 1 jour(s) en décembre'));
    expect((await backend.coworker(people.lukasz.id)).status).toBe('freelancer');
  });
});

describe('two laptops giving the same station', () => {
  it('shows the session that lost its station to the other laptop, then says where this laptop moved it', async () => {
    const { backend, hub, people, user } = await openApp({ enrolled: true });
    await backend.addStation({ name: 'Poste 1', place: null, offers: [] });
    await backend.syncNow();
    const other = await otherLaptop(hub!);
    // The other desk gives Poste 1 first; this one, not knowing, gives it too.
    await other.app.assignStation({ visitor_id: people.chloe.id, station: 'Poste 1', purpose: null, minutes: null, event_id: null });
    await other.app.syncNow();
    await backend.assignStation({ visitor_id: people.lukasz.id, station: 'Poste 1', purpose: null, minutes: null, event_id: null });
    await user.click(screen.getByTestId(TestId.NavStations));
    await backend.syncNow();

    // No other station: his session waits in the strip, nothing to move to.
    const strip = await screen.findByTestId(TestId.StationsDisplaced);
    expect(strip.textContent).toContain('Łukasz — Poste 1 (attribué par Portable 1)');
    expect(screen.getByTestId(TestId.StationsSettle).hasAttribute('disabled')).toBe(true);
    expect(text(TestId.StationsSettle)).toBe('Aucun poste libre F9');
    expect(cardText('Poste 1'), 'the first assignment holds the station').toContain('Chloé');

    // A station is added: this laptop moves its session by itself and says so.
    await other.app.addStation({ name: 'Poste 2', place: null, offers: [] });
    await other.app.syncNow();
    await backend.syncNow();
    await waitFor(() => expect(text(TestId.StationsMoved)).toContain('Łukasz : Poste 1 → Poste 2 (prévenez la personne)'), { timeout: 5000 });
    expect(text(TestId.StatusStationsMoved)).toBe('1 session(s) de poste déplacée(s)');
    await waitFor(() => expect(screen.queryByTestId(TestId.StationsDisplaced)).toBeNull());
    expect(cardText('Poste 2')).toContain('Łukasz');
    await user.click(screen.getByTestId(TestId.StationsMovedSeen));
    expect(screen.queryByTestId(TestId.StatusStationsMoved)).toBeNull();
  });
});
