// Turns whatever a backend call rejected with into a `BackendError`, so
// screens show one kind of message and branch on stable codes.
import type { BackendError } from './backend/types';
import { isBackendError } from './backend/values';

export function toBackendError(e: unknown): BackendError {
  if (isBackendError(e)) return e;
  if (e instanceof Error) return { code: 'internal', message: e.message };
  return { code: 'internal', message: String(e) };
}
