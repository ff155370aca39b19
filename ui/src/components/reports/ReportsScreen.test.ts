import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { TestId } from '../../lib/testIds';
import { openApp, resultNames, text } from '../../test/helpers';

/** The value shown on a key figure's card. */
function figure(key: string): string {
  const card = screen.getAllByTestId(TestId.ReportsFigure).find((c) => c.dataset.key === key);
  if (!card) throw new Error(`no ${key} figure`);
  return card.querySelector('.value')?.textContent?.trim() ?? '';
}

describe('the mediation log at the desk', () => {
  it('records the help given to the person just checked in in three keystrokes: F6, a theme key, Enter', async () => {
    const { backend, people, user } = await openApp();
    await fireEvent.input(screen.getByTestId(TestId.DeskSearch), { target: { value: 'kowalski' } });
    await waitFor(() => expect(resultNames()).toEqual(['Łukasz Kowalski']));
    await user.keyboard('{Enter}');
    await waitFor(() => expect(text(TestId.DeskFeedbackTitle)).toBe('Bienvenue, Łukasz Kowalski'));
    expect(screen.getByTestId(TestId.DeskHelp).textContent).toContain('Noter l’aide apportée');

    await user.keyboard('{F6}');
    const dialog = await screen.findByTestId(TestId.MediationDialog);
    expect(text(TestId.MediationWho)).toBe('À Łukasz Kowalski');
    await user.keyboard('1');
    expect(within(dialog).getByRole('button', { name: /Insertion professionnelle/, pressed: true })).toBeTruthy();
    await user.keyboard('{Enter}');

    await waitFor(() => expect(text(TestId.DeskHelpSaved)).toBe('✓ Aide à Łukasz Kowalski enregistrée.'));
    expect(screen.queryByTestId(TestId.MediationDialog)).toBeNull();
    const sent = backend.lastArgs('addMediation')?.[0] as { visitor_id: string; themes: string[]; minutes: number };
    expect(sent.visitor_id).toBe(people.lukasz.id);
    expect(sent.themes).toEqual(['job_integration']);
    expect(sent.minutes, 'half an hour unless said otherwise').toBe(30);
    const listed = await backend.listMediations({ visitor_id: people.lukasz.id, event_id: null, from: null, to: null, limit: null });
    expect(listed.map((m) => m.themes)).toEqual([['job_integration']]);
  });

  it('records help for someone who did not register, and refuses an entry without a theme', async () => {
    const { backend, user } = await openApp();
    await user.click(screen.getByTestId(TestId.DeskHelpButton));
    await screen.findByTestId(TestId.MediationDialog);
    expect(text(TestId.MediationWho)).toBe('À une personne non inscrite (anonyme)');
    expect(screen.queryByTestId(TestId.MediationNote), 'no note about nobody').toBeNull();
    await user.click(screen.getByTestId(TestId.MediationSave));
    expect(text(TestId.MediationError)).toBe('Choisissez au moins un thème.');
    expect(backend.count('addMediation')).toBe(0);
    await user.click(screen.getByTestId(TestId.MediationMoreThemes));
    await user.click(within(screen.getByTestId(TestId.MediationThemes)).getByRole('button', { name: 'Santé' }));
    await user.click(within(screen.getByTestId(TestId.MediationDuration)).getByRole('button', { name: '1 h' }));
    await user.click(within(screen.getByTestId(TestId.MediationAutonomy)).getByRole('button', { name: 'Autonome' }));
    await user.selectOptions(screen.getByTestId(TestId.MediationReferral), 'caf');
    await user.click(screen.getByTestId(TestId.MediationSave));
    await waitFor(() => expect(text(TestId.DeskHelpSaved)).toBe('✓ Aide enregistrée.'));
    const sent = backend.lastArgs('addMediation')?.[0] as Record<string, unknown>;
    expect(sent).toMatchObject({ visitor_id: null, themes: ['health'], minutes: 60, autonomy: 'autonomous', referral: 'caf', note: null });
  });
});

