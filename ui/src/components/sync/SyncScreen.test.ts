import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import App from '../../App.svelte';
import { MockBackend } from '../../lib/backend/mock';
import { fieldErrorId, TestId } from '../../lib/testIds';
import { memoryStorage, openApp, text } from '../../test/helpers';

const HUB = 'https://hub.example.org:8787';
const CODE = 'ABCD-EFGH-JKMN-PQRS';
const QR = `escale://enroll?hub=${encodeURIComponent(HUB)}&code=${CODE}`;

/** The app at the desk, then the sync screen through the side rail. */
async function openSync(options: Parameters<typeof openApp>[0] = {}) {
  const opened = await openApp({ now: () => Date.now(), ...options });
  await opened.user.click(screen.getByTestId(TestId.NavSync));
  await screen.findByTestId(TestId.SyncScreen);
  return opened;
}

describe('enrolment', () => {
  it('says what is missing or wrong under each field, and sends nothing until it is right', async () => {
    const { backend, user } = await openSync();
    await user.click(screen.getByTestId(TestId.SyncEnroll));
    expect(text(fieldErrorId('url'))).toBe('Indiquez l’adresse du serveur.');
    expect(text(fieldErrorId('code'))).toBe('Indiquez le code d’inscription.');
    expect(document.activeElement).toBe(screen.getByTestId(TestId.SyncUrl));
    expect(screen.queryByTestId(TestId.SyncDevice), 'this laptop is set up: its own name is used').toBeNull();

    await user.type(screen.getByTestId(TestId.SyncUrl), 'hub.example.org');
    await user.type(screen.getByTestId(TestId.SyncCode), 'WXYZ-0000-0000-0000{Enter}');
    expect(text(fieldErrorId('url'))).toBe('L’adresse doit commencer par https:// (ou http:// sur le réseau local).');
    expect(backend.count('syncEnroll')).toBe(0);

    await user.clear(screen.getByTestId(TestId.SyncUrl));
    await user.type(screen.getByTestId(TestId.SyncUrl), `${HUB}{Enter}`);
    await waitFor(() => expect(text(fieldErrorId('code'))).toBe('Code d’inscription inconnu : vérifiez-le ou demandez-en un nouveau.'));
    expect(screen.queryByTestId(fieldErrorId('url')), 'the hub answered: the address is right').toBeNull();
    expect(backend.lastArgs('syncEnroll')).toEqual([HUB, 'WXYZ-0000-0000-0000', null]);
    expect(screen.getByTestId(TestId.SyncCode).getAttribute('aria-invalid')).toBe('true');
  });

  it('reports an unreachable hub in plain words', async () => {
    const { user } = await openSync({ hub: { online: false } });
    await user.type(screen.getByTestId(TestId.SyncUrl), HUB);
    await user.type(screen.getByTestId(TestId.SyncCode), `${CODE}{Enter}`);
    expect((await screen.findByTestId(TestId.SyncError)).textContent).toContain('Le serveur est injoignable');
    expect(screen.getByTestId(TestId.SyncEnroll).textContent).toContain('Inscrire cet ordinateur');
  });

  it('takes the QR code a scanner types into the code box, then shows the live state', async () => {
    const { backend, user } = await openSync();
    expect(text(TestId.StatusOnline)).toBe('Hors ligne');
    await user.type(screen.getByTestId(TestId.SyncCode), `${QR}{Enter}`);

    await screen.findByTestId(TestId.SyncEnrolled);
    expect(backend.lastArgs('syncEnroll')).toEqual([HUB, CODE, null]);
    expect(text(TestId.SyncState)).toBe('En ligne');
    expect(text(TestId.SyncLast)).toBe('à l’instant');
    expect(text(TestId.SyncUnsynced), 'the first sync sent everything').toBe('0');
    expect(text(TestId.SyncHub)).toBe(HUB);
    expect(text(TestId.SyncOrg)).toBe('Passerelle Numérique');
    expect(screen.queryByTestId(TestId.SyncError)).toBeNull();
    await waitFor(() => expect(text(TestId.StatusOnline)).toBe('En ligne'));
    expect(text(TestId.StatusUnsynced)).toBe('Tout est synchronisé');
    expect(text(TestId.StatusLastSync)).toBe('Synchronisé à l’instant');
  });

  it('lets a laptop never set up join its organisation from the first-run screen', async () => {
    const backend = new MockBackend({ now: () => Date.now() });
    const user = userEvent.setup();
    render(App, { props: { backend, storage: memoryStorage() } });
    await user.click(await screen.findByTestId(TestId.FirstRunJoin));
    await screen.findByTestId(TestId.SyncScreen);
    await user.type(screen.getByTestId(TestId.SyncUrl), HUB);
    await user.type(screen.getByTestId(TestId.SyncCode), `${CODE}{Enter}`);
    expect(text(fieldErrorId('device'))).toBe('Indiquez le nom de cet ordinateur.');

    expect(document.activeElement, 'the missing name has the focus').toBe(screen.getByTestId(TestId.SyncDevice));
    await user.type(screen.getByTestId(TestId.SyncDevice), 'Portable 3');
    await user.click(screen.getByTestId(TestId.SyncEnroll));
    await screen.findByTestId(TestId.EventsScreen);
    expect(backend.lastArgs('syncEnroll')).toEqual([HUB, CODE, 'Portable 3']);
    expect(text(TestId.StatusDevice)).toBe('Poste : Portable 3');
    expect(text(TestId.StatusOnline)).toBe('En ligne');
  });

  it('goes back to the first-run form', async () => {
    const user = userEvent.setup();
    render(App, { props: { backend: new MockBackend(), storage: memoryStorage() } });
    await user.click(await screen.findByTestId(TestId.FirstRunJoin));
    await user.click(await screen.findByTestId(TestId.SyncBack));
    await screen.findByTestId(TestId.FirstRunForm);
  });
});

