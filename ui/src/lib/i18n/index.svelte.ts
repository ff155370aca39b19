// Tiny i18n: two dictionaries, a reactive current locale and `t(key, params)`.
// One I18n instance per app, shared through Svelte context (no global).
import { getContext, setContext } from 'svelte';
import { en } from './en';
import { fr, type MessageKey, type Messages } from './fr';

export type Locale = 'fr' | 'en';
export type { MessageKey };

export const dictionaries: Record<Locale, Messages> = { fr, en };

/** `{name}` placeholders are replaced by `params.name`; unknown ones stay visible. */
export function translate(
  locale: Locale,
  key: MessageKey,
  params: Record<string, string | number> = {},
): string {
  return dictionaries[locale][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

export class I18n {
  locale: Locale = $state('fr');

  constructor(locale: Locale = 'fr') {
    this.locale = locale;
  }

  t = (key: MessageKey, params?: Record<string, string | number>): string =>
    translate(this.locale, key, params);

  /** For keys built at run time (`issue.${code}`): the fallback when the key is unknown. */
  tk = (key: string, fallback: string, params?: Record<string, string | number>): string =>
    key in dictionaries[this.locale] ? translate(this.locale, key as MessageKey, params) : fallback;

  toggle(): void {
    this.locale = this.locale === 'fr' ? 'en' : 'fr';
  }

  set(locale: Locale): void {
    this.locale = locale;
  }
}

const KEY = Symbol('i18n');

export function setI18n(i18n: I18n): I18n {
  return setContext(KEY, i18n);
}

export function getI18n(): I18n {
  const i18n = getContext<I18n | undefined>(KEY);
  if (!i18n) throw new Error('getI18n() called outside <App>');
  return i18n;
}
