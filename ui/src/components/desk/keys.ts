// The desk's keyboard: what a key means, apart from what it then does.

/**
 * Window-wide: Ctrl+Z undoes the last check-in, F2 opens the walk-in form,
 * F3 gives the person just checked in a public computer (or a ticket for
 * one), F4 prints the certificate of the person just checked out, F6
 * records the help given to the person just served (or, with nobody
 * served, to someone who did not register).
 */
export function deskShortcut(e: KeyboardEvent): 'undo' | 'walkIn' | 'station' | 'certificate' | 'help' | null {
  if ((e.ctrlKey || e.metaKey) && !e.shiftKey && e.key.toLowerCase() === 'z') return 'undo';
  if (e.key === 'F2') return 'walkIn';
  if (e.key === 'F3') return 'station';
  if (e.key === 'F4') return 'certificate';
  if (e.key === 'F6') return 'help';
  return null;
}

/** In the search box: arrows move through the results, Enter checks in, Escape empties the box. */
export function searchKey(e: KeyboardEvent): 'next' | 'previous' | 'submit' | 'clear' | null {
  switch (e.key) {
    case 'ArrowDown':
      return 'next';
    case 'ArrowUp':
      return 'previous';
    case 'Enter':
      return 'submit';
    case 'Escape':
      return 'clear';
    default:
      return null;
  }
}
