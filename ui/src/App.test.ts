import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import App from './App.svelte';
import { MockBackend } from './lib/backend/mock';
import { TestId } from './lib/testIds';

describe('App', () => {
  it('shows the version and data directory reported by the backend', async () => {
    const backend = new MockBackend({
      appInfo: { version: '1.2.3', data_dir: '/data/escale', org_name: 'Asso', device_name: 'Portable 1', ops: 42 },
    });
    render(App, { props: { backend } });

    await waitFor(() => expect(screen.getByTestId(TestId.AppVersion).textContent).toBe('1.2.3'));
    expect(screen.getByTestId(TestId.AppDataDir).textContent).toBe('/data/escale');
    expect(screen.getByTestId(TestId.AppStore).textContent?.trim()).toBe(
      'Asso · Portable 1 — 42 opérations enregistrées',
    );
    expect(backend.calls, 'app_info is read once at start-up').toEqual(['appInfo']);
  });

  it('starts in French and switches to English with the toggle', async () => {
    render(App, { props: { backend: new MockBackend() } });
    const subtitle = screen.getByTestId(TestId.AppSubtitle);
    expect(subtitle.textContent).toBe('Accueil du point numérique itinérant');
    expect(document.documentElement.lang).toBe('fr');

    await userEvent.click(screen.getByTestId(TestId.LanguageToggle));

    expect(subtitle.textContent, 'the same element is re-rendered in English').toBe(
      'Itinerant digital-centre front desk',
    );
    expect(document.documentElement.lang).toBe('en');
    expect(screen.getByTestId(TestId.LanguageToggle).textContent?.trim()).toBe('Français');
  });

  it('says what went wrong when the backend fails', async () => {
    render(App, { props: { backend: new MockBackend({ failWith: new Error('disk unplugged') }) } });
    const error = await screen.findByTestId(TestId.AppInfoError);
    expect(error.textContent).toContain('disk unplugged');
  });
});
