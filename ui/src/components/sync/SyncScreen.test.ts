import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, inject, it } from 'vitest';
import App from '../../App.svelte';
import type { PeerJoinView, PeerShareView } from '../../lib/backend/types';
import { fieldErrorId, TestId } from '../../lib/testIds';
import { loopback, memoryStorage, openApp, otherLaptop, registerWalkIn, seededLaptop, signIn, standPeer, startApp, text, type OpenOptions } from '../../test/helpers';
import { COORDINATOR } from '../../test/seed';
import { Hub, listeningPort, startLaptop } from '../../test/processes';
import { rawBackend } from '../../test/testBackend';

const HOUR = 3_600_000;

/** A test that finds a stand peer by mDNS on `lo` (see test/globalSetup.ts). */
const itByMdns = it.runIf(inject('loopbackMulticast'));

/** The desk's "arrived" counter, once it shows a number. */
async function arrived(): Promise<number> {
  await waitFor(() => expect(text(TestId.CounterArrived)).toMatch(/^\d+$/));
  return Number(text(TestId.CounterArrived));
}

/** The app at the desk (on the real time: the hub's clock is), then the sync screen through the side rail. */
async function openSync(options: OpenOptions = {}) {
  const opened = await openApp({ shiftClockBy: 0, ...options });
  await opened.user.click(screen.getByTestId(TestId.NavSync));
  await screen.findByTestId(TestId.SyncScreen);
  await opened.backend.idle();
  return opened;
}

/** The QR code of an enrolment code, as `escale hub enroll` prints it and a scanner types it. */
const qr = (hub: Hub, code: string) => `escale://enroll?hub=${encodeURIComponent(hub.url)}&code=${code}`;

