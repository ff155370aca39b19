import { describe, expect, it } from 'vitest';
import { longDate, monthLabel } from './format';
import { fullName } from './text';

describe('fullName', () => {
  it('joins the names, either of which may be empty', () => {
    expect(fullName({ first_name: 'Éloïse', last_name: "N'Diaye-Lefèvre" }, 'fr')).toBe("Éloïse N'Diaye-Lefèvre");
    expect(fullName({ first_name: 'Ömer', last_name: '' }, 'en')).toBe('Ömer');
    expect(fullName({ first_name: ' ', last_name: 'Kowalski' }, 'fr')).toBe('Kowalski');
  });

  it('names an anonymised record (no name left) in the language shown', () => {
    expect(fullName({ first_name: '', last_name: '' }, 'fr')).toBe('Personne anonymisée');
    expect(fullName({ first_name: ' ', last_name: '' }, 'en')).toBe('Anonymised person');
  });
});

describe('dates in words', () => {
  it('writes a day and a month in full, in French and in English', () => {
    expect(longDate('2027-01-04', 'fr')).toBe('4 janvier 2027');
    expect(longDate('2027-01-04', 'en')).toBe('4 January 2027');
    expect(monthLabel('2027-03', 'fr')).toBe('mars 2027');
    expect(monthLabel('2027-03', 'en')).toBe('March 2027');
  });
});