describe('reports', () => {
  it('adds the public computers’ and the waiting list’s figures once they were used', async () => {
    const { backend, people, user } = await openApp();
    await backend.addStation({ name: 'Poste 1', place: null, offers: [] });
    await backend.assignStation({ visitor_id: people.lukasz.id, station: null, purpose: 'cv_letter', minutes: 30, event_id: null });
    await backend.joinQueue({ visitor_id: people.thanh.id, purpose: null, event_id: null });
    await backend.recordPrint(people.lukasz.id, 3);
    await user.click(screen.getByTestId(TestId.NavReports));
    await screen.findByTestId(TestId.ReportsFigures);
    await waitFor(() => expect(figure('station_sessions')).toBe('1'));
    expect(figure('station_minutes'), 'a running session counts its time allowed').toBe('30 min');
    expect(figure('queue_tickets')).toBe('1');
    expect(figure('pages_printed')).toBe('3');
    expect(screen.getAllByTestId(TestId.ReportsFigure).some((f) => f.dataset.key === 'wait_median_minutes'), 'nobody called yet: no wait to tell').toBe(false);
    const purposes = screen.getAllByTestId(TestId.ReportsTable).find((t) => t.dataset.key === 'station_purposes')!;
    expect(purposes.textContent).toContain('CV, lettre de motivation');
  });

  it('shows this month’s figures with the help recorded, and saves the partner PDF with small counts hidden', async () => {
    const { backend, dir, people, user } = await openApp();
    const ev = (await backend.listEvents())[0]!;
    for (const p of [people.lukasz, people.thanh, null]) {
      await backend.addMediation({
        visitor_id: p?.id ?? null,
        event_id: ev.id,
        session_id: null,
        at: null,
        minutes: 45,
        themes: ['job_integration', 'email'],
        tags: [],
        autonomy: 'partly',
        referral: null,
        equipment: [],
        place_kind: null,
        commune_code: null,
        note: null,
      });
    }
    await user.click(screen.getByTestId(TestId.NavReports));
    await screen.findByTestId(TestId.ReportsFigures);
    // The seeded story: Chloé Martin arrived (December 2026, the test clock's month).
    await waitFor(() => expect(figure('visitors')).toBe('1'));
    expect(figure('help_entries')).toBe('3');
    expect(figure('people_helped')).toBe('2');
    expect(figure('help_minutes')).toBe('2 h 15');
    expect(screen.getAllByTestId(TestId.ReportsFigure).some((f) => f.dataset.key === 'station_sessions'), 'no computers used: no computer figures').toBe(false);
    const themes = screen.getAllByTestId(TestId.ReportsTable).find((t) => t.dataset.key === 'themes')!;
    expect(themes.textContent).toContain('Insertion professionnelle');
    expect(themes.querySelector('svg'), 'drawn as a chart').toBeTruthy();

    await user.click(screen.getByTestId(TestId.ReportsPick));
    const chosen = join(dir, 'bilan-2026-12-01-2026-12-31.pdf');
    await waitFor(() => expect((screen.getByTestId(TestId.ReportsPath) as HTMLInputElement).value).toBe(chosen));
    await user.click(screen.getByTestId(TestId.ReportsSave));
    await waitFor(() => expect(text(TestId.ReportsSaved)).toMatch(/^✓ Bilan enregistré dans .*bilan-2026-12-01-2026-12-31\.pdf \(\d+ cases masquées\)\.$/));
    expect(existsSync(chosen)).toBe(true);
    expect(readFileSync(chosen).subarray(0, 5).toString()).toBe('%PDF-');
    expect(backend.lastArgs('saveReport')?.[1]).toBe('pdf');
  });

  it('covers one event, and writes la Coop’s activity file (not suppressed) in English', async () => {
    const { backend, dir, event, people, user } = await openApp({}, 'en');
    await backend.addMediation({
      visitor_id: people.aicha.id,
      event_id: event.id,
      session_id: null,
      at: null,
      minutes: 20,
      themes: ['procedures'],
      tags: [],
      autonomy: null,
      referral: 'france_travail',
      equipment: ['phone'],
      place_kind: null,
      commune_code: null,
      note: null,
    });
    await user.click(screen.getByTestId(TestId.NavReports));
    await screen.findByTestId(TestId.ReportsFigures);
    await user.click(within(screen.getByTestId(TestId.ReportsKind)).getByRole('tab', { name: 'Event' }));
    await waitFor(() => expect(text(TestId.ReportsScope)).toBe(event.title));
    expect(figure('help_entries')).toBe('1');
    await user.click(screen.getAllByTestId(TestId.ReportsFormat)[3]!);
    const path = join(dir, 'coop.csv');
    await user.type(screen.getByTestId(TestId.ReportsPath), path);
    await user.click(screen.getByTestId(TestId.ReportsSave));
    await waitFor(() => expect(text(TestId.ReportsSaved)).toBe(`✓ 1 activities saved as ${path}.`));
    const coop = readFileSync(path, 'utf8');
    expect(coop).toContain('Help with online procedures');
    expect(coop).not.toContain('Benali');
  });
});
