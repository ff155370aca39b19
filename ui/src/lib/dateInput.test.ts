import { describe, expect, it } from 'vitest';
import { addDays, autoSeparate, parseDay, parseTime, showDay, stepTime, wallMinute } from './dateInput';

describe('reading a date typed day first', () => {
  it('understands the ways people type a French date', () => {
    for (const t of ['03/12/2026', '3/12/2026', '03.12.2026', '03-12-2026', '3 12 2026', '03122026', '3/12/26', ' 03/12/2026 ']) {
      expect(parseDay(t), t).toEqual({ ok: true, value: '2026-12-03' });
    }
    expect(parseDay(''), 'empty is "no date", not an error').toBeNull();
  });

  it('says which part of an impossible date is wrong', () => {
    expect(parseDay('31/02/2026')).toEqual({ ok: false, problem: { kind: 'noSuchDay', date: '31/02/2026', days: 28 } });
    expect(parseDay('29/02/2028'), '2028 is a leap year').toEqual({ ok: true, value: '2028-02-29' });
    expect(parseDay('29/2/2026')).toEqual({ ok: false, problem: { kind: 'noSuchDay', date: '29/02/2026', days: 28 } });
    expect(parseDay('31/04/2026')).toMatchObject({ ok: false, problem: { kind: 'noSuchDay', days: 30 } });
    expect(parseDay('00/01/2026')).toMatchObject({ ok: false, problem: { kind: 'noSuchDay' } });
    expect(parseDay('12/13/2026')).toEqual({ ok: false, problem: { kind: 'noSuchMonth', date: '12/13/2026' } });
    for (const t of ['2026-12-03', '12/2026', 'demain', '03/12/0026', '3/12/202']) {
      expect(parseDay(t), t).toEqual({ ok: false, problem: { kind: 'dateFormat' } });
    }
  });
});

describe('reading a 24-hour time', () => {
  it('understands 09:30, 9h30, 9h, 930 and 14.00', () => {
    const cases: [string, string][] = [['09:30', '09:30'], ['9:30', '09:30'], ['9h30', '09:30'], ['9H', '09:00'], ['14', '14:00'], ['930', '09:30'], ['1400', '14:00'], ['14.00', '14:00'], ['0:05', '00:05']];
    for (const [t, v] of cases) expect(parseTime(t), t).toEqual({ ok: true, value: v });
    expect(parseTime('  ')).toBeNull();
  });

  it('refuses 25:00 and 10:75 as times, and what is not a time at all', () => {
    expect(parseTime('25:00')).toEqual({ ok: false, problem: { kind: 'noSuchTime', time: '25:00' } });
    expect(parseTime('10:75')).toEqual({ ok: false, problem: { kind: 'noSuchTime', time: '10:75' } });
    expect(parseTime('2 PM')).toEqual({ ok: false, problem: { kind: 'timeFormat' } });
    expect(parseTime('10:5')).toEqual({ ok: false, problem: { kind: 'timeFormat' } });
  });
});

describe('the wall time Rust reads', () => {
  it('keeps the minute and drops seconds, whatever the separator', () => {
    expect(wallMinute('2026-12-03 09:00')).toBe('2026-12-03 09:00');
    expect(wallMinute('2026-12-03T09:00:00')).toBe('2026-12-03 09:00');
    expect(wallMinute('demain')).toBe('');
    expect(showDay('2026-12-03')).toBe('03/12/2026');
  });

  it('steps a day across months and years, and a quarter of an hour within the day', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(stepTime('09:00', 1)).toBe('09:15');
    expect(stepTime('09:07', 1)).toBe('09:15');
    expect(stepTime('09:07', -1)).toBe('09:00');
    expect(stepTime('23:50', 1)).toBe('23:59');
    expect(stepTime('00:00', -1)).toBe('00:00');
  });
});

describe('typing help', () => {
  const typed = (part: 'date' | 'time', keys: string) => [...keys].reduce((t, k) => autoSeparate(t, t + k, part), '');

  it('puts the separators in while typing digits, and does not double one typed by hand', () => {
    expect(typed('date', '03122026')).toBe('03/12/2026');
    expect(typed('date', '03/12/2026')).toBe('03/12/2026');
    expect(typed('date', '3/12/2026')).toBe('3/12/2026');
    expect(typed('time', '1400')).toBe('14:00');
    expect(typed('time', '14:00')).toBe('14:00');
    expect(typed('time', '14h30')).toBe('14:30');
    expect(typed('time', '9h30'), 'one digit: nothing added').toBe('9h30');
    expect(typed('time', '930'), 'no hour 93: nothing added').toBe('930');
  });

  it('leaves editing inside the box alone', () => {
    expect(autoSeparate('03/12/2026', '03/1/2026', 'date')).toBe('03/1/2026');
    expect(autoSeparate('1', '', 'time')).toBe('');
  });
});
