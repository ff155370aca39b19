import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import App from './App.svelte';
import { TestId } from './lib/testIds';
import { memoryStorage, openApp, startApp, text } from './test/helpers';
import { escale } from './test/processes';

describe('first run', () => {
  it('asks for the organisation and laptop names, and loads the demo event when asked', async () => {
    const { backend } = await startApp();
    const user = userEvent.setup();
    render(App, { props: { backend, storage: memoryStorage() } });
    await screen.findByTestId(TestId.FirstRunForm);
    expect(text(TestId.AppSubtitle)).toBe('Accueil du point numérique itinérant');

    await user.click(screen.getByTestId(TestId.FirstRunSubmit));
    expect(screen.getAllByText('Ce champ est obligatoire.'), 'both names are required').toHaveLength(2);
    expect(backend.count('firstRun'), 'nothing is saved while a name is missing').toBe(0);

    await user.type(screen.getByTestId(TestId.FirstRunOrg), 'Passerelle Numérique');
    await user.type(screen.getByTestId(TestId.FirstRunDevice), 'Portable 2');
    await user.click(screen.getByTestId(TestId.FirstRunDemo));
    await user.click(screen.getByTestId(TestId.FirstRunSubmit));

    // Then the coordinator's account, before anything else.
    await screen.findByTestId(TestId.FirstAccountForm);
    expect(screen.queryByTestId(TestId.DeskSearch), 'nothing of the desk before the first account').toBeNull();
    await user.type(screen.getByTestId(TestId.FirstAccountName), 'Mireille');
    await user.type(screen.getByTestId(TestId.FirstAccountPin), '1357');
    await user.type(screen.getByTestId(TestId.FirstAccountPin2), '1357{Enter}');

    await screen.findByTestId(TestId.DeskSearch);
    expect(backend.lastArgs('firstRun')).toEqual(['Passerelle Numérique', 'Portable 2', 'fr']);
    expect(backend.lastArgs('loadDemo')).toEqual([300]);
    expect(text(TestId.DeskEventTitle), 'the demo event opens at the desk').toBe('[DÉMO] Forum emploi & numérique');
    await waitFor(() => expect(text(TestId.StatusDevice)).toBe('Poste : Portable 2'));
  });

  it('can be done in English, and then opens on the events list without a demo', async () => {
    const { backend } = await startApp();
    const user = userEvent.setup();
    render(App, { props: { backend, storage: memoryStorage() } });
    await user.click(await screen.findByTestId(TestId.FirstRunLangEn));
    expect(screen.getByText('Welcome to Escale')).toBeTruthy();
    await user.type(screen.getByTestId(TestId.FirstRunOrg), 'Digital Bridge');
    await user.type(screen.getByTestId(TestId.FirstRunDevice), 'Laptop 1');
    await user.click(screen.getByTestId(TestId.FirstRunSubmit));

    await screen.findByText('Create the coordinator’s account');
    await user.type(screen.getByTestId(TestId.FirstAccountName), 'Mireille');
    await user.type(screen.getByTestId(TestId.FirstAccountPin), '1357');
    await user.type(screen.getByTestId(TestId.FirstAccountPin2), '1357{Enter}');

    await screen.findByTestId(TestId.EventsScreen);
    expect(backend.lastArgs('firstRun')?.[2]).toBe('en');
    expect(backend.count('loadDemo')).toBe(0);
    expect(document.documentElement.lang).toBe('en');
  });
});

describe('the shell', () => {
  it('shows the laptop, offline state, operations to sync and version in the status bar', async () => {
    const { backend } = await openApp();
    const { version } = await backend.status();
    await waitFor(() => expect(text(TestId.AppVersion), 'the version the app reports').toBe(version));
    expect(text(TestId.StatusDevice)).toBe('Poste : Portable 1');
    expect(text(TestId.StatusOnline)).toBe('Hors ligne');
    expect(text(TestId.StatusUnsynced)).toMatch(/^\d[\d\s]* opérations à synchroniser$/);
  });

  it('counts a check-in among the operations to sync at once', async () => {
    const { backend, user } = await openApp();
    await waitFor(() => expect(text(TestId.StatusUnsynced)).not.toBe(''));
    const before = (await backend.status()).unsynced_ops;
    await user.keyboard('DEMO-0000003{Enter}');
    await waitFor(() => expect(text(TestId.StatusUnsynced)).toBe(`${before + 1} opérations à synchroniser`));
  });

  it('switches to English, and Rust messages follow', async () => {
    const { backend, user } = await openApp();
    expect(text(TestId.AppSubtitle)).toBe('Accueil du point numérique itinérant');
    await user.click(screen.getByTestId(TestId.LanguageToggle));

    expect(text(TestId.AppSubtitle), 'the same element is re-rendered in English').toBe('Itinerant digital-centre front desk');
    expect(document.documentElement.lang).toBe('en');
    expect(text(TestId.LanguageToggle)).toBe('Français');
    expect(screen.getByTestId(TestId.DeskSearch).getAttribute('placeholder')).toBe('Three letters of the name, or scan…');
    await waitFor(() => expect(backend.lastArgs('setLanguage')).toEqual(['en']));

    await user.click(screen.getByTestId(TestId.DeskUndo));
    await waitFor(() => expect(text(TestId.DeskFeedbackDetail)).toBe('There is no check-in to undo.'));
  });

  it('navigates with Alt+digit shortcuts', async () => {
    const { user } = await openApp();
    await user.keyboard('{Alt>}3{/Alt}');
    await screen.findByTestId(TestId.RegsScreen);
    await user.keyboard('{Alt>}6{/Alt}');
    await screen.findByTestId(TestId.ReportsScreen);
    await user.keyboard('{Alt>}7{/Alt}');
    await screen.findByTestId(TestId.EventsScreen);
    await user.keyboard('{Alt>}1{/Alt}');
    await screen.findByTestId(TestId.DeskScreen);
  });

  it('says what went wrong when the backend cannot start', async () => {
    const { backend } = await startApp({ failWith: { code: 'store.disk_full', message: 'Le disque est plein.' } });
    render(App, { props: { backend, storage: memoryStorage() } });
    expect((await screen.findByTestId(TestId.AppLoadError)).textContent).toContain('Le disque est plein.');
  });

  it('shows the data directory and what the store holds on the events screen', async () => {
    const { bridge, user } = await openApp();
    await user.click(screen.getByTestId(TestId.NavEvents));
    await screen.findByTestId(TestId.EventsScreen);
    expect(text(TestId.AppDataDir)).toBe(bridge.dataDir);
    expect(text(TestId.AppStore)).toMatch(/^Passerelle Numérique · Portable 1 — \d+ opérations enregistrées$/);
  });

  it('follows writes made by the CLI on the same data directory in the status bar and the About panel', async () => {
    const { bridge, event, user } = await openApp({ enrolled: true });
    await user.click(screen.getByTestId(TestId.NavEvents));
    await screen.findByTestId(TestId.EventsScreen);
    const ops = Number(/— (\d+) opérations/.exec(text(TestId.AppStore))?.[1]);
    expect(text(TestId.StatusUnsynced)).toBe('Tout est synchronisé');

    // The CLI registers a walk-in: a visitor, a registration, a consent.
    await escale(['--data-dir', bridge.dataDir, 'visitor', 'add', '--event', event.id, '--first', 'Noé', '--last', 'Lambert']);
    await waitFor(() => expect(text(TestId.StatusUnsynced), 'the status bar reloads on data-changed').toBe('3 opérations à synchroniser'));
    expect(text(TestId.AppStore), 'so does the About panel').toContain(`— ${ops + 3} opérations`);
  });
});
