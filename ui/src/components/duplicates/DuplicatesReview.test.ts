import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { TestId } from '../../lib/testIds';
import { openApp, otherLaptop, registerWalkIn, text, type Opened } from '../../test/helpers';
import { rawBackend } from '../../test/testBackend';

/**
 * Two laptops registered Élodie Martin while offline (same name and email:
 * at this desk, and in the HelloAsso export imported on "Portable 2"), and
 * Karim Haddad twice (one record without an email); then each synced with
 * the hub: two pairs here.
 */
async function registerTwice(opened: Opened) {
  const { hub, bridge, event, dir } = opened;
  const other = await otherLaptop(hub!);
  // The other laptop first: it has not seen this desk's Élodie yet.
  const csv = join(dir, 'helloasso-portable-2.csv');
  writeFileSync(
    csv,
    '\ufeffRéférence commande;Statut de la commande;Nom participant;Prénom participant;Email participant;Numéro de billet;Code postal\r\n' +
      '2001;Validé;MARTIN;elodie;elodie.martin@example.org;HA-1;35000\r\n',
  );
  await other.app.importCommit(event.id, csv, null, () => {});
  const karim2 = await registerWalkIn(other.app, event.id, { first_name: 'Karim', last_name: 'Haddad', phone: '07 00 00 00 01' });
  const here = rawBackend(bridge);
  const elodie = await registerWalkIn(here, event.id, { first_name: 'Élodie', last_name: 'Martin', email: 'elodie.martin@example.org', phone: '06 12 34 56 78', birth_year: 1990 });
  const karim = await registerWalkIn(here, event.id, { first_name: 'Karim', last_name: 'Haddad', email: 'karim.h@example.org' });
  await other.app.syncNow();
  // The sync that brings them here (what the background task does).
  await here.syncNow();
  const again = (await here.duplicateCandidates(null)).pairs.flatMap((p) => [p.a.visitor, p.b.visitor]).find((v) => v.first_name === 'elodie')!;
  return { elodie, again, karim, karim2 };
}

async function openReview(lang?: 'fr' | 'en') {
  const opened = await openApp({ enrolled: true }, lang);
  const people = await registerTwice(opened);
  await opened.user.click(screen.getByTestId(TestId.NavSync));
  await screen.findByTestId(TestId.SyncScreen);
  await waitFor(() => expect(screen.getAllByTestId(TestId.DupPair)).toHaveLength(2));
  return { ...opened, people };
}

