// Runtime values that go with the wire types (types.ts holds types only, so
// it can become a plain re-export of the generated bindings).
import { VISITOR_FIELDS } from './bindings/registry';
import type { BackendError, ColumnMapping, EventKind } from './types';

export const EVENT_KINDS: readonly EventKind[] = ['fair', 'workshop', 'info_day', 'jobcamp_series', 'other'];

/** The situations a visitor may have (from the field registry). */
export const SITUATIONS: readonly string[] = (VISITOR_FIELDS.find((f) => f.name === 'situation')?.choices ?? []).map((c) => c.value);

/** core model.rs `CONSENT_PROCESSING`: the one purpose a registration needs. */
export const CONSENT_PROCESSING = 'processing';

/** Optional consent purposes offered at the desk. */
export const OPTIONAL_PURPOSES = ['newsletter', 'photo'] as const;

/** What an import column can feed besides a visitor's fields (Rust `ColumnMapping`). */
export type ImportTarget = Exclude<keyof ColumnMapping, 'fields'>;

/** The import-only targets, most useful first. */
export const IMPORT_TARGETS: readonly ImportTarget[] = [
  'full_name',
  'birth_date',
  'ticket_code',
  'source_key',
  'source_key_extra',
  'status',
  'payer_first_name',
  'payer_last_name',
  'payer_email',
  'payer_full_name',
  'registered_at',
];

/** The visitor fields an import column can feed (from the field registry). */
const IMPORTABLE = VISITOR_FIELDS.filter((f) => f.max > 0);

/**
 * The mapping targets the import wizard shows first: the visitor fields a
 * file can feed (free text apart), a full name and a birth date.
 */
export const MAIN_MAPPING: readonly string[] = [
  ...IMPORTABLE.filter((f) => f.input !== 'notes').map((f) => f.name),
  'full_name',
  'birth_date',
];

/** Every mapping target the import wizard lets people change, most useful first. */
export const MAPPING_FIELDS: readonly string[] = [
  ...MAIN_MAPPING,
  ...IMPORT_TARGETS.filter((t) => !MAIN_MAPPING.includes(t)),
  ...IMPORTABLE.filter((f) => f.input === 'notes').map((f) => f.name),
];

/** Whether a mapping target is a visitor field (kept in `mapping.fields`). */
export function isVisitorTarget(name: string): boolean {
  return !(IMPORT_TARGETS as readonly string[]).includes(name);
}

/** The column a mapping gives a target (null when none). */
export function mappedColumn(m: ColumnMapping, name: string): number | null {
  return isVisitorTarget(name) ? m.fields[name] ?? null : (m[name as ImportTarget] ?? null);
}

/** A copy of the mapping with `name` fed by `column` (null: by none). */
export function withColumn(m: ColumnMapping, name: string, column: number | null): ColumnMapping {
  if (!isVisitorTarget(name)) return { ...m, [name]: column };
  const fields = { ...m.fields };
  if (column === null) delete fields[name];
  else fields[name] = column;
  return { ...m, fields };
}

export function emptyMapping(): ColumnMapping {
  const m = { fields: {} } as ColumnMapping;
  for (const t of IMPORT_TARGETS) m[t] = null;
  return m;
}

export function isBackendError(e: unknown): e is BackendError {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as { code?: unknown }).code === 'string' &&
    typeof (e as { message?: unknown }).message === 'string'
  );
}
