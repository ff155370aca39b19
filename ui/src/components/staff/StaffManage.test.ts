import { screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { TestId } from '../../lib/testIds';
import { openApp, text } from '../../test/helpers';
import { COORDINATOR } from '../../test/seed';
import { rawBackend } from '../../test/testBackend';

const row = (name: string) => screen.getAllByTestId(TestId.StaffRow).find((r) => r.getAttribute('data-name') === name)!;
const rows = () => screen.queryAllByTestId(TestId.StaffRow).map((r) => [r.getAttribute('data-name'), r.getAttribute('data-role'), r.getAttribute('data-archived')]);

async function openStaff() {
  const opened = await openApp();
  await opened.user.keyboard('{Alt>}9{/Alt}');
  await screen.findByTestId(TestId.StaffSection);
  await waitFor(() => expect(rows()).toEqual([[COORDINATOR.name, 'coordinator', 'false']]));
  return opened;
}

describe('staff accounts', () => {
  it('a coordinator adds an account, with specific messages for a bad PIN and a name taken', async () => {
    const { backend, bridge, user } = await openStaff();
    await user.click(screen.getByTestId(TestId.StaffAdd));
    expect(document.activeElement, 'the keyboard goes to the name').toBe(screen.getByTestId(TestId.StaffFormName));
    await user.type(screen.getByTestId(TestId.StaffFormName), 'Vera');
    await user.selectOptions(screen.getByTestId(TestId.StaffFormRole), 'volunteer');
    await user.type(screen.getByTestId(TestId.StaffFormPin), '24{Enter}');
    await waitFor(() => expect(screen.getByText('Le code PIN compte de 4 à 8 chiffres.')).toBeTruthy());
    expect(document.activeElement).toBe(screen.getByTestId(TestId.StaffFormPin));
    await user.type(screen.getByTestId(TestId.StaffFormPin), '68');
    await user.type(screen.getByTestId(TestId.StaffFormBadge), 'STAFF-0007{Enter}');
    await waitFor(() => expect(text(TestId.StaffMessage)).toBe('Compte de Vera créé.'));
    expect(rows()).toEqual([
      [COORDINATOR.name, 'coordinator', 'false'],
      ['Vera', 'volunteer', 'false'],
    ]);
    expect(within(row('Vera')).getByText('Bénévole')).toBeTruthy();
    expect(within(row('Vera')).getByText('Oui'), 'she has a badge').toBeTruthy();
    expect(backend.lastArgs('addStaff')).toEqual([{ name: 'Vera', role: 'volunteer', pin: '2468', badge: 'STAFF-0007' }]);

    await user.click(screen.getByTestId(TestId.StaffAdd));
    await user.type(screen.getByTestId(TestId.StaffFormName), 'véra');
    await user.type(screen.getByTestId(TestId.StaffFormPin), '1111{Enter}');
    await waitFor(() => expect(screen.getByText(/Un membre de l'équipe s'appelle déjà « véra »/)).toBeTruthy());
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId(TestId.StaffFormName), 'Escape closes the form').toBeNull();

    // Her PIN opens the app; the lock screen offers her name.
    const app = rawBackend(bridge);
    expect((await app.lockState()).names).toEqual([COORDINATOR.name, 'Vera']);
  });

  it('changes a role and a PIN, disables and enables an account, never the last coordinator', async () => {
    const { bridge, user } = await openStaff();
    const app = rawBackend(bridge);
    await app.addStaff({ name: 'Vera', role: 'volunteer', pin: '2468', badge: null });
    await user.keyboard('{Alt>}9{/Alt}');
    await user.click(screen.getByTestId(TestId.NavEvents));
    await user.click(screen.getByTestId(TestId.NavOrg));
    await waitFor(() => expect(rows()).toHaveLength(2));

    await user.click(within(row('Vera')).getByTestId(TestId.StaffEdit));
    await user.selectOptions(screen.getByTestId(TestId.StaffFormRole), 'mediator');
    await user.type(screen.getByTestId(TestId.StaffFormPin), '97531{Enter}');
    await waitFor(() => expect(text(TestId.StaffMessage)).toBe('Compte de Vera modifié.'));
    expect(row('Vera').getAttribute('data-role')).toBe('mediator');

    await user.click(within(row('Vera')).getByTestId(TestId.StaffToggle));
    await waitFor(() => expect(row('Vera').getAttribute('data-archived')).toBe('true'));
    expect(text(TestId.StaffMessage)).toBe('Compte de Vera désactivé : il n’ouvre plus Escale.');
    expect((await app.lockState()).names, 'a disabled account is not offered').toEqual([COORDINATOR.name]);

    // The last coordinator stays one.
    await user.click(within(row(COORDINATOR.name)).getByTestId(TestId.StaffToggle));
    await waitFor(() => expect(text(TestId.StaffMessage)).toContain('est la dernière personne de la coordination'));
    expect(row(COORDINATOR.name).getAttribute('data-archived')).toBe('false');

    await user.click(within(row('Vera')).getByTestId(TestId.StaffToggle));
    await waitFor(() => expect(row('Vera').getAttribute('data-archived')).toBe('false'));
    // Her new PIN works, the old one does not.
    await app.lock();
    await expect(app.unlock('Vera', '2468')).rejects.toMatchObject({ code: 'auth.wrong_pin' });
    await expect(app.unlock('Vera', '97531')).resolves.toMatchObject({ name: 'Vera', role: 'mediator' });
  });

  it('sets the idle delay before every laptop locks itself', async () => {
    const { backend, user } = await openStaff();
    const minutes = screen.getByTestId(TestId.StaffLockMinutes) as HTMLInputElement;
    expect(minutes.value, 'the seeded laptops lock after ten minutes').toBe('10');
    await user.clear(minutes);
    await user.type(minutes, '0{Enter}');
    await waitFor(() => expect(text(TestId.StaffLockMessage)).toBe('De 1 à 240 minutes.'));
    expect(backend.count('setLockMinutes'), 'nothing sent').toBe(0);
    await user.clear(minutes);
    await user.type(minutes, '15{Enter}');
    await waitFor(() => expect(text(TestId.StaffLockMessage)).toBe('Escale se verrouillera après 15 min sans activité.'));
    expect(backend.lastResult('setLockMinutes')).toBe(15);
    expect((await backend.lockState()).session?.lock_minutes, 'the UI’s own idle lock follows').toBe(15);
  });
});
