// The visitor form's values (as typed) and the checks made before anything is
// sent: a name, sane lengths, a plausible birth year. Bad optional values
// that pass these checks are judged by Rust and come back as warnings.
import type { VisitorInput, VisitorView, Warning } from './backend/types';
import type { I18n } from './i18n/index.svelte';

export interface VisitorFormValues {
  first_name: string;
  last_name: string;
  email: string;
  phone: string;
  postcode: string;
  birth_year: string;
  situation: string;
  employment_id: string;
  notes: string;
}

export type VisitorField = keyof VisitorFormValues;

export const VISITOR_FIELDS: readonly VisitorField[] = [
  'first_name',
  'last_name',
  'email',
  'phone',
  'postcode',
  'birth_year',
  'situation',
  'employment_id',
  'notes',
];

/** Longest value Rust accepts per field (core validate.rs). */
export const MAX_LENGTH: Partial<Record<VisitorField, number>> = {
  first_name: 100,
  last_name: 100,
  email: 254,
  phone: 40,
  postcode: 20,
  employment_id: 40,
  notes: 2000,
};

export function emptyValues(first = '', last = ''): VisitorFormValues {
  return {
    first_name: first,
    last_name: last,
    email: '',
    phone: '',
    postcode: '',
    birth_year: '',
    situation: '',
    employment_id: '',
    notes: '',
  };
}

export function valuesOf(v: VisitorView): VisitorFormValues {
  return {
    first_name: v.first_name,
    last_name: v.last_name,
    email: v.email ?? '',
    phone: v.phone ?? '',
    postcode: v.postcode ?? '',
    birth_year: v.birth_year == null ? '' : String(v.birth_year),
    situation: v.situation ?? '',
    employment_id: v.employment_id ?? '',
    notes: v.notes ?? '',
  };
}

export function toInput(v: VisitorFormValues): VisitorInput {
  const year = v.birth_year.trim();
  return {
    first_name: v.first_name.trim(),
    last_name: v.last_name.trim(),
    email: v.email.trim(),
    phone: v.phone.trim(),
    postcode: v.postcode.trim(),
    birth_year: year === '' ? null : Number(year),
    situation: v.situation,
    employment_id: v.employment_id.trim(),
    notes: v.notes.trim(),
  };
}

/** Per-field messages, in the UI language; empty when the form may be sent. */
export function validate(v: VisitorFormValues, i18n: I18n, thisYear = new Date().getFullYear()): Partial<Record<VisitorField, string>> {
  const errors: Partial<Record<VisitorField, string>> = {};
  for (const f of VISITOR_FIELDS) {
    const max = MAX_LENGTH[f];
    const len = [...v[f].trim()].length;
    if (max !== undefined && len > max) errors[f] = i18n.t('validation.tooLong', { len, max });
  }
  if (!errors.first_name && !errors.last_name && v.first_name.trim() === '' && v.last_name.trim() === '') {
    errors.first_name = i18n.t('validation.nameRequired');
  }
  const year = v.birth_year.trim();
  if (year !== '' && (!/^\d{4}$/.test(year) || +year < 1900 || +year > thisYear)) {
    errors.birth_year = i18n.t('validation.birthYear', { year: thisYear });
  }
  return errors;
}

/** A server warning in the UI language, by its code. */
export function warningMessage(w: Warning, i18n: I18n): string {
  const value = w.value.length > 40 ? `${w.value.slice(0, 40)}…` : w.value;
  return i18n.tk(`warning.${w.code}`, i18n.t('warning.other', { value }), { value });
}

export function warningsByField(ws: Warning[], i18n: I18n): Partial<Record<VisitorField, string>> {
  const out: Partial<Record<VisitorField, string>> = {};
  for (const w of ws) out[w.field as VisitorField] = warningMessage(w, i18n);
  return out;
}
