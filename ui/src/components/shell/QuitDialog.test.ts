import { screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { TestId } from '../../lib/testIds';
import { closeWindow, openApp, text } from '../../test/helpers';

/** An enrolled laptop at the desk that checked someone in while the hub was away. */
async function withUnsynced() {
  const opened = await openApp({ enrolled: true });
  await opened.hub!.stop();
  await opened.user.keyboard('DEMO-0000003{Enter}');
  await screen.findByTestId(TestId.DeskFeedback);
  await waitFor(() => expect(text(TestId.StatusUnsynced)).toBe('1 opération à synchroniser'));
  return opened;
}

describe('closing the window', () => {
  it('closes at once when everything is on the hub, or when the laptop works alone', async () => {
    const synced = await openApp({ enrolled: true });
    expect(await closeWindow(synced.bridge)).toBe(true);
    expect(screen.queryByTestId(TestId.QuitConfirm)).toBeNull();
  });

  it('closes at once on a laptop that is not enrolled, whatever it holds', async () => {
    const alone = await openApp();
    expect((await alone.backend.status()).unsynced_ops).toBeGreaterThan(0);
    expect(await closeWindow(alone.bridge)).toBe(true);
  });

  it('asks first when operations wait; Esc cancels, "quit anyway" quits', async () => {
    const { backend, bridge, user } = await withUnsynced();
    expect(await closeWindow(bridge)).toBe(false);
    const dialog = await screen.findByTestId(TestId.QuitConfirm);
    expect(dialog.textContent).toContain('1 opération n’est pas encore synchronisée avec le serveur.');
    expect(document.activeElement, 'the safe choice has the focus').toBe(screen.getByTestId(TestId.QuitSync));

    await user.keyboard('{Escape}');
    expect(screen.queryByTestId(TestId.QuitConfirm)).toBeNull();
    expect(backend.count('quitApp')).toBe(0);
    expect(backend.quitRequested).toBe(false);

    await closeWindow(bridge);
    await user.click(await screen.findByTestId(TestId.QuitAnyway));
    await waitFor(() => expect(backend.quitRequested).toBe(true));
    expect(backend.count('syncNow')).toBe(0);
  });

  it('syncs then quits when the hub takes everything', async () => {
    const { backend, bridge, hub, user } = await withUnsynced();
    await hub!.serve();
    await closeWindow(bridge);
    await user.click(await screen.findByTestId(TestId.QuitSync));
    await waitFor(() => expect(backend.quitRequested).toBe(true));
    expect(backend.calls.filter((c) => c === 'syncNow' || c === 'quitApp')).toEqual(['syncNow', 'quitApp']);
  });

  it('stays open and says why when the sync cannot send everything', async () => {
    const { backend, bridge, user } = await withUnsynced();
    await closeWindow(bridge);
    await user.click(await screen.findByTestId(TestId.QuitSync));
    expect((await screen.findByTestId(TestId.QuitError)).textContent).toContain('Le serveur est injoignable');
    expect(backend.quitRequested).toBe(false);
    expect(screen.getByTestId(TestId.QuitConfirm).textContent).toContain('1 opération');
    await user.click(screen.getByTestId(TestId.QuitCancel));
    expect(screen.queryByTestId(TestId.QuitConfirm)).toBeNull();
  });

  it('speaks English too', async () => {
    const opened = await openApp({ enrolled: true }, 'en');
    await opened.hub!.stop();
    await opened.user.keyboard('DEMO-0000003{Enter}');
    await waitFor(() => expect(text(TestId.StatusUnsynced)).toBe('1 operation to sync'));
    await closeWindow(opened.bridge);
    expect((await screen.findByTestId(TestId.QuitConfirm)).textContent).toContain('1 operation is not synced with the hub yet.');
    expect(text(TestId.QuitAnyway)).toBe('Quit anyway');
  });
});
