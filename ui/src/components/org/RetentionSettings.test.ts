import { screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { TestId } from '../../lib/testIds';
import { openApp, text, type OpenOptions } from '../../test/helpers';
import { rawBackend } from '../../test/testBackend';

async function openRetention(options: OpenOptions = {}, before?: (opened: Awaited<ReturnType<typeof openApp>>) => Promise<void>) {
  const opened = await openApp(options);
  await before?.(opened);
  await opened.user.click(screen.getByTestId(TestId.NavOrg));
  await screen.findByTestId(TestId.RetentionSection);
  await waitFor(() => expect(screen.getByTestId(TestId.RetentionNext)).toBeTruthy());
  return opened;
}

const value = (id: string) => (screen.getByTestId(id) as HTMLInputElement).value;
const months = () => screen.queryAllByTestId(TestId.RetentionMonth).map((li) => (li.textContent ?? '').replace(/\s+/g, ' ').trim());
const DAY = 86_400_000;

describe('data retention, on the organisation screen', () => {
  it('shows the periods and what they will do, and saves new ones with errors under the field', async () => {
    const { backend, user } = await openRetention();
    expect([value(TestId.RetentionMonths), value(TestId.RetentionWalkinMonths)], 'the defaults').toEqual(['36', '12']);
    // The eight people came (or registered) today: three years on.
    expect(text(TestId.RetentionNext)).toBe('8 personnes seront anonymisées le 3 décembre 2029');
    expect(text(TestId.RetentionDueNow)).toBe('À anonymiser dès maintenant : 0');
    expect(text(TestId.RetentionAlready)).toBe('Déjà anonymisées : 0');
    expect(months(), 'nothing within twelve months').toEqual([]);
    expect((screen.getByTestId(TestId.RetentionAnonymiseNow) as HTMLButtonElement).disabled, 'nobody is due').toBe(true);
    expect(text(TestId.RetentionAnonymiseNow)).toBe('Anonymiser maintenant (0)');

    const walkin = screen.getByTestId(TestId.RetentionWalkinMonths);
    await user.clear(walkin);
    await user.type(walkin, '40');
    await user.click(screen.getByTestId(TestId.RetentionSave));
    expect(screen.getByText('Pas plus que la première durée (36 mois).')).toBeTruthy();
    expect(document.activeElement).toBe(walkin);
    expect(backend.count('setRetention'), 'nothing sent').toBe(0);

    const first = screen.getByTestId(TestId.RetentionMonths);
    await user.clear(first);
    await user.type(first, '2');
    await user.clear(walkin);
    await user.type(walkin, '1{Enter}');
    await waitFor(() => expect(text(TestId.RetentionMessage)).toBe('Durées enregistrées, pour tous les ordinateurs de l’organisation.'));
    expect(backend.lastArgs('setRetention')).toEqual([2, 1]);
    expect((await backend.retentionPreview()).retention).toEqual({ months: 2, walkin_months: 1 });
    await waitFor(() => expect(text(TestId.RetentionNext)).toBe('8 personnes seront anonymisées le 3 février 2027'));
    expect(months()).toEqual(['février 2027 8 personnes']);
  });

  it('sets how long the access log keeps its entries (30 to 3,650 days)', async () => {
    const { backend, user } = await openRetention();
    const days = screen.getByTestId(TestId.RetentionAuditDays);
    await waitFor(() => expect(value(TestId.RetentionAuditDays)).toBe(String(backend.lastResult('auditRetentionDays'))));
    await user.clear(days);
    await user.type(days, '10{Enter}');
    expect(text(TestId.RetentionAuditMessage)).toBe('De 30 à 3 650 jours.');
    expect(backend.count('setAuditRetentionDays')).toBe(0);
    await user.clear(days);
    await user.type(days, '400{Enter}');
    await waitFor(() => expect(text(TestId.RetentionAuditMessage)).toBe('Le journal garde ses entrées 400 jours.'));
    expect(await backend.auditRetentionDays()).toBe(400);
  });

  it('anonymises now, after a confirmation, the people past their period, then shows the preview again', async () => {
    // Seventy days after everyone's visit, with two months' retention.
    const { backend, user } = await openRetention({ shiftClockBy: 70 * DAY }, async ({ bridge }) => {
      await rawBackend(bridge).setRetention(2, 1);
    });
    await waitFor(() => expect(text(TestId.RetentionDueNow)).toBe('À anonymiser dès maintenant : 8'));
    const now = screen.getByTestId(TestId.RetentionAnonymiseNow) as HTMLButtonElement;
    expect(now.disabled).toBe(false);
    expect(now.textContent?.trim()).toBe('Anonymiser maintenant (8)');

    await user.click(now);
    await screen.findByTestId(TestId.RetentionAnonymiseConfirm);
    expect(text(TestId.RetentionAnonymiseConfirm)).toContain('C’est définitif');
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId(TestId.RetentionAnonymiseConfirm), 'Esc cancels').toBeNull();
    expect(backend.count('anonymiseDue')).toBe(0);

    await user.click(now);
    await user.click(await screen.findByTestId(TestId.RetentionAnonymiseYes));
    await waitFor(() => expect(text(TestId.RetentionAnonymiseMessage)).toBe('8 personnes anonymisées.'));
    await waitFor(() => expect(text(TestId.RetentionAlready)).toBe('Déjà anonymisées : 8'));
    expect(text(TestId.RetentionDueNow)).toBe('À anonymiser dès maintenant : 0');
    expect(now.disabled).toBe(true);
  });
});
