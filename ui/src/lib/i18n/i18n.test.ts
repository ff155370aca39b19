import { describe, expect, it } from 'vitest';
import { dictionaries, translate } from './index.svelte';

describe('i18n', () => {
  it('has the same keys in every language', () => {
    expect(Object.keys(dictionaries.en).sort()).toEqual(Object.keys(dictionaries.fr).sort());
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('fr', 'about.error', { message: 'x' })).toContain(': x');
    expect(translate('en', 'about.error')).toContain('{message}');
  });
});