describe('an enrolled laptop', () => {
  it('shows the hub gone, what waits, and catches up with "sync now" when it is back', async () => {
    const { backend, user } = await openSync({ enrolled: true });
    expect(text(TestId.SyncState)).toBe('En ligne');
    backend.setHubOnline(false);
    await user.click(screen.getByTestId(TestId.NavDesk));
    await user.keyboard('DEMO-0000003{Enter}');
    await screen.findByTestId(TestId.DeskFeedback);
    await user.click(screen.getByTestId(TestId.NavSync));

    await user.click(await screen.findByTestId(TestId.SyncNow));
    await waitFor(() => expect(text(TestId.SyncState)).toBe('Hors ligne'));
    expect(screen.getByTestId(TestId.SyncError).textContent).toContain('Le serveur est injoignable. Rien n’est perdu');
    expect(screen.getByTestId(TestId.SyncError).dataset.code).toBe('sync.offline');
    expect(text(TestId.SyncUnsynced)).toBe('1');
    await waitFor(() => expect(text(TestId.StatusOnline)).toBe('Hors ligne'));
    expect(text(TestId.StatusUnsynced)).toBe('1 opération à synchroniser');
    expect(screen.getByTestId(TestId.StatusSyncWarning).getAttribute('aria-label')).toContain('injoignable');

    backend.setHubOnline(true);
    await user.click(screen.getByTestId(TestId.SyncNow));
    await screen.findByTestId(TestId.SyncDone);
    expect(text(TestId.SyncState)).toBe('En ligne');
    expect(text(TestId.SyncUnsynced)).toBe('0');
    expect(screen.queryByTestId(TestId.SyncError)).toBeNull();
    await waitFor(() => expect(text(TestId.StatusUnsynced)).toBe('Tout est synchronisé'));
    expect(screen.queryByTestId(TestId.StatusSyncWarning)).toBeNull();
  });

  it('translates the last error when the language changes', async () => {
    const { backend, user } = await openSync({ enrolled: true });
    backend.setHubOnline(false);
    await user.click(screen.getByTestId(TestId.SyncNow));
    await waitFor(() => expect(screen.getByTestId(TestId.SyncError).textContent).toContain('Le serveur est injoignable'));
    await user.click(screen.getByTestId(TestId.LanguageToggle));
    await waitFor(() => expect(screen.getByTestId(TestId.SyncError).textContent).toContain('The hub cannot be reached'));
    expect(screen.getByTestId(TestId.StatusSyncWarning).getAttribute('title')).toContain('The hub cannot be reached');
  });

  it('disables "sync now" while a sync runs', async () => {
    const { user } = await openSync({ enrolled: true, latencyMs: 30 });
    const button = await screen.findByTestId(TestId.SyncNow);
    await user.click(button);
    expect(button.hasAttribute('disabled')).toBe(true);
    expect(button.textContent).toContain('Synchronisation…');
    await waitFor(() => expect(button.hasAttribute('disabled')).toBe(false));
  });

  it('warns when this laptop’s clock is far off the hub’s, in either direction', async () => {
    await openSync({ enrolled: true, hub: { skewMs: -3 * 3_600_000 } });
    expect(text(TestId.SyncSkew)).toBe(
      '⚠ L’horloge de cet ordinateur a 3 h d’avance sur le serveur. Les heures d’arrivée enregistrées ici seront décalées : corrigez la date et l’heure de l’ordinateur.',
    );
    expect(screen.getByTestId(TestId.StatusSyncWarning).getAttribute('title')).toContain('3 h d’avance');
  });

  it('says a clock a quarter of an hour behind', async () => {
    await openSync({ enrolled: true, hub: { skewMs: 15 * 60_000 } });
    expect(text(TestId.SyncSkew)).toContain('a 15 min de retard sur le serveur');
  });

  it('does not warn about a clock a minute off', async () => {
    await openSync({ enrolled: true, hub: { skewMs: 60_000 } });
    expect(screen.queryByTestId(TestId.SyncSkew)).toBeNull();
    expect(screen.queryByTestId(TestId.StatusSyncWarning)).toBeNull();
  });

  it('refreshes the desk’s counters when a sync brings other laptops’ check-ins', async () => {
    const { backend, event } = await openApp({ enrolled: true });
    const before = Number(text(TestId.CounterArrived));
    const waiting = [...backend.visitors.values()].find((v) => v.first_name === 'Thanh')!;
    backend.otherLaptopCheckIn(event.id, waiting.id);
    expect(text(TestId.CounterArrived), 'nothing changes before the sync').toBe(String(before));
    backend.backgroundSync();
    await waitFor(() => expect(text(TestId.CounterArrived)).toBe(String(before + 1)));
  });

  it('opens the sync screen from the status bar', async () => {
    const { user } = await openApp({ enrolled: true });
    await waitFor(() => expect(text(TestId.StatusOnline)).toBe('En ligne'));
    await user.click(screen.getByTestId(TestId.StatusOnline));
    await screen.findByTestId(TestId.SyncScreen);
    expect(screen.getByTestId(TestId.NavSync).getAttribute('aria-current')).toBe('page');
  });

  it('is in English too', async () => {
    const opened = await openApp({ now: () => Date.now(), enrolled: true, hub: { skewMs: 2 * 3_600_000 }, status: { lang: 'en' } }, 'en');
    await opened.user.click(screen.getByTestId(TestId.NavSync));
    expect(text(TestId.SyncState)).toBe('Online');
    expect(text(TestId.SyncLast)).toBe('just now');
    expect(text(TestId.SyncSkew)).toContain('This laptop’s clock is 2 h behind the hub.');
    expect(text(TestId.SyncNow)).toBe('Sync now');
  });
});

