// Small DOM actions shared by the screens.

/** Focuses the element once it is in the page (instead of the `autofocus` attribute). */
export function focusOnMount(node: HTMLElement): void {
  queueMicrotask(() => node.focus());
}
