// Results as you type: a short pause after the last keystroke, then one
// search; an answer that arrives after a newer search was started is dropped.
import type { SearchHit } from '../../lib/backend/types';

/** Wait this long after a keystroke before searching (≤ 50 ms: results feel instant). */
export const DEBOUNCE_MS = 30;

export class LiveSearch {
  hits = $state<SearchHit[]>([]);
  /** The query `hits` answer (trimmed). */
  hitsFor = $state('');
  /** The highlighted result. */
  active = $state(0);

  #seq = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #find: (q: string) => Promise<SearchHit[]>;
  readonly #onError: (e: unknown) => void;

  constructor(find: (q: string) => Promise<SearchHit[]>, onError: (e: unknown) => void) {
    this.#find = find;
    this.#onError = onError;
  }

  /** The box now holds `query`: search it after the pause, or clear the results. */
  typed(query: string): void {
    const q = query.trim();
    if (q === '') return this.clear();
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#run(q), DEBOUNCE_MS);
  }

  async #run(q: string): Promise<void> {
    const mine = ++this.#seq;
    try {
      const found = await this.#find(q);
      // A newer search was started (or the box was cleared): this answer is stale.
      if (mine !== this.#seq) return;
      this.hits = found;
      this.hitsFor = q;
      this.active = 0;
    } catch (e) {
      if (mine === this.#seq) this.#onError(e);
    }
  }

  /** No results, and any search under way forgotten. */
  clear(): void {
    clearTimeout(this.#timer);
    this.#seq += 1;
    this.hits = [];
    this.hitsFor = '';
    this.active = 0;
  }

  /** Highlights the next (1) or previous (-1) result, round the list. */
  move(step: 1 | -1): void {
    if (this.hits.length === 0) return;
    this.active = (this.active + step + this.hits.length) % this.hits.length;
  }

  /** The results shown, when they answer `q` (trimmed). */
  shownFor(q: string): SearchHit[] | null {
    return this.hitsFor === q ? this.hits : null;
  }

  dispose(): void {
    clearTimeout(this.#timer);
  }
}