describe('enrolment', () => {
  it('says what is missing or wrong under each field, and sends nothing until it is right', async () => {
    const hub = await Hub.start();
    const { backend, user } = await openSync();
    await user.click(screen.getByTestId(TestId.SyncEnroll));
    // The UI asks the app whether a box holds a scanned QR code first.
    await waitFor(() => expect(text(fieldErrorId('url'))).toBe('Indiquez l’adresse du serveur.'));
    expect(text(fieldErrorId('code'))).toBe('Indiquez le code d’inscription.');
    expect(document.activeElement).toBe(screen.getByTestId(TestId.SyncUrl));
    expect(screen.queryByTestId(TestId.SyncDevice), 'this laptop is set up: its own name is used').toBeNull();

    await user.type(screen.getByTestId(TestId.SyncUrl), 'hub.example.org');
    await user.type(screen.getByTestId(TestId.SyncCode), 'WXYZ-0000-0000-0000{Enter}');
    await waitFor(() => expect(text(fieldErrorId('url'))).toBe('L’adresse doit commencer par https:// (ou http:// sur le réseau local).'));
    expect(backend.count('syncEnroll')).toBe(0);

    await user.clear(screen.getByTestId(TestId.SyncUrl));
    await user.type(screen.getByTestId(TestId.SyncUrl), `${hub.url}{Enter}`);
    await waitFor(() => expect(text(fieldErrorId('code'))).toBe("Code d'inscription inconnu : vérifiez-le ou demandez-en un nouveau."));
    expect(screen.queryByTestId(fieldErrorId('url')), 'the hub answered: the address is right').toBeNull();
    expect(backend.lastArgs('syncEnroll')).toEqual([hub.url, 'WXYZ-0000-0000-0000', null]);
    expect(screen.getByTestId(TestId.SyncCode).getAttribute('aria-invalid')).toBe('true');
  });

  it('reports an unreachable hub in plain words', async () => {
    const hub = await Hub.start();
    const code = await hub.enrolmentCode();
    await hub.stop();
    const { user } = await openSync();
    await user.type(screen.getByTestId(TestId.SyncUrl), hub.url);
    await user.type(screen.getByTestId(TestId.SyncCode), `${code}{Enter}`);
    expect((await screen.findByTestId(TestId.SyncError)).textContent).toContain('Le serveur est injoignable');
    expect(screen.getByTestId(TestId.SyncEnroll).textContent).toContain('Inscrire cet ordinateur');
  });

  it('takes the QR code a scanner types into the code box, then shows the live state', async () => {
    const hub = await Hub.start();
    const code = await hub.enrolmentCode();
    const { backend, user } = await openSync();
    expect(text(TestId.StatusOnline)).toBe('Hors ligne');
    await user.type(screen.getByTestId(TestId.SyncCode), `${qr(hub, code)}{Enter}`);

    await screen.findByTestId(TestId.SyncEnrolled);
    expect(backend.lastArgs('syncEnroll')).toEqual([hub.url, code, null]);
    // The first sync runs in the background, right after enrolment.
    await waitFor(() => expect(text(TestId.SyncState)).toBe('En ligne'));
    expect(text(TestId.SyncLast)).toBe('à l’instant');
    await waitFor(() => expect(text(TestId.SyncUnsynced), 'the first sync sent everything').toBe('0'));
    expect(text(TestId.SyncHub)).toBe(hub.url);
    expect(text(TestId.SyncOrg)).toBe('Passerelle Numérique');
    expect(screen.queryByTestId(TestId.SyncError)).toBeNull();
    await waitFor(() => expect(text(TestId.StatusOnline)).toBe('En ligne'));
    expect(text(TestId.StatusUnsynced)).toBe('Tout est synchronisé');
    expect(text(TestId.StatusLastSync)).toBe('Synchronisé à l’instant');
  });

  it('lets a laptop never set up join its organisation from the first-run screen', async () => {
    const hub = await Hub.start();
    const code = await hub.enrolmentCode();
    const { backend } = await startApp({ shiftClockBy: 0 });
    const user = userEvent.setup();
    render(App, { props: { backend, storage: memoryStorage() } });
    await user.click(await screen.findByTestId(TestId.FirstRunJoin));
    await screen.findByTestId(TestId.SyncScreen);
    await backend.idle();
    await user.type(screen.getByTestId(TestId.SyncUrl), hub.url);
    await user.type(screen.getByTestId(TestId.SyncCode), `${code}{Enter}`);
    await waitFor(() => expect(text(fieldErrorId('device'))).toBe('Indiquez le nom de cet ordinateur.'));

    expect(document.activeElement, 'the missing name has the focus').toBe(screen.getByTestId(TestId.SyncDevice));
    await user.type(screen.getByTestId(TestId.SyncDevice), 'Portable 3');
    await user.click(screen.getByTestId(TestId.SyncEnroll));
    // The organisation has no staff account yet: this laptop asks for the coordinator's.
    await screen.findByTestId(TestId.FirstAccountForm);
    await user.type(screen.getByTestId(TestId.FirstAccountName), 'Mireille');
    await user.type(screen.getByTestId(TestId.FirstAccountPin), '1357');
    await user.type(screen.getByTestId(TestId.FirstAccountPin2), '1357{Enter}');
    await screen.findByTestId(TestId.EventsScreen);
    expect(backend.lastArgs('syncEnroll')).toEqual([hub.url, code, 'Portable 3']);
    expect(text(TestId.StatusDevice)).toBe('Poste : Portable 3');
    await waitFor(() => expect(text(TestId.StatusOnline)).toBe('En ligne'));
  });

  it('goes back to the first-run form', async () => {
    const { backend } = await startApp();
    const user = userEvent.setup();
    render(App, { props: { backend, storage: memoryStorage() } });
    await user.click(await screen.findByTestId(TestId.FirstRunJoin));
    await user.click(await screen.findByTestId(TestId.SyncBack));
    await screen.findByTestId(TestId.FirstRunForm);
  });
});

