import { screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { fieldErrorId, TestId, visitorFieldId } from '../../lib/testIds';
import { openApp, registerWalkIn, text } from '../../test/helpers';
import { rawBackend } from '../../test/testBackend';

async function openList(extra = 0) {
  const opened = await openApp({ extra });
  await opened.user.click(screen.getByTestId(TestId.NavRegistrations));
  await screen.findByTestId(TestId.RegsTable);
  await waitFor(() => expect(screen.getAllByTestId(TestId.RegsRow).length).toBeGreaterThan(0));
  return opened;
}

const names = () => screen.queryAllByTestId(TestId.RegsRowOpen).map((b) => b.textContent?.trim());

describe('the registrations list', () => {
  it('filters by arrival and by text, and sorts', async () => {
    const { user } = await openList();
    expect(text(TestId.RegsTotal)).toBe('8 personnes');
    await user.selectOptions(screen.getByTestId(TestId.RegsShow), 'arrived');
    await waitFor(() => expect(names()).toEqual(['Chloé Martin']));
    await user.selectOptions(screen.getByTestId(TestId.RegsShow), 'not_arrived');
    await waitFor(() => expect(text(TestId.RegsTotal)).toBe('7 personnes'));
    await user.selectOptions(screen.getByTestId(TestId.RegsShow), 'all');
    await user.type(screen.getByTestId(TestId.RegsQuery), 'lefevre');
    await waitFor(() => expect(names()).toEqual(["Éloïse N'Diaye-Lefèvre"]));
  });

  it('pages through a large event 100 rows at a time', async () => {
    const { backend, user } = await openList(250);
    expect(text(TestId.RegsTotal)).toBe('258 personnes');
    expect(screen.getAllByTestId(TestId.RegsRow)).toHaveLength(100);
    expect(text(TestId.RegsPage)).toBe('1–100 sur 258');
    await user.click(screen.getByTestId(TestId.RegsNext));
    await user.click(screen.getByTestId(TestId.RegsNext));
    await waitFor(() => expect(text(TestId.RegsPage)).toBe('201–258 sur 258'));
    await waitFor(() => expect(screen.getAllByTestId(TestId.RegsRow)).toHaveLength(58));
    expect((backend.lastArgs('registrations')![1] as { offset: number; limit: number })).toMatchObject({ offset: 200, limit: 100 });
  });

  it('opens a record with its history, saves an edit and shows what Rust left out', async () => {
    const { backend, user } = await openList();
    await user.type(screen.getByTestId(TestId.RegsQuery), 'kowalski');
    await waitFor(() => expect(names()).toEqual(['Łukasz Kowalski']));
    await user.click(screen.getByTestId(TestId.RegsRowOpen));
    const panel = await screen.findByTestId(TestId.VisitorPanel);
    await waitFor(() => expect(within(panel).getAllByTestId(TestId.VisitorHistoryItem)).toHaveLength(1));
    expect(text(TestId.VisitorHistory)).toContain('[DÉMO] Forum emploi & numérique');

    const phone = within(panel).getByTestId(visitorFieldId('walk-in', 'phone'));
    await user.clear(phone);
    await user.type(phone, 'appeler le matin');
    await user.click(within(panel).getByTestId(TestId.VisitorSave));
    await waitFor(() => expect(text(fieldErrorId('phone'))).toBe('Téléphone « appeler le matin » invalide : non enregistré.'));
    expect(text(TestId.VisitorMessage)).toContain('Fiche enregistrée, sauf');
    expect(backend.count('updateVisitor')).toBe(1);
  });

  it('records help from the record, lists it with the person’s help, and deletes an entry made by mistake', async () => {
    const { backend, people, user } = await openList();
    await user.type(screen.getByTestId(TestId.RegsQuery), 'kowalski');
    await waitFor(() => expect(names()).toEqual(['Łukasz Kowalski']));
    await user.click(screen.getByTestId(TestId.RegsRowOpen));
    const panel = await screen.findByTestId(TestId.VisitorPanel);
    await waitFor(() => expect(within(panel).getByText('Aucune aide enregistrée.')).toBeTruthy());

    await user.click(within(panel).getByTestId(TestId.VisitorHelpAdd));
    const dialog = await screen.findByTestId(TestId.MediationDialog);
    expect(text(TestId.MediationWho)).toBe('À Łukasz Kowalski');
    await user.click(within(dialog).getByRole('button', { name: /Courriels/ }));
    await user.click(within(screen.getByTestId(TestId.MediationDuration)).getByRole('button', { name: '45 min' }));
    await user.type(screen.getByTestId(TestId.MediationNote), 'Revenir pour la lettre');
    // The organisation's own tags; a digit typed there is text, not a theme key.
    await user.type(screen.getByTestId(TestId.MediationTags), 'CV, 1er rendez-vous');
    await user.click(screen.getByTestId(TestId.MediationSave));

    await waitFor(() => expect(within(panel).getAllByTestId(TestId.VisitorHelpItem)).toHaveLength(1));
    expect(screen.queryByTestId(TestId.MediationDialog)).toBeNull();
    expect(screen.getByTestId(TestId.VisitorPanel), 'Esc in the dialog does not close the record').toBeTruthy();
    const item = text(TestId.VisitorHelpItem);
    expect(item).toContain('Courriels');
    expect(item).toContain('45 min');
    expect(item).toContain('Revenir pour la lettre');
    const stored = await backend.listMediations({ visitor_id: people.lukasz.id, event_id: null, from: null, to: null, limit: null });
    expect(stored.map((m) => [m.themes, m.minutes, m.note, m.tags])).toEqual([[['email'], 45, 'Revenir pour la lettre', ['CV', '1er rendez-vous']]]);

    await user.click(within(panel).getByTestId(TestId.VisitorHelpDelete));
    await waitFor(() => expect(within(panel).queryAllByTestId(TestId.VisitorHelpItem)).toHaveLength(0));
    expect(text(TestId.VisitorMessage)).toBe('Aide supprimée.');
    expect(await backend.listMediations({ visitor_id: people.lukasz.id, event_id: null, from: null, to: null, limit: null })).toEqual([]);
  });

  it('keeps what the core keeps: a French phone in its canonical form, no postcode without a digit', async () => {
    // The core's rules (escale-protocol/src/validate.rs) through the bridge:
    // a fake once accepted "ABCDE" and stored "+33 6…" as typed.
    const { bridge, people, user } = await openList();
    await user.type(screen.getByTestId(TestId.RegsQuery), 'kowalski');
    await waitFor(() => expect(names()).toEqual(['Łukasz Kowalski']));
    await user.click(screen.getByTestId(TestId.RegsRowOpen));
    const panel = await screen.findByTestId(TestId.VisitorPanel);
    await user.type(await within(panel).findByTestId(visitorFieldId('walk-in', 'phone')), '+33 6 12 34 56 78');
    await user.type(within(panel).getByTestId(visitorFieldId('walk-in', 'postcode')), 'ABCDE');
    await user.click(within(panel).getByTestId(TestId.VisitorSave));
    await waitFor(() => expect(text(fieldErrorId('postcode'))).toBe('Code postal « ABCDE » invalide : non enregistré.'));
    expect(screen.queryByTestId(fieldErrorId('phone')), 'the phone is right').toBeNull();
    const saved = (await rawBackend(bridge).visitorDetail(people.lukasz.id)).visitor;
    expect([saved.phone, saved.postcode]).toEqual(['+33612345678', null]);
  });

  it('merges another record found by search into the open one', async () => {
    const { backend, bridge, people, user } = await openList();
    // He came to a workshop last month, and was registered there again.
    const app = rawBackend(bridge);
    const workshop = await app.createEvent({ kind: 'workshop', title: 'Atelier CV', place: '', timezone: null, starts_at: '2026-11-05 14:00', ends_at: '2026-11-05 17:00', series: null });
    const dup = await registerWalkIn(app, workshop.id, { first_name: 'Lukasz', last_name: 'Kowalski', phone: '+33699000000' });
    await user.type(screen.getByTestId(TestId.RegsQuery), 'kowalski');
    await waitFor(() => expect(names()).toEqual(['Łukasz Kowalski']));
    await user.click(screen.getByTestId(TestId.RegsRowOpen));
    await screen.findByTestId(TestId.VisitorPanel);

    await user.type(await screen.findByTestId(TestId.MergeSearch), 'lukasz');
    const candidates = await screen.findAllByTestId(TestId.MergeCandidate);
    expect(candidates, 'the open record is not offered to merge with itself').toHaveLength(1);
    await user.click(candidates[0]!);
    await user.click(screen.getByTestId(TestId.MergeConfirm));

    await waitFor(() => expect(text(TestId.VisitorMessage)).toBe('Fiches fusionnées. Champs complétés : Téléphone.'));
    expect(backend.lastArgs('mergeVisitors')).toEqual([dup.id, people.lukasz.id]);
  });
});
