// Runtime values that go with the wire types (types.ts holds types only, so
// it can become a plain re-export of the generated bindings).
import type { BackendError, ColumnMapping, EventKind, Situation } from './types';

export const EVENT_KINDS: readonly EventKind[] = ['fair', 'workshop', 'info_day', 'jobcamp_series', 'other'];

export const SITUATIONS: readonly Situation[] = [
  'job_seeker',
  'employed',
  'self_employed',
  'company_founder',
  'student',
  'other',
];

/** core model.rs `CONSENT_PROCESSING`: the one purpose a registration needs. */
export const CONSENT_PROCESSING = 'processing';

/** Optional consent purposes offered at the desk. */
export const OPTIONAL_PURPOSES = ['newsletter', 'photo'] as const;

/** The mapping fields the import wizard lets people change, most useful first. */
export const MAPPING_FIELDS: readonly (keyof ColumnMapping)[] = [
  'first_name',
  'last_name',
  'full_name',
  'email',
  'phone',
  'postcode',
  'birth_year',
  'birth_date',
  'situation',
  'employment_id',
  'ticket_code',
  'source_key',
  'source_key_extra',
  'status',
  'payer_first_name',
  'payer_last_name',
  'payer_email',
  'payer_full_name',
  'notes',
  'registered_at',
];

export function emptyMapping(): ColumnMapping {
  const m = {} as Record<keyof ColumnMapping, number | null>;
  for (const f of MAPPING_FIELDS) m[f] = null;
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
