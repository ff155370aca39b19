// The visitor form: its fields come from the field registry (Rust,
// escale-protocol/src/fields.rs, generated into bindings/registry.ts), so a
// new field reaches the walk-in form and the visitor record with no line
// here. This file keeps the values as typed and the checks made before
// anything is sent (lengths and a name, from the registry's limits); what
// can only be judged by Rust comes back as warnings.
import { VISITOR_FIELDS } from './backend/bindings/registry';
import type { FieldSpec, VisitorInput, VisitorView, Warning } from './backend/types';
import { say } from './catalogue';
import type { I18n } from './i18n/index.svelte';

/** A visitor field's name. */
export type VisitorField = string;

/** What the form holds: one text per field it shows. */
export type VisitorFormValues = Record<VisitorField, string>;

/**
 * The fields the forms show, in order: every field asked always, and each
 * optional one the organisation switched on (`switchedOn`; by default, those
 * on by default).
 */
export function formFields(switchedOn?: readonly string[]): FieldSpec[] {
  return VISITOR_FIELDS.filter((f) => {
    switch (f.ask.ask) {
      case 'never':
        return false;
      case 'always':
        return true;
      case 'optional':
        return switchedOn ? switchedOn.includes(f.name) : f.ask.default_on;
    }
  });
}

/** Every field the forms may show, in order. */
export const VISITOR_FORM_FIELDS: readonly FieldSpec[] = formFields();

/** The names of the fields the forms show. */
export const VISITOR_FIELD_NAMES: readonly VisitorField[] = VISITOR_FORM_FIELDS.map((f) => f.name);

/**
 * Every field a form carries: those it shows, and those a person never types
 * but a suggestion sets along with one (a town's INSEE code with its name).
 */
const CARRIED: readonly VisitorField[] = VISITOR_FIELDS.filter((f) => f.max > 0).map((f) => f.name);

/** A field's spec by name (any visitor field, shown in forms or not). */
export function fieldSpec(name: string): FieldSpec | undefined {
  return VISITOR_FIELDS.find((f) => f.name === name);
}

/** A field's label in the UI's language ("Notes (visibles de l’équipe uniquement)"). */
export function fieldLabel(spec: FieldSpec, lang: 'fr' | 'en', withHint = false): string {
  const label = spec.label[lang];
  return withHint && spec.hint ? `${label} (${spec.hint[lang]})` : label;
}

/** The label of a field by name, or the name itself. */
export function labelOf(name: string, lang: 'fr' | 'en'): string {
  const spec = fieldSpec(name);
  return spec ? fieldLabel(spec, lang) : name;
}

/** A stored value as a person reads it (a closed list's label, a year as digits). */
export function displayValue(name: string, value: string | number | null | undefined, lang: 'fr' | 'en'): string {
  if (value === null || value === undefined) return '';
  const spec = fieldSpec(name);
  const choice = spec?.choices.find((c) => c.value === value);
  return choice ? choice.label[lang] : String(value);
}

export function emptyValues(first = '', last = ''): VisitorFormValues {
  const v: VisitorFormValues = {};
  for (const f of CARRIED) v[f] = '';
  v.first_name = first;
  v.last_name = last;
  return v;
}

export function valuesOf(view: VisitorView): VisitorFormValues {
  const v = emptyValues();
  const record = view as unknown as Record<string, string | number | null>;
  for (const f of CARRIED) {
    const value = record[f];
    v[f] = value === null || value === undefined ? '' : String(value);
  }
  return v;
}

/** What is sent: every field the form carries, trimmed ("" clears a field). */
export function toInput(v: VisitorFormValues): VisitorInput {
  const input: Record<string, string> = {};
  for (const f of VISITOR_FIELDS.filter((s) => CARRIED.includes(s.name) && s.name in v)) {
    const value = (v[f.name] ?? '').trim();
    input[f.name] = f.input === 'choice' ? v[f.name] ?? '' : value;
  }
  return input as VisitorInput;
}

/** Per-field messages, in the UI language; empty when the form may be sent. */
export function validate(v: VisitorFormValues, i18n: I18n, thisYear = new Date().getFullYear()): Partial<Record<VisitorField, string>> {
  const errors: Partial<Record<VisitorField, string>> = {};
  for (const f of VISITOR_FORM_FIELDS) {
    const len = [...(v[f.name] ?? '').trim()].length;
    if (f.max > 0 && len > f.max) errors[f.name] = i18n.t('validation.tooLong', { len, max: f.max });
  }
  if (!errors.first_name && !errors.last_name && (v.first_name ?? '').trim() === '' && (v.last_name ?? '').trim() === '') {
    errors.first_name = i18n.t('validation.nameRequired');
  }
  for (const f of VISITOR_FORM_FIELDS.filter((s) => s.input === 'year')) {
    const year = (v[f.name] ?? '').trim();
    if (!errors[f.name] && year !== '' && (!/^\d{4}$/.test(year) || +year < 1900 || +year > thisYear)) {
      errors[f.name] = i18n.t('validation.birthYear', { year: thisYear });
    }
  }
  return errors;
}

/** A server warning in the UI language, from the catalogue, by its code. */
export function warningMessage(w: Warning, i18n: I18n): string {
  const value = w.value.length > 40 ? `${w.value.slice(0, 40)}…` : w.value;
  const args = { value, field: labelOf(w.field, i18n.locale).toLowerCase() };
  return say(`warning.${w.code}`, i18n.locale, args) ?? say('warning.other', i18n.locale, args) ?? value;
}

export function warningsByField(ws: Warning[], i18n: I18n): Partial<Record<VisitorField, string>> {
  const out: Partial<Record<VisitorField, string>> = {};
  for (const w of ws) out[w.field] = warningMessage(w, i18n);
  return out;
}