describe('the sync screen without a chosen event', () => {
  it('is reachable from the side rail (Alt+7) like the events list', async () => {
    const user = userEvent.setup();
    const backend = MockBackend.seeded();
    render(App, { props: { backend, storage: memoryStorage() } });
    await screen.findByTestId(TestId.EventsScreen);
    expect(screen.getByTestId(TestId.NavSync).hasAttribute('disabled')).toBe(false);
    expect(screen.getByTestId(TestId.NavDesk).hasAttribute('disabled')).toBe(true);
    await user.keyboard('{Alt>}7{/Alt}');
    await screen.findByTestId(TestId.SyncScreen);
    expect(screen.getByTestId(TestId.PeerSection).textContent).toContain('Sur le stand (sans serveur)');
    expect(screen.getByTestId(TestId.PeerShare)).toBeTruthy();
  });
});

describe('at the stand, without a hub', () => {
  it('shares: shows the pairing code big, then who joined, until stopped', async () => {
    const { backend, user } = await openSync();
    await user.click(screen.getByTestId(TestId.PeerShare));
    expect(text(TestId.PeerCode)).toBe('3141-5926');
    expect(text(TestId.PeerAddresses)).toContain('192.168.1.20:41234');
    expect(text(TestId.PeerLog)).toBe('En attente d’un ordinateur…');

    backend.peerJoined('Portable B', 5, 40);
    await waitFor(() => expect(text(TestId.PeerLog)).toBe('Portable B a rejoint : 40 opérations envoyées, 5 reçues.'));

    // The code stays on screen while the person checks people in meanwhile.
    await user.click(screen.getByTestId(TestId.NavEvents));
    await user.click(screen.getByTestId(TestId.NavSync));
    expect(text(TestId.PeerCode)).toBe('3141-5926');

    await user.click(screen.getByTestId(TestId.PeerStop));
    await screen.findByTestId(TestId.PeerShare);
    expect(backend.sharing).toBeNull();
  });

  it('forgets the code when it expires', async () => {
    const { backend, user } = await openSync();
    await user.click(screen.getByTestId(TestId.PeerShare));
    await screen.findByTestId(TestId.PeerCode);
    backend.peerClosed();
    await screen.findByTestId(TestId.PeerShare);
    expect(screen.queryByTestId(TestId.PeerCode)).toBeNull();
  });

  it('joins with the code shown on the other laptop, and says what is wrong with it', async () => {
    const { backend, user } = await openSync();
    await user.click(screen.getByTestId(TestId.PeerJoin));
    expect(text(fieldErrorId('peer-code'))).toBe('Indiquez le code affiché sur l’ordinateur qui partage.');
    expect(backend.count('peerJoin')).toBe(0);

    await user.type(screen.getByTestId(TestId.PeerJoinCode), '4827{Enter}');
    await waitFor(() => expect(text(fieldErrorId('peer-code'))).toContain('tapez les 8 chiffres'));
    await user.clear(screen.getByTestId(TestId.PeerJoinCode));
    await user.type(screen.getByTestId(TestId.PeerJoinCode), '1111-2222{Enter}');
    await waitFor(() => expect(text(fieldErrorId('peer-code'))).toContain('Code de jumelage incorrect'));
    expect(screen.queryByTestId(TestId.PeerResult)).toBeNull();

    await user.clear(screen.getByTestId(TestId.PeerJoinCode));
    await user.type(screen.getByTestId(TestId.PeerJoinCode), '4827 1953{Enter}');
    await screen.findByTestId(TestId.PeerResult);
    expect(text(TestId.PeerResult)).toMatch(/^✓ Échange terminé avec Portable A : 12 opérations reçues, \d+ envoyées\.$/);
    expect(backend.lastArgs('peerJoin')).toEqual(['4827 1953', null, null]);
    expect(screen.queryByTestId(fieldErrorId('peer-code'))).toBeNull();
  });

  it('asks for the address when the other laptop cannot be found', async () => {
    const { backend, user } = await openSync({ peer: { found: false } });
    await user.type(screen.getByTestId(TestId.PeerJoinCode), '4827-1953{Enter}');
    await waitFor(() => expect(text(fieldErrorId('peer-address'))).toContain('Aucun ordinateur ne partage'));
    expect(document.activeElement).toBe(screen.getByTestId(TestId.PeerJoinAddress));
    await user.type(screen.getByTestId(TestId.PeerJoinAddress), '192.168.1.20:41234{Enter}');
    await screen.findByTestId(TestId.PeerResult);
    expect(backend.lastArgs('peerJoin')).toEqual(['4827-1953', '192.168.1.20:41234', null]);
  });

  it('refreshes the desk after an exchange brought check-ins', async () => {
    const { backend, event } = await openApp();
    const before = Number(text(TestId.CounterArrived));
    const waiting = [...backend.visitors.values()].find((v) => v.first_name === 'Thanh')!;
    backend.otherLaptopCheckIn(event.id, waiting.id);
    backend.peerJoined('Portable B', 1, 0);
    await waitFor(() => expect(text(TestId.CounterArrived)).toBe(String(before + 1)));
  });

  it('lets a laptop never set up join a sharing one from the first-run screen', async () => {
    const backend = new MockBackend({ now: () => Date.now() });
    const user = userEvent.setup();
    render(App, { props: { backend, storage: memoryStorage() } });
    await user.click(await screen.findByTestId(TestId.FirstRunJoin));
    await screen.findByTestId(TestId.PeerJoinCode);
    expect(screen.queryByTestId(TestId.PeerShare), 'nothing to share yet').toBeNull();
    await user.type(screen.getByTestId(TestId.PeerJoinCode), '4827-1953{Enter}');
    expect(text(fieldErrorId('device'))).toBe('Indiquez le nom de cet ordinateur.');
    await user.type(screen.getByTestId(TestId.SyncDevice), 'Portable B');
    await user.click(screen.getByTestId(TestId.PeerJoin));
    await screen.findByTestId(TestId.EventsScreen);
    expect(backend.lastArgs('peerJoin')).toEqual(['4827-1953', null, 'Portable B']);
    expect(text(TestId.StatusDevice)).toBe('Poste : Portable B');
  });
});