describe('an enrolled laptop', () => {
  it('shows the hub gone, what waits, and catches up with "sync now" when it is back', async () => {
    const { hub, user } = await openSync({ enrolled: true });
    expect(text(TestId.SyncState)).toBe('En ligne');
    await hub!.stop();
    await user.click(screen.getByTestId(TestId.NavDesk));
    await user.keyboard('DEMO-0000003{Enter}');
    await screen.findByTestId(TestId.DeskFeedback);
    await user.click(screen.getByTestId(TestId.NavSync));

    await user.click(await screen.findByTestId(TestId.SyncNow));
    await waitFor(() => expect(text(TestId.SyncState)).toBe('Hors ligne'));
    expect(screen.getByTestId(TestId.SyncError).textContent).toContain("Le serveur est injoignable. Rien n'est perdu");
    expect(screen.getByTestId(TestId.SyncError).dataset.code).toBe('sync.offline');
    expect(text(TestId.SyncUnsynced)).toBe('1');
    await waitFor(() => expect(text(TestId.StatusOnline)).toBe('Hors ligne'));
    expect(text(TestId.StatusUnsynced)).toBe('1 opération à synchroniser');
    expect(screen.getByTestId(TestId.StatusSyncWarning).getAttribute('aria-label')).toContain('injoignable');

    await hub!.serve();
    await user.click(screen.getByTestId(TestId.SyncNow));
    await screen.findByTestId(TestId.SyncDone);
    expect(text(TestId.SyncState)).toBe('En ligne');
    expect(text(TestId.SyncUnsynced)).toBe('0');
    expect(screen.queryByTestId(TestId.SyncError)).toBeNull();
    await waitFor(() => expect(text(TestId.StatusUnsynced)).toBe('Tout est synchronisé'));
    expect(screen.queryByTestId(TestId.StatusSyncWarning)).toBeNull();
  });

  it('translates the last error when the language changes', async () => {
    const { hub, user } = await openSync({ enrolled: true });
    await hub!.stop();
    await user.click(screen.getByTestId(TestId.SyncNow));
    await waitFor(() => expect(screen.getByTestId(TestId.SyncError).textContent).toContain('Le serveur est injoignable'));
    await user.click(screen.getByTestId(TestId.LanguageToggle));
    await waitFor(() => expect(screen.getByTestId(TestId.SyncError).textContent).toContain('The hub cannot be reached'));
    await waitFor(() => expect(screen.getByTestId(TestId.StatusSyncWarning).getAttribute('title')).toContain('The hub cannot be reached'));
  });

  it('disables "sync now" while a sync runs', async () => {
    const { user } = await openSync({ enrolled: true, latencyMs: 30 });
    const button = await screen.findByTestId(TestId.SyncNow);
    await user.click(button);
    expect(button.hasAttribute('disabled')).toBe(true);
    expect(button.textContent).toContain('Synchronisation…');
    await waitFor(() => expect(button.hasAttribute('disabled')).toBe(false));
  });

  // The hub runs on the real time; this laptop's clock is set off it.
  it('warns when this laptop’s clock is far off the hub’s, in either direction', async () => {
    await openSync({ enrolled: true, shiftClockBy: 3 * HOUR });
    await waitFor(() =>
      expect(text(TestId.SyncSkew)).toBe(
        '⚠ L’horloge de cet ordinateur a 3 h d’avance sur le serveur. Les heures d’arrivée enregistrées ici seront décalées : corrigez la date et l’heure de l’ordinateur.',
      ),
    );
    expect(screen.getByTestId(TestId.StatusSyncWarning).getAttribute('title')).toContain('3 h d’avance');
  });

  it('says a clock a quarter of an hour behind', async () => {
    await openSync({ enrolled: true, shiftClockBy: -15 * 60_000 });
    await waitFor(() => expect(text(TestId.SyncSkew)).toContain('a 15 min de retard sur le serveur'));
  });

  it('does not warn about a clock a minute off', async () => {
    await openSync({ enrolled: true, shiftClockBy: -60_000 });
    await waitFor(() => expect(text(TestId.SyncState), 'the state is shown').toBe('En ligne'));
    expect(screen.queryByTestId(TestId.SyncSkew)).toBeNull();
    expect(screen.queryByTestId(TestId.StatusSyncWarning)).toBeNull();
  });

  it('refreshes the desk’s counters when a sync brings other laptops’ check-ins', async () => {
    const { bridge, event, hub, people } = await openApp({ enrolled: true });
    const before = await arrived();
    const other = await otherLaptop(hub!);
    await other.app.checkIn(event.id, { visitorId: people.thanh.id }, null, 'search');
    await other.app.syncNow();
    expect(text(TestId.CounterArrived), 'nothing changes before the sync').toBe(String(before));
    // What the background task does (every 30 s, or at once when asked).
    await rawBackend(bridge).syncNow();
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
    const opened = await openApp({ enrolled: true, shiftClockBy: -2 * HOUR }, 'en');
    await opened.user.click(screen.getByTestId(TestId.NavSync));
    await waitFor(() => expect(text(TestId.SyncState)).toBe('Online'));
    expect(text(TestId.SyncLast)).toBe('just now');
    await waitFor(() => expect(text(TestId.SyncSkew)).toContain('This laptop’s clock is 2 h behind the hub.'));
    expect(text(TestId.SyncNow)).toBe('Sync now');
  });
});

