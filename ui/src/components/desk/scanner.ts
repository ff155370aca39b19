// Tells a barcode scanner from a person: a scanner "types" every character
// of a code within a few milliseconds, then Enter; people do not.

/** A scanner types every character within this gap; people do not. */
export const SCANNER_GAP_MS = 50;

export class ScannerDetector {
  /** When each character of the current entry was typed. */
  #times: number[] = [];

  /** A new entry starts (the box was emptied or submitted). */
  reset(): void {
    this.#times = [];
  }

  /** A key pressed in the box: printable characters are timed; `empty` when the box was empty before it. */
  key(e: KeyboardEvent, empty: boolean, at: number = performance.now()): void {
    if (e.key.length !== 1 || e.ctrlKey || e.altKey || e.metaKey) return;
    if (empty) this.#times = [];
    this.#times.push(at);
  }

  /** Every character of `q` typed within the scanner gap, and Enter (at `at`) right after. */
  scanned(q: string, at: number = performance.now()): boolean {
    const t = this.#times;
    if (t.length < 4 || t.length < q.length) return false;
    for (let i = 1; i < t.length; i++) {
      if (t[i]! - t[i - 1]! >= SCANNER_GAP_MS) return false;
    }
    return at - t[t.length - 1]! < SCANNER_GAP_MS * 2;
  }
}
