import { screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { TestId } from '../../lib/testIds';
import { openApp, text } from '../../test/helpers';
import { COORDINATOR } from '../../test/seed';
import { rawBackend } from '../../test/testBackend';

const names = () => screen.queryAllByTestId(TestId.LockName).map((b) => b.getAttribute('data-name'));

/** The seeded laptop with a volunteer, Vera (PIN 2468), signed in through the lock screen. */
async function openAsVolunteer() {
  const opened = await openApp();
  const { bridge, user } = opened;
  await rawBackend(bridge).addStaff({ name: 'Vera', role: 'volunteer', pin: '2468', badge: null });
  await user.keyboard('{Control>}l{/Control}');
  await waitFor(() => expect(names()).toEqual([COORDINATOR.name, 'Vera']));
  await user.click(screen.getAllByTestId(TestId.LockName).find((b) => b.getAttribute('data-name') === 'Vera')!);
  await user.type(screen.getByTestId(TestId.LockPin), '2468{Enter}');
  await screen.findByTestId(TestId.DeskSearch);
  expect(text(TestId.StatusSignedIn)).toBe('Vera Bénévole');
  return opened;
}

describe('my PIN', () => {
  it('a volunteer changes her own PIN from the status bar: the old one is refused after locking, the new one unlocks', async () => {
    const { backend, bridge, user } = await openAsVolunteer();
    await user.click(screen.getByTestId(TestId.StatusMyPin));
    await screen.findByTestId(TestId.MyPinDialog);
    expect(document.activeElement, 'the keyboard goes to the new PIN').toBe(screen.getByTestId(TestId.MyPinNew));

    // A PIN the core refuses: its message, translated.
    await user.type(screen.getByTestId(TestId.MyPinNew), '12');
    await user.type(screen.getByTestId(TestId.MyPinNew2), '12{Enter}');
    await waitFor(() => expect(screen.getByText('Le code PIN compte de 4 à 8 chiffres.')).toBeTruthy());
    expect(document.activeElement).toBe(screen.getByTestId(TestId.MyPinNew));

    await user.clear(screen.getByTestId(TestId.MyPinNew));
    await user.type(screen.getByTestId(TestId.MyPinNew), '8642');
    await user.type(screen.getByTestId(TestId.MyPinNew2), '8642{Enter}');
    await waitFor(() => expect(text(TestId.MyPinDone)).toBe('Code PIN changé.'));
    const [staff, change] = backend.lastArgs('updateStaff') as [string, unknown];
    expect(change).toEqual({ name: null, role: null, pin: '8642', badge: null, archived: null });
    expect(staff).toBe((await rawBackend(bridge).lockState()).session?.staff_id);
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId(TestId.MyPinDialog), 'Escape closes the dialog').toBeNull();

    // Locked: the old PIN is refused, the new one opens.
    await user.click(screen.getByTestId(TestId.StatusLock));
    await screen.findByTestId(TestId.LockScreen);
    await expect(rawBackend(bridge).unlock('Vera', '2468')).rejects.toMatchObject({ code: 'auth.wrong_pin' });
    await user.click(await screen.findByTestId(TestId.LockNameInput));
    await user.type(screen.getByTestId(TestId.LockNameInput), 'vera{Enter}');
    await user.type(await screen.findByTestId(TestId.LockPin), '2468{Enter}');
    await waitFor(() => expect(text(TestId.LockError)).toBe('Nom ou code PIN incorrect.'));
    await backend.idle();
    await user.type(screen.getByTestId(TestId.LockPin), '8642{Enter}');
    await screen.findByTestId(TestId.DeskSearch);
    expect(text(TestId.StatusSignedIn)).toBe('Vera Bénévole');
  });

  it('refuses two different PINs without calling the backend, in English too; Escape closes', async () => {
    const { backend, user } = await openAsVolunteer();
    await user.click(screen.getByTestId(TestId.StatusMyPin));
    await user.type(await screen.findByTestId(TestId.MyPinNew), '1357');
    await user.type(screen.getByTestId(TestId.MyPinNew2), '1358{Enter}');
    expect(screen.getByText('Les deux codes PIN ne sont pas les mêmes.')).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByTestId(TestId.MyPinNew2));
    expect(backend.count('updateStaff')).toBe(0);

    await user.keyboard('{Escape}');
    expect(screen.queryByTestId(TestId.MyPinDialog)).toBeNull();
    await user.click(screen.getByTestId(TestId.LanguageToggle));
    expect(text(TestId.StatusMyPin)).toBe('My PIN');
    await user.click(screen.getByTestId(TestId.StatusMyPin));
    await user.type(await screen.findByTestId(TestId.MyPinNew), '1357');
    await user.type(screen.getByTestId(TestId.MyPinNew2), '7531{Enter}');
    expect(screen.getByText('The two PINs are not the same.')).toBeTruthy();
    expect(backend.count('updateStaff')).toBe(0);
  });
});
