/**
 * The path a screen saves a file to: typed, or chosen in the system's save
 * dialog; its extension kept in step with the chosen format.
 */
import type { Backend } from './backend/backend';
import { toBackendError } from './errors';

/** `path` with its extension (one of `known`) replaced by `ext`; unchanged otherwise. */
export function withExtension(path: string, ext: string, known: readonly string[]): string {
  const re = new RegExp(`\\.(${known.join('|')})$`, 'i');
  return re.test(path) ? path.replace(re, `.${ext}`) : path;
}

/**
 * Opens the save dialog on `defaultName`: the path chosen, null when
 * cancelled, or the dialog's error message.
 */
export async function chooseSavePath(backend: Backend, defaultName: string): Promise<{ path: string | null; error: string | null }> {
  try {
    return { path: await backend.pickSaveFile(defaultName), error: null };
  } catch (e) {
    return { path: null, error: toBackendError(e).message };
  }
}
