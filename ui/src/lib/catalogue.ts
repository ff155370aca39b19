// Messages of the catalogue (Rust, escale-protocol/src/catalogue.rs, generated
// into bindings/catalogue.ts): what the UI says itself about data Rust
// described by a code — a value left out of a record, an import row's issue.
// Errors arrive already said by Rust; this only fills placeholders.
import { MESSAGES } from './backend/bindings/catalogue';
import type { Locale } from './i18n/index.svelte';

/**
 * The message `id` in `lang` with its `{name}` placeholders filled (a
 * placeholder without a value stays visible); `null` for an unknown id.
 */
export function say(id: string, lang: Locale, args: Record<string, string | number> = {}): string | null {
  const msg = MESSAGES[id];
  if (!msg) return null;
  return msg[lang].replace(/\{([a-z_]+)\}/g, (whole, name: string) => (name in args ? String(args[name]) : whole));
}