describe('the sync screen without a chosen event', () => {
  it('is reachable from the side rail (Alt+8) like the events list', async () => {
    const user = userEvent.setup();
    const { backend } = await startApp({}, 'now');
    render(App, { props: { backend, storage: memoryStorage() } });
    await screen.findByTestId(TestId.EventsScreen);
    expect(screen.getByTestId(TestId.NavSync).hasAttribute('disabled')).toBe(false);
    expect(screen.getByTestId(TestId.NavDesk).hasAttribute('disabled')).toBe(true);
    await user.keyboard('{Alt>}8{/Alt}');
    await screen.findByTestId(TestId.SyncScreen);
    expect(screen.getByTestId(TestId.PeerSection).textContent).toContain('Jumeler avec un code');
    expect(screen.getByTestId(TestId.PeerShare)).toBeTruthy();
  });
});

// Real laptops on loopback: sharing advertises by mDNS on `lo`, and a join
// without an address looks for sharers there for three seconds.
describe('at the stand, without a hub', () => {
  it('shares: shows the pairing code big, then who joined, until stopped', async () => {
    const { backend, user } = await openSync();
    await user.click(screen.getByTestId(TestId.PeerShare));
    await screen.findByTestId(TestId.PeerCode);
    const share = backend.lastResult<PeerShareView>('peerShareStart')!;
    expect(text(TestId.PeerCode)).toMatch(/^\d{4}-\d{4}$/);
    expect(text(TestId.PeerCode)).toBe(share.code);
    expect(text(TestId.PeerAddresses)).toContain(loopback(share));
    expect(text(TestId.PeerLog)).toBe('En attente d’un ordinateur…');

    // A laptop never set up joins with the code shown, at the address shown.
    const b = rawBackend(await startLaptop({ shiftClockBy: 0 }));
    const joined = await b.peerJoin(share.code, loopback(share), 'Portable B');
    // It has the organisation's staff accounts now, and opens locked.
    await signIn(b);
    await waitFor(() =>
      expect(text(TestId.PeerLog)).toBe(`Portable B (nouvel appareil) a rejoint (opérations envoyées : ${joined.pulled}, reçues : ${joined.pushed}).`),
    );

    // The code stays on screen while the person checks people in meanwhile.
    await user.click(screen.getByTestId(TestId.NavEvents));
    await user.click(screen.getByTestId(TestId.NavSync));
    expect(text(TestId.PeerCode)).toBe(share.code);

    await user.click(screen.getByTestId(TestId.PeerStop));
    await screen.findByTestId(TestId.PeerShare);
    await expect(b.peerJoin(share.code, loopback(share), null), 'nobody answers any more').rejects.toMatchObject({ code: 'peer.not_found' });
  });

  it('forgets the code when sharing ends by itself', async () => {
    const { backend, user } = await openSync();
    await user.click(screen.getByTestId(TestId.PeerShare));
    await screen.findByTestId(TestId.PeerCode);
    const share = backend.lastResult<PeerShareView>('peerShareStart')!;
    // Wrong codes burn it (the other way it ends by itself is ten minutes).
    const intruder = rawBackend(await startLaptop({ shiftClockBy: 0 }));
    const wrong = share.code === '1111-2222' ? '3333-4444' : '1111-2222';
    for (let i = 0; i < 3; i++) await intruder.peerJoin(wrong, loopback(share), 'Intrus').catch(() => {});
    await screen.findByTestId(TestId.PeerShare);
    expect(screen.queryByTestId(TestId.PeerCode)).toBeNull();
  });

  itByMdns('joins with the code shown on the other laptop, and says what is wrong with it', async () => {
    const { backend, bridge, event, user } = await openSync();
    // "Portable A" joined this laptop earlier, registered four walk-ins (twelve operations, and one
    // naming who uses it: the first change there of the staff member signed in), and shares now.
    const a = await standPeer(bridge, 'Portable A', {
      afterJoining: async (app) => {
        for (const first of ['Inès', 'Jade', 'Louise', 'Zoé']) await registerWalkIn(app, event.id, { first_name: first, last_name: 'Petit' });
      },
    });
    await user.click(screen.getByTestId(TestId.PeerJoin));
    expect(text(fieldErrorId('peer-code'))).toBe('Indiquez le code affiché sur l’ordinateur qui partage.');
    expect(backend.count('peerJoin')).toBe(0);

    await user.type(screen.getByTestId(TestId.PeerJoinCode), '4827{Enter}');
    await waitFor(() => expect(text(fieldErrorId('peer-code'))).toContain('tapez les 8 chiffres'));
    await user.clear(screen.getByTestId(TestId.PeerJoinCode));
    const wrong = a.share.code === '1111-2222' ? '3333-4444' : '1111-2222';
    await user.type(screen.getByTestId(TestId.PeerJoinCode), `${wrong}{Enter}`);
    await waitFor(() => expect(text(fieldErrorId('peer-code'))).toContain('Code de jumelage incorrect'), { timeout: 10_000 });
    expect(screen.queryByTestId(TestId.PeerResult)).toBeNull();

    const typed = a.share.code.replace('-', ' ');
    await user.clear(screen.getByTestId(TestId.PeerJoinCode));
    await user.type(screen.getByTestId(TestId.PeerJoinCode), `${typed}{Enter}`);
    await screen.findByTestId(TestId.PeerResult, {}, { timeout: 10_000 });
    expect(text(TestId.PeerResult)).toMatch(/^✓ Échange terminé avec Portable A : 13 opérations reçues, \d+ envoyées\.$/);
    expect(backend.lastArgs('peerJoin')).toEqual([typed, null, null]);
    expect(screen.queryByTestId(fieldErrorId('peer-code'))).toBeNull();
  });

  itByMdns('asks for the address when the other laptop cannot be found', async () => {
    const { backend, bridge, user } = await openSync();
    // Its network hides it: no mDNS (no such interface), only its address.
    const a = await standPeer(bridge, 'Portable A', { env: { ESCALE_MDNS_INTERFACE: 'escale-none' } });
    const address = `127.0.0.1:${listeningPort(a.bridge.pid)}`;
    await user.type(screen.getByTestId(TestId.PeerJoinCode), `${a.share.code}{Enter}`);
    await waitFor(() => expect(text(fieldErrorId('peer-address'))).toContain('Aucun ordinateur ne partage'), { timeout: 10_000 });
    expect(document.activeElement).toBe(screen.getByTestId(TestId.PeerJoinAddress));
    await user.type(screen.getByTestId(TestId.PeerJoinAddress), `${address}{Enter}`);
    await screen.findByTestId(TestId.PeerResult, {}, { timeout: 10_000 });
    expect(backend.lastArgs('peerJoin')).toEqual([a.share.code, address, null]);
  });

  it('refreshes the desk after an exchange brought check-ins', async () => {
    const { bridge, event, people } = await openApp();
    const before = await arrived();
    // "Portable B" joined this laptop, checked Thanh in, and joins again to hand it over.
    const b = await standPeer(bridge, 'Portable B', {
      afterJoining: (app) => app.checkIn(event.id, { visitorId: people.thanh.id }, null, 'search').then(() => {}),
    });
    const here = rawBackend(bridge);
    const open = await here.peerShareStart();
    const exchange: PeerJoinView = await b.app.peerJoin(open.code, loopback(open), null);
    expect(exchange.pushed, 'the check-in, and who checked in on B (the first change there of the staff member signed in)').toBe(2);
    await waitFor(() => expect(text(TestId.CounterArrived)).toBe(String(before + 1)));
  });

  itByMdns('syncs with the stand’s other laptops by itself, says so in the status bar, and can be turned off', async () => {
    const live = { ESCALE_STAND: 'on' };
    const { bridge, event, people, user } = await openApp({ shiftClockBy: 0, env: live });
    const before = await arrived();
    // "Portable B" paired with this laptop once; from then on they find each other on the network.
    const b = await standPeer(bridge, 'Portable B', { env: live });
    await b.app.peerShareStop();
    await waitFor(() => expect(text(TestId.StatusStand)).toBe('Sur le stand : 1 autre ordinateur'), { timeout: 20_000 });

    // A check-in on B shows on this desk without anyone pressing a button.
    await b.app.checkIn(event.id, { visitorId: people.thanh.id }, null, 'search');
    await waitFor(() => expect(text(TestId.CounterArrived)).toBe(String(before + 1)), { timeout: 10_000 });

    await user.click(screen.getByTestId(TestId.NavSync));
    await screen.findByTestId(TestId.StandSection);
    expect(text(TestId.StandSummary)).toBe('1 autre ordinateur sur le stand.');
    expect(text(TestId.StandPeers)).toMatch(/^Portable B connecté \d+ reçues · \d+ envoyées$/);
    expect((screen.getByTestId(TestId.StandEnabled) as HTMLInputElement).checked).toBe(true);

    // Turned off: no more exchanges, nothing in the status bar.
    await user.click(screen.getByTestId(TestId.StandEnabled));
    await waitFor(() => expect(text(TestId.StandSummary)).toContain('Désactivé'));
    await waitFor(() => expect(screen.queryByTestId(TestId.StatusStand)).toBeNull());
    await b.app.checkIn(event.id, { visitorId: people.omer.id }, null, 'search');
    await new Promise((r) => setTimeout(r, 4_000));
    await user.click(screen.getByTestId(TestId.NavDesk));
    expect(await arrived(), 'B’s second check-in did not come').toBe(before + 1);
  });

  itByMdns('lets a laptop never set up join a sharing one from the first-run screen', async () => {
    const a = await seededLaptop('live');
    const share = await a.app.peerShareStart();
    const { backend } = await startApp({ shiftClockBy: 0 });
    const user = userEvent.setup();
    render(App, { props: { backend, storage: memoryStorage() } });
    await user.click(await screen.findByTestId(TestId.FirstRunJoin));
    await screen.findByTestId(TestId.PeerJoinCode);
    expect(screen.queryByTestId(TestId.PeerShare), 'nothing to share yet').toBeNull();
    await user.type(screen.getByTestId(TestId.PeerJoinCode), `${share.code}{Enter}`);
    expect(text(fieldErrorId('device'))).toBe('Indiquez le nom de cet ordinateur.');
    await user.type(screen.getByTestId(TestId.SyncDevice), 'Portable B');
    await user.click(screen.getByTestId(TestId.PeerJoin));
    // The organisation's staff accounts came with its data: it opens locked.
    await user.click(await screen.findByTestId(TestId.LockName, {}, { timeout: 10_000 }));
    await user.type(screen.getByTestId(TestId.LockPin), `${COORDINATOR.pin}{Enter}`);
    await screen.findByTestId(TestId.EventsScreen, {}, { timeout: 10_000 });
    expect(backend.lastArgs('peerJoin')).toEqual([share.code, null, 'Portable B']);
    expect(text(TestId.StatusDevice)).toBe('Poste : Portable B');
  });
});