describe('duplicates review', () => {
  it('lists each pair side by side with the reason in words', async () => {
    await openReview();
    expect(text(TestId.DupCount)).toBe('2 paires');
    const [first, second] = screen.getAllByTestId(TestId.DupPair);
    expect(within(first!).getByTestId(TestId.DupReason).textContent).toContain('Même nom et même e-mail');
    expect(within(first!).getByTestId(TestId.DupReason).textContent).toContain('certitude 95 %');
    const sides = [within(first!).getByTestId(TestId.DupSideA).textContent ?? '', within(first!).getByTestId(TestId.DupSideB).textContent ?? ''];
    const mine = sides.find((s) => s.includes('Élodie Martin'))!;
    const theirs = sides.find((s) => s.includes('elodie MARTIN'))!;
    expect(mine, 'the phone as the core stores it').toContain('+33612345678');
    expect(mine).toContain('Inscription sur place');
    expect(mine).toContain('1990');
    expect(theirs).toContain('35000');
    expect(theirs).toContain('HelloAsso');
    expect(theirs).toContain('[DÉMO] Forum emploi');
    expect(within(second!).getByTestId(TestId.DupReason).textContent).toContain('Même nom (rien d’autre à comparer)');
  });

  it('merges keeping the chosen record, then refreshes the list and the status bar', async () => {
    const { backend, bridge, user, people } = await openReview();
    await waitFor(() => expect(text(TestId.StatusDuplicates)).toBe('2 doublons possibles'));
    const pair = screen.getAllByTestId(TestId.DupPair)[0]!;
    const aIsElodie = (within(pair).getByTestId(TestId.DupSideA).textContent ?? '').includes('Élodie Martin');
    // Keep the record typed at the desk ("Élodie Martin").
    await user.click(within(pair).getByTestId(aIsElodie ? TestId.DupMergeA : TestId.DupMergeB));

    await waitFor(() => expect(screen.getAllByTestId(TestId.DupPair)).toHaveLength(1));
    expect(backend.lastArgs('mergeVisitors')).toEqual([people.again.id, people.elodie.id]);
    expect(text(TestId.DupDone)).toBe('✓ Fiches fusionnées : la fiche de Élodie Martin est gardée.');
    await waitFor(() => expect(text(TestId.StatusDuplicates)).toBe('1 doublon possible'));
    const kept = await rawBackend(bridge).visitorDetail(people.elodie.id);
    expect(kept.visitor.postcode, 'the kept record took the empty field').toBe('35000');
  });

  it('dismisses a pair of two different people, and says so when nothing is left', async () => {
    const { backend, user, people } = await openReview();
    for (const expected of [1, 0]) {
      await user.click(screen.getAllByTestId(TestId.DupDismiss)[0]!);
      await waitFor(() => expect(screen.queryAllByTestId(TestId.DupPair)).toHaveLength(expected));
    }
    expect(backend.count('notDuplicate')).toBe(2);
    expect(backend.count('mergeVisitors'), 'nothing merged').toBe(0);
    const dismissed = backend.log.filter((l) => l.method === 'notDuplicate').map((l) => (l.args as string[]).slice().sort().join('|'));
    expect(dismissed.sort()).toEqual(
      [[people.elodie.id, people.again.id], [people.karim.id, people.karim2.id]].map((p) => p.sort().join('|')).sort(),
    );
    expect(text(TestId.DupEmpty)).toBe('Aucun doublon à vérifier.');
    expect(screen.queryByTestId(TestId.DupCount)).toBeNull();
    await waitFor(() => expect(screen.queryByTestId(TestId.StatusDuplicates), 'no badge when nothing waits').toBeNull());
  });

  it('opens from the status bar, by keyboard, on the review', async () => {
    const opened = await openApp({ enrolled: true });
    await registerTwice(opened);
    const { user } = opened;
    const badge = await screen.findByTestId(TestId.StatusDuplicates);
    badge.focus();
    await user.keyboard('{Enter}');
    await screen.findByTestId(TestId.SyncScreen);
    await waitFor(() => expect(document.activeElement?.id).toBe('dup-title'));
  });

  it('shows the empty state when there is nothing to review', async () => {
    const { user } = await openApp();
    await user.click(screen.getByTestId(TestId.NavSync));
    expect((await screen.findByTestId(TestId.DupEmpty)).textContent).toBe('Aucun doublon à vérifier.');
    expect(screen.queryByTestId(TestId.StatusDuplicates)).toBeNull();
  });

  it('speaks English', async () => {
    const { user } = await openReview('en');
    expect(text(TestId.DupCount)).toBe('2 pairs');
    expect(screen.getAllByTestId(TestId.DupReason)[0]!.textContent).toContain('Same name and email');
    expect(screen.getAllByTestId(TestId.DupMergeA)[0]!.textContent?.trim()).toBe('Merge (keep this one)');
    expect(screen.getAllByTestId(TestId.DupDismiss)[0]!.textContent?.trim()).toBe('These are two different people');
    await waitFor(() => expect(text(TestId.StatusDuplicates)).toBe('2 possible duplicates'));
    await user.click(screen.getAllByTestId(TestId.DupDismiss)[1]!);
    await waitFor(() => expect(text(TestId.DupDone)).toBe('✓ Noted: Karim Haddad and Karim Haddad will not be proposed as duplicates again.'));
  });
});
