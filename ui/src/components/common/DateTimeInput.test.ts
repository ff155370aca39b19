import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import DateTimeHarness from '../../test/DateTimeHarness.svelte';
import { dateTimePartId } from '../../lib/testIds';

const date = () => screen.getByTestId(dateTimePartId('when', 'date')) as HTMLInputElement;
const time = () => screen.getByTestId(dateTimePartId('when', 'time')) as HTMLInputElement;
const bound = () => screen.getByTestId('bound').textContent;
const message = () => document.getElementById('when-msg')?.textContent ?? null;

function open(props: { locale?: 'fr' | 'en'; value?: string; error?: string | null } = {}) {
  const user = userEvent.setup();
  const rendered = render(DateTimeHarness, { props });
  return { user, ...rendered };
}

describe('the French date and time input', () => {
  it('shows a wall time day first, on 24 hours, in French and in English', () => {
    open({ value: '2026-12-03 14:05' });
    expect([date().value, time().value]).toEqual(['03/12/2026', '14:05']);
    expect(screen.getByTestId('when').dataset.value).toBe('2026-12-03 14:05');
    expect(date().placeholder).toBe('jj/mm/aaaa');
    expect(screen.getByRole('group', { name: 'Début' })).toBeTruthy();
    expect(screen.getByRole('textbox', { name: 'Début date' })).toBe(date());
    expect(screen.getByRole('textbox', { name: 'Début heure' })).toBe(time());
  });

  it('uses dd/mm/yyyy and hh:mm in English too', () => {
    open({ locale: 'en', value: '2026-12-03 14:05' });
    expect([date().value, time().value]).toEqual(['03/12/2026', '14:05']);
    expect([date().placeholder, time().placeholder]).toEqual(['dd/mm/yyyy', 'hh:mm']);
  });

  it('turns what is typed into "YYYY-MM-DD HH:MM", separators added while typing, shown in full on leaving', async () => {
    const { user } = open({ value: '2026-12-03 14:05' });
    await user.clear(date());
    await user.type(date(), '10122026');
    expect(date().value, 'the slashes come by themselves').toBe('10/12/2026');
    await user.clear(time());
    await user.type(time(), '9h30');
    expect(bound()).toBe('2026-12-10 09:30');
    await user.tab();
    expect(time().value, 'written in full once left').toBe('09:30');
    expect(message()).toBeNull();
  });

  it('says in French which date does not exist, under the field, and binds no value', async () => {
    const { user } = open({ value: '2026-02-03 10:00' });
    await user.clear(date());
    await user.type(date(), '31/02/2026');
    expect(message(), 'no message while still typing').toBeNull();
    expect(bound(), 'an impossible date is no value').toBe('');
    await user.tab();
    expect(message()).toBe('Le 31/02/2026 n’existe pas : ce mois-là n’a que 28 jours.');
    expect(date().getAttribute('aria-invalid')).toBe('true');
    expect(time().getAttribute('aria-invalid'), 'the time is not at fault').toBeNull();
    expect(date().getAttribute('aria-describedby')).toContain('when-msg');

    await user.clear(date());
    await user.type(date(), '28/02/2026');
    expect(message(), 'the message goes as soon as the date is right').toBeNull();
    expect(bound()).toBe('2026-02-28 10:00');
  });

  it('says it in English too, for months and times', async () => {
    const { user } = open({ locale: 'en', value: '2026-02-03 10:00' });
    await user.clear(date());
    await user.type(date(), '31/02/2026');
    await user.tab();
    expect(message()).toBe('31/02/2026 does not exist: that month has only 28 days.');
    await user.clear(date());
    await user.type(date(), '12/13/2026');
    expect(message()).toBe('12/13/2026 does not exist: months go from 01 to 12.');
    await user.clear(date());
    await user.type(date(), '12/12/2026');
    await user.clear(time());
    await user.type(time(), '25:00');
    await user.tab();
    expect(message()).toBe('25:00 is not a time: from 00:00 to 23:59.');
    expect(time().getAttribute('aria-invalid')).toBe('true');
  });

  it('shows its own problem rather than the form’s "required" once the form is submitted', async () => {
    const { user, rerender } = open({ value: '2026-12-03 10:00' });
    await user.clear(date());
    await user.type(date(), '3/12');
    expect(message()).toBeNull();
    await rerender({ value: '', error: 'Indiquez la date et l’heure de début.' });
    expect(message()).toBe('Date attendue sous la forme jj/mm/aaaa, par exemple 03/12/2026.');
  });

  it('moves the date by a day and the time by a quarter of an hour with the arrows', async () => {
    const { user } = open({ value: '2026-12-31 09:00' });
    await user.click(date());
    await user.keyboard('{ArrowUp}');
    expect(date().value).toBe('01/01/2027');
    await user.keyboard('{ArrowDown}{ArrowDown}');
    expect(date().value).toBe('30/12/2026');
    await user.click(time());
    await user.keyboard('{ArrowDown}');
    expect(time().value).toBe('08:45');
    expect(bound()).toBe('2026-12-30 08:45');
  });

  it('shows a value the form sets later (another session opened)', async () => {
    const { rerender } = open({ value: '2026-12-03 10:00' });
    await rerender({ value: '2027-01-14 14:30' });
    expect([date().value, time().value]).toEqual(['14/01/2027', '14:30']);
  });
});
