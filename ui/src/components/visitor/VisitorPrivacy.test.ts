import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { TestId } from '../../lib/testIds';
import { openApp, text } from '../../test/helpers';
import { rawBackend } from '../../test/testBackend';

const names = () => screen.queryAllByTestId(TestId.RegsRowOpen).map((b) => b.textContent?.trim());

/** The registrations list, filtered on `query`, with the one record found opened. */
async function openRecord(opened: Awaited<ReturnType<typeof openApp>>, query: string, name: string) {
  const { user } = opened;
  await user.click(screen.getByTestId(TestId.NavRegistrations));
  await screen.findByTestId(TestId.RegsTable);
  await user.type(screen.getByTestId(TestId.RegsQuery), query);
  await waitFor(() => expect(names()).toEqual([name]));
  await user.click(screen.getByTestId(TestId.RegsRowOpen));
  const panel = await screen.findByTestId(TestId.VisitorPanel);
  await within(panel).findByTestId(TestId.VisitorSave);
  return panel;
}

const consent = (purpose: string) => screen.getAllByTestId(TestId.VisitorConsent).find((li) => li.getAttribute('data-purpose') === purpose)!;

describe('a person’s rights, from the record', () => {
  it('anonymises only once the last name is typed: the record then shows the banner and no name', async () => {
    const opened = await openApp();
    const { bridge, people, user } = opened;
    const panel = await openRecord(opened, 'kowalski', 'Łukasz Kowalski');

    await user.click(within(panel).getByTestId(TestId.VisitorAnonymise));
    const dialog = await screen.findByTestId(TestId.ConfirmTypedDialog);
    expect(dialog.textContent).toContain('Anonymiser Łukasz Kowalski ?');
    expect(dialog.textContent).toContain('C’est définitif');
    expect(document.activeElement, 'the keyboard goes to the box').toBe(screen.getByTestId(TestId.ConfirmTypedInput));
    const yes = screen.getByTestId(TestId.ConfirmTypedYes) as HTMLButtonElement;
    expect(yes.disabled, 'nothing typed').toBe(true);
    await user.type(screen.getByTestId(TestId.ConfirmTypedInput), 'Kowalsk');
    expect(yes.disabled, 'not the whole name').toBe(true);
    await user.keyboard('{Enter}');
    expect(screen.getByTestId(TestId.ConfirmTypedDialog), 'Enter does nothing yet').toBeTruthy();
    await user.type(screen.getByTestId(TestId.ConfirmTypedInput), 'i');
    expect(yes.disabled).toBe(false);
    await user.click(yes);

    await waitFor(() => expect(screen.queryByTestId(TestId.ConfirmTypedDialog)).toBeNull());
    await waitFor(() => expect(text(TestId.VisitorAnonymisedBanner)).toBe(
      'Personne anonymisée : nom, coordonnées, codes et notes ont été retirés ; ses venues restent dans les chiffres.',
    ));
    expect(within(panel).getByRole('heading', { level: 2 }).textContent).toBe('Fiche de Personne anonymisée');
    expect(within(panel).queryByTestId(TestId.VisitorSave), 'no identity to edit').toBeNull();
    expect(within(panel).queryByTestId(TestId.VisitorAnonymise), 'done already').toBeNull();
    await waitFor(() => expect(text(TestId.VisitorMessage)).toBe('Personne anonymisée.'));
    const kept = await rawBackend(bridge).visitorDetail(people.lukasz.id);
    expect([kept.anonymised, kept.visitor.first_name, kept.visitor.last_name, kept.registrations.length]).toEqual([true, '', '', 1]);

    // The list names him as such.
    await user.click(screen.getByTestId(TestId.VisitorClose));
    await user.clear(screen.getByTestId(TestId.RegsQuery));
    await waitFor(() => expect(names()).toContain('Personne anonymisée'));
  });

  it('erases a person after typing their name: the record closes and the list no longer has them', async () => {
    const opened = await openApp();
    const { bridge, people, user } = opened;
    const panel = await openRecord(opened, 'benali', 'Aïcha Benali');
    await user.click(within(panel).getByTestId(TestId.VisitorErase));
    await screen.findByTestId(TestId.ConfirmTypedDialog);
    expect(text(TestId.ConfirmTypedDialog)).toContain('Tout ce qui concerne la personne sera effacé pour de bon');

    // Esc closes the confirmation, not the record.
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId(TestId.ConfirmTypedDialog)).toBeNull();
    expect(screen.getByTestId(TestId.VisitorPanel)).toBeTruthy();

    await user.click(within(panel).getByTestId(TestId.VisitorErase));
    await user.type(await screen.findByTestId(TestId.ConfirmTypedInput), 'benali{Enter}');
    await waitFor(() => expect(screen.queryByTestId(TestId.VisitorPanel)).toBeNull());
    await waitFor(() => expect(names()).toEqual([]));
    await user.clear(screen.getByTestId(TestId.RegsQuery));
    await waitFor(() => expect(text(TestId.RegsTotal)).toBe('7 personnes'));
    await expect(rawBackend(bridge).visitorDetail(people.aicha.id)).rejects.toMatchObject({ code: 'visitor.erased' });
  });

  it('withdraws and gives a consent, and hands the person’s data over as PDF or JSON', async () => {
    const opened = await openApp();
    const { backend, bridge, dir, people, user } = opened;
    const panel = await openRecord(opened, 'kowalski', 'Łukasz Kowalski');

    const processing = consent('processing');
    expect(processing.getAttribute('data-granted')).toBe('true');
    await user.click(within(processing).getByTestId(TestId.VisitorConsentToggle));
    await waitFor(() => expect(consent('processing').getAttribute('data-granted')).toBe('false'));
    expect(text(TestId.VisitorMessage)).toBe('Consentement enregistré : Traitement des données refusé.');
    expect((await rawBackend(bridge).visitorDetail(people.lukasz.id)).consents).toContainEqual({ purpose: 'processing', granted: false });
    expect(within(consent('processing')).getByTestId(TestId.VisitorConsentToggle).textContent?.trim()).toBe('Donner');
    await user.click(within(consent('processing')).getByTestId(TestId.VisitorConsentToggle));
    await waitFor(() => expect(consent('processing').getAttribute('data-granted')).toBe('true'));

    const short = people.lukasz.id.slice(0, 8);
    await user.click(within(panel).getByTestId(TestId.VisitorAccess));
    const pdf = join(dir, `donnees-${short}.pdf`);
    await waitFor(() => expect(text(TestId.VisitorMessage)).toMatch(new RegExp(`^\\d+ lignes remises dans ${pdf}$`)));
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');

    await user.click(within(panel).getByTestId(TestId.VisitorAccessJson));
    await user.click(within(panel).getByTestId(TestId.VisitorAccess));
    const json = join(dir, `donnees-${short}.json`);
    await waitFor(() => expect(existsSync(json)).toBe(true));
    expect(readFileSync(json, 'utf8')).toContain('Kowalski');
    expect(backend.lastArgs('exportVisitorData')).toEqual([people.lukasz.id, json]);
  });

  it('a mediator changes consents but neither hands data over, anonymises nor erases; no access log for her', async () => {
    const opened = await openApp();
    const { bridge, user } = opened;
    await rawBackend(bridge).addStaff({ name: 'Medi', role: 'mediator', pin: '8642', badge: null });
    await user.keyboard('{Control>}l{/Control}');
    await waitFor(() => expect(screen.queryAllByTestId(TestId.LockName).map((b) => b.getAttribute('data-name'))).toContain('Medi'));
    await user.click(screen.getAllByTestId(TestId.LockName).find((b) => b.getAttribute('data-name') === 'Medi')!);
    await user.type(screen.getByTestId(TestId.LockPin), '8642{Enter}');
    await screen.findByTestId(TestId.DeskSearch);
    expect(screen.queryByTestId(TestId.NavAudit), 'the access log is the coordination’s').toBeNull();
    expect(screen.queryByTestId(TestId.NavOrg)).toBeNull();

    const panel = await openRecord(opened, 'kowalski', 'Łukasz Kowalski');
    for (const hidden of [TestId.VisitorAccess, TestId.VisitorAnonymise, TestId.VisitorErase]) {
      expect(within(panel).queryByTestId(hidden), hidden).toBeNull();
    }
    await user.click(within(consent('processing')).getByTestId(TestId.VisitorConsentToggle));
    await waitFor(() => expect(consent('processing').getAttribute('data-granted')).toBe('false'));
  });
});
