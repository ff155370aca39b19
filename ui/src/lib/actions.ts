// Small DOM actions shared by the screens.

/** Focuses the element once it is in the page (instead of the `autofocus` attribute). */
export function focusOnMount(node: HTMLElement): void {
  queueMicrotask(() => node.focus());
}

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * Keeps Tab and Shift+Tab inside a modal dialog: from the last focusable
 * element Tab goes back to the first, and the other way round, so the
 * keyboard never wanders to the screen behind the dialog.
 */
export function trapFocus(node: HTMLElement): { destroy: () => void } {
  const onKeydown = (event: KeyboardEvent) => {
    if (event.key !== 'Tab') return;
    const items = Array.from(node.querySelectorAll<HTMLElement>(FOCUSABLE)).filter(
      (el) => !el.closest('[hidden]') && !el.closest('[inert]'),
    );
    const first = items[0];
    const last = items[items.length - 1];
    if (first === undefined || last === undefined) {
      event.preventDefault();
      return;
    }
    const active = document.activeElement;
    const inside = active instanceof HTMLElement && node.contains(active);
    if (event.shiftKey && (active === first || !inside || active === node)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !inside)) {
      event.preventDefault();
      first.focus();
    }
  };
  node.addEventListener('keydown', onKeydown);
  return { destroy: () => node.removeEventListener('keydown', onKeydown) };
}
