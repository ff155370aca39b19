import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import App from '../../App.svelte';
import { TestId } from '../../lib/testIds';
import { memoryStorage, openApp, startApp, text } from '../../test/helpers';
import { escale } from '../../test/processes';
import { COORDINATOR, PEOPLE } from '../../test/seed';
import { rawBackend } from '../../test/testBackend';

/** Every seeded person's last name found in the page (the lock screen must show none). */
function peopleInPage(): string[] {
  const page = document.body.innerHTML;
  return Object.values(PEOPLE)
    .map(([, last]) => last)
    .filter((last) => page.includes(last));
}

/** The seeded laptop, left locked, on screen (the event chosen last time remembered). */
async function openLocked(env?: Record<string, string>) {
  const laptop = await startApp({ locked: true, env }, 'now');
  const user = userEvent.setup();
  render(App, { props: { backend: laptop.backend, storage: memoryStorage({ 'escale.eventId': laptop.seeded!.event.id }) } });
  await screen.findByTestId(TestId.LockScreen);
  await laptop.backend.idle();
  return { ...laptop, user };
}

const names = () => screen.queryAllByTestId(TestId.LockName).map((b) => b.getAttribute('data-name'));

/** Types into the desk's search box as a last keystroke would. */
async function search(q: string) {
  await fireEvent.input(screen.getByTestId(TestId.DeskSearch), { target: { value: q } });
}

