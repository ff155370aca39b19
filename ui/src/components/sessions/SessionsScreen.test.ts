import { screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { TestId } from '../../lib/testIds';
import { openApp, registerWalkIn, text } from '../../test/helpers';
import { rawBackend } from '../../test/testBackend';

async function openSessions() {
  const opened = await openApp();
  const sessions = await opened.backend.listSessions(opened.event.id);
  await opened.user.click(screen.getByTestId(TestId.NavSessions));
  await screen.findByTestId(TestId.SessionPicker);
  await screen.findByTestId(TestId.DeskSearch);
  return { ...opened, sessions };
}

describe('session check-in and check-out', () => {
  it('checks people into the chosen session and shows inside / capacity', async () => {
    const { backend, user, sessions } = await openSessions();
    expect(text(TestId.DeskEventTitle)).toBe('Atelier CV et lettre de motivation');
    await waitFor(() => expect(text(TestId.SessionInside)).toBe('0 / 20'));
    await user.keyboard('DEMO-0000001{Enter}');
    await waitFor(() => expect(text(TestId.DeskFeedbackTitle)).toBe("Bienvenue, Éloïse N'Diaye-Lefèvre"));
    expect(backend.lastArgs('checkIn')?.[2], 'into the session').toBe(sessions[0]!.id);
    await waitFor(() => expect(text(TestId.SessionInside)).toBe('1 / 20'));
  });

  it('checks people out in check-out mode', async () => {
    const { backend, user } = await openSessions();
    await user.keyboard('DEMO-0000002{Enter}');
    await waitFor(() => expect(text(TestId.SessionInside)).toBe('1 / 20'));
    await user.click(screen.getByTestId(TestId.SessionModeOut));
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId(TestId.DeskSearch)));
    expect(screen.queryByTestId(TestId.DeskWalkIn), 'no walk-in registration when people leave').toBeNull();
    await user.keyboard('DEMO-0000002{Enter}');
    await waitFor(() => expect(text(TestId.DeskFeedbackTitle)).toBe('Au revoir, Łukasz Kowalski'));
    expect(backend.count('checkOut')).toBe(1);
    await waitFor(() => expect(text(TestId.SessionInside)).toBe('0 / 20'));
  });

  it('warns when the session is full', async () => {
    const { bridge, people, user, sessions, event } = await openSessions();
    const small = sessions[2]!; // capacity 15
    // Another desk at the session's door fills it.
    const app = rawBackend(bridge);
    for (const v of Object.values(people)) await app.checkIn(event.id, { visitorId: v.id }, small.id, 'search');
    for (let i = 0; i < 7; i++) {
      const v = await registerWalkIn(app, event.id, { first_name: `Extra${i}`, last_name: 'Test' });
      await app.checkIn(event.id, { visitorId: v.id }, small.id, 'search');
    }
    await user.selectOptions(screen.getByTestId(TestId.SessionPicker), small.id);
    await waitFor(() => expect(text(TestId.SessionInside)).toBe('15 / 15'));
    expect(text(TestId.SessionFull)).toContain('Séance complète (15 / 15)');
  });
});