describe('the lock screen', () => {
  it('opens locked with the staff names and nothing personal, and unlocks with a name and the pad', async () => {
    const { backend, user } = await openLocked();
    expect(names()).toEqual([COORDINATOR.name]);
    expect(peopleInPage(), 'no visitor in the page while locked').toEqual([]);
    expect(screen.queryByTestId(TestId.DeskSearch)).toBeNull();
    expect(screen.queryByTestId(TestId.StatusBar), 'not even the status bar').toBeNull();
    await expect(rawBackend(backend.bridge).listEvents(), 'nor through the app’s commands').rejects.toMatchObject({ code: 'auth.locked' });

    await user.click(screen.getByTestId(TestId.LockName));
    expect(text(TestId.LockPinForm)).toContain(`Code PIN de ${COORDINATOR.name}`);
    expect(document.activeElement, 'the PIN box takes the keyboard').toBe(screen.getByTestId(TestId.LockPin));
    for (const d of COORDINATOR.pin) {
      await user.click(screen.getAllByTestId(TestId.LockPadDigit).find((b) => b.getAttribute('data-digit') === d)!);
    }
    expect((screen.getByTestId(TestId.LockPin) as HTMLInputElement).value).toBe(COORDINATOR.pin);
    await user.click(screen.getByTestId(TestId.LockUnlock));

    // Back on the desk of the event chosen last time, signed in.
    await screen.findByTestId(TestId.DeskSearch);
    expect(text(TestId.DeskEventTitle)).toBe('[DÉMO] Forum emploi & numérique');
    expect(text(TestId.StatusSignedIn)).toBe(`${COORDINATOR.name} Coordination`);
    expect(backend.lastArgs('unlock')).toEqual([COORDINATOR.name, COORDINATOR.pin]);
  });

  it('says a wrong PIN in the UI’s language, then how long to wait', async () => {
    const { backend, user } = await openLocked();
    // The name typed (any case or accents), then the PIN with the keyboard.
    await user.type(screen.getByTestId(TestId.LockNameInput), 'mireille{Enter}');
    await user.type(await screen.findByTestId(TestId.LockPin), '0000{Enter}');
    await waitFor(() => expect(text(TestId.LockError)).toBe('Nom ou code PIN incorrect.'));
    expect((screen.getByTestId(TestId.LockPin) as HTMLInputElement).value, 'the box is emptied for another try').toBe('');
    await user.type(screen.getByTestId(TestId.LockPin), '1111{Enter}');
    await backend.idle();
    await user.type(screen.getByTestId(TestId.LockPin), '2222{Enter}');
    await waitFor(() => expect(text(TestId.LockError)).toBe("Trop d'essais manqués : réessayez dans 5 s."));
    // Even the right PIN waits now.
    await backend.idle();
    await user.type(screen.getByTestId(TestId.LockPin), `${COORDINATOR.pin}{Enter}`);
    await waitFor(() => expect(text(TestId.LockError)).toMatch(/^Trop d'essais manqués : réessayez dans [1-5] s\.$/));
    expect(screen.queryByTestId(TestId.DeskSearch)).toBeNull();

    // In English too; "Not me" goes back to the names.
    await user.click(screen.getByTestId(TestId.LanguageToggle));
    await backend.idle();
    await user.type(screen.getByTestId(TestId.LockPin), '3333{Enter}');
    await waitFor(() => expect(text(TestId.LockError)).toMatch(/^Too many wrong tries: try again in \d s\.$/));
    await user.click(screen.getByTestId(TestId.LockOtherName));
    expect(names()).toEqual([COORDINATOR.name]);
    expect(document.activeElement).toBe(screen.getByTestId(TestId.LockNameInput));
  });

  it('locks at once with the button or Ctrl+L: the desk and its names leave the page, the commands are refused', async () => {
    const { backend, event, user } = await openApp();
    await search('nguyen');
    await waitFor(() => expect(document.body.textContent).toContain('Thanh Nguyễn'));

    await user.click(screen.getByTestId(TestId.StatusLock));
    await screen.findByTestId(TestId.LockScreen);
    expect(peopleInPage(), 'the desk is gone, not hidden').toEqual([]);
    await expect(rawBackend(backend.bridge).search(event.id, 'nguyen', 5)).rejects.toMatchObject({ code: 'auth.locked' });
    await waitFor(() => expect(names()).toEqual([COORDINATOR.name]));

    // Switching user takes seconds: the name, the PIN, Enter.
    await user.click(screen.getByTestId(TestId.LockName));
    await user.type(screen.getByTestId(TestId.LockPin), `${COORDINATOR.pin}{Enter}`);
    await screen.findByTestId(TestId.DeskSearch);

    await search('nguyen');
    await waitFor(() => expect(document.body.textContent).toContain('Thanh Nguyễn'));
    await user.keyboard('{Control>}l{/Control}');
    await screen.findByTestId(TestId.LockScreen);
    expect(peopleInPage()).toEqual([]);
    expect((await rawBackend(backend.bridge).lockState()).session, 'the app, not only the window, is locked').toBeNull();
  });

  it('keeps what other laptops or the CLI write out of the page while locked, and shows it once unlocked', async () => {
    const { bridge, event, user } = await openApp();
    await user.click(screen.getByTestId(TestId.StatusLock));
    await screen.findByTestId(TestId.LockScreen);
    const before = (await rawBackend(bridge).status()).ops;
    await escale(['--data-dir', bridge.dataDir, 'visitor', 'add', '--event', event.id, '--first', 'Noé', '--last', 'Lambert']);
    await waitFor(async () => expect((await rawBackend(bridge).status()).ops).toBeGreaterThan(before));
    await new Promise((r) => setTimeout(r, 1_000));
    expect(document.body.innerHTML, 'data-changed while locked mounts nothing').not.toContain('Lambert');
    expect(screen.getByTestId(TestId.LockScreen)).toBeTruthy();

    await user.click(await screen.findByTestId(TestId.LockName));
    await user.type(screen.getByTestId(TestId.LockPin), `${COORDINATOR.pin}{Enter}`);
    await screen.findByTestId(TestId.DeskSearch);
    await search('lambert');
    await waitFor(() => expect(document.body.textContent).toContain('Noé Lambert'));
  });

  it('drops to the lock screen when a command is refused because the app locked itself', async () => {
    const { backend, bridge } = await openApp();
    // The core's own idle lock, or another window, locked the app meanwhile.
    await rawBackend(bridge).lock();
    await search('martin');
    await screen.findByTestId(TestId.LockScreen);
    expect(peopleInPage()).toEqual([]);
    expect(backend.calls).toContain('search');
  });

  it('locks by itself after the idle delay, and not while someone works', async () => {
    // ESCALE_IDLE_LOCK_SECONDS: tests only, a delay in seconds instead of the organisation's minutes.
    const { user } = await openLocked({ ESCALE_IDLE_LOCK_SECONDS: '2' });
    await user.click(screen.getByTestId(TestId.LockName));
    await user.type(screen.getByTestId(TestId.LockPin), `${COORDINATOR.pin}{Enter}`);
    await screen.findByTestId(TestId.DeskSearch);

    // Someone types for three seconds: still open.
    for (let i = 0; i < 6; i++) {
      await new Promise((r) => setTimeout(r, 500));
      await fireEvent.keyDown(window, { key: 'Shift' });
    }
    expect(screen.queryByTestId(TestId.LockScreen)).toBeNull();

    // Then nobody: locked within the delay (and a second's check).
    await screen.findByTestId(TestId.LockScreen, {}, { timeout: 4_000 });
    expect(peopleInPage()).toEqual([]);
  });

  it('unlocks with a staff badge scanned into the box', async () => {
    const { backend, user } = await openLocked();
    // The coordination gave Mireille a badge (from another laptop, say).
    const app = rawBackend(backend.bridge);
    await app.unlock(COORDINATOR.name, COORDINATOR.pin);
    await app.updateStaff(COORDINATOR.name, { name: null, role: null, pin: null, badge: 'STAFF-0042', archived: null });
    await app.lock();

    // A scanner types the code and Enter in a burst.
    await user.type(screen.getByTestId(TestId.LockNameInput), 'STAFF-0041{Enter}');
    await waitFor(() => expect(text(TestId.LockError)).toBe('Nom ou code PIN incorrect.'));
    await user.type(screen.getByTestId(TestId.LockNameInput), 'STAFF-0042{Enter}');
    await screen.findByTestId(TestId.DeskSearch);
    expect(backend.lastArgs('unlockBadge')).toEqual(['STAFF-0042']);
  });
});

describe('roles', () => {
  it('a volunteer checks people in and sees no list, export, report or setting', async () => {
    const { backend, bridge, event, user } = await openApp();
    await rawBackend(bridge).addStaff({ name: 'Vera', role: 'volunteer', pin: '2468', badge: null });
    await user.keyboard('{Control>}l{/Control}');
    await waitFor(() => expect(names()).toEqual([COORDINATOR.name, 'Vera']));
    await user.click(screen.getAllByTestId(TestId.LockName).find((b) => b.getAttribute('data-name') === 'Vera')!);
    await user.type(screen.getByTestId(TestId.LockPin), '2468{Enter}');
    await screen.findByTestId(TestId.DeskSearch);

    expect(text(TestId.StatusSignedIn)).toBe('Vera Bénévole');
    for (const hidden of [TestId.NavRegistrations, TestId.NavImport, TestId.NavExport, TestId.NavReports, TestId.NavSync, TestId.NavOrg, TestId.NavStations]) {
      expect(screen.queryByTestId(hidden), hidden).toBeNull();
    }
    for (const shown of [TestId.NavDesk, TestId.NavSessions, TestId.NavEvents]) expect(screen.getByTestId(shown), shown).toBeTruthy();
    expect(screen.queryByTestId(TestId.DeskHelpButton), 'no mediation log').toBeNull();
    await user.keyboard('{Alt>}3{/Alt}');
    expect(screen.getByTestId(TestId.DeskSearch), 'Alt+3 does not open the registrations').toBeTruthy();

    // She checks in at the desk: names only.
    await search('kowalski');
    await waitFor(() => expect(document.body.textContent).toContain('Łukasz Kowalski'));
    await user.keyboard('{Enter}');
    await waitFor(() => expect(text(TestId.DeskFeedbackTitle)).toBe('Bienvenue, Łukasz Kowalski'));
    expect(screen.queryByTestId(TestId.DeskStation), 'no station to give').toBeNull();

    // The core is the control: the list is refused to her whatever the UI shows.
    await expect(backend.registrations(event.id, { show: 'all', session_id: null, query: '', sort: 'name', offset: 0, limit: 10 })).rejects.toMatchObject({
      code: 'auth.forbidden',
    });
  });
});

describe('the first account', () => {
  it('is asked before anything else on a laptop without one, and the two PINs must match', async () => {
    // A laptop set up by a version without staff accounts.
    const { backend, bridge } = await startApp();
    await rawBackend(bridge).firstRun('Passerelle Numérique', 'Portable 1', 'fr');
    const user = userEvent.setup();
    render(App, { props: { backend, storage: memoryStorage() } });
    await screen.findByText('Créez le compte de la coordination');
    expect(screen.queryByTestId(TestId.NavEvents), 'nothing else until then').toBeNull();

    await user.click(screen.getByTestId(TestId.FirstAccountSubmit));
    expect(screen.getAllByText('Ce champ est obligatoire.')).toHaveLength(2);
    await user.type(screen.getByTestId(TestId.FirstAccountName), 'Mireille');
    await user.type(screen.getByTestId(TestId.FirstAccountPin), '12');
    await user.type(screen.getByTestId(TestId.FirstAccountPin2), '21{Enter}');
    expect(screen.getByText('Les deux codes PIN ne sont pas les mêmes.')).toBeTruthy();
    expect(backend.count('addStaff')).toBe(0);
    await user.clear(screen.getByTestId(TestId.FirstAccountPin2));
    await user.type(screen.getByTestId(TestId.FirstAccountPin2), '12{Enter}');
    await waitFor(() => expect(screen.getByText('Le code PIN compte de 4 à 8 chiffres.')).toBeTruthy());
    expect(document.activeElement).toBe(screen.getByTestId(TestId.FirstAccountPin));

    await user.clear(screen.getByTestId(TestId.FirstAccountPin));
    await user.type(screen.getByTestId(TestId.FirstAccountPin), '2468');
    await user.type(screen.getByTestId(TestId.FirstAccountPin2), '2468');
    await user.type(screen.getByTestId(TestId.FirstAccountBadge), 'STAFF-0001{Enter}');
    await screen.findByTestId(TestId.EventsScreen);
    expect(backend.lastArgs('addStaff')).toEqual([{ name: 'Mireille', role: 'coordinator', pin: '2468', badge: 'STAFF-0001' }]);
    expect(text(TestId.StatusSignedIn)).toBe('Mireille Coordination');
  });
});
