import { fireEvent, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import userEvent from '@testing-library/user-event';
import { TestId, visitorFieldId } from '../../lib/testIds';
import { openApp, resultNames, text } from '../../test/helpers';

const search = () => screen.getByTestId(TestId.DeskSearch) as HTMLInputElement;

/** Puts a whole query in the box at once, as a person's last keystroke would (not a scanner burst). */
async function typeQuery(q: string) {
  await fireEvent.input(search(), { target: { value: q } });
}

describe('the check-in desk', () => {
  it('filters results as you type, ignoring accents, case and apostrophes', async () => {
    await openApp();
    for (const q of ['eloise', 'ndiaye', 'LEFEVRE']) {
      await typeQuery(q);
      await waitFor(() => expect(resultNames(), `"${q}" finds her`).toContain("Éloïse N'Diaye-Lefèvre"));
    }
    await typeQuery('kowalsky');
    await waitFor(() => expect(resultNames(), 'one typo is tolerated').toEqual(['Łukasz Kowalski']));
  });

  it('tolerates a typo as the core’s search does: in the middle of a whole name, never against the start of a longer one', async () => {
    // The results are the core's (crates/escale-core/src/search.rs) through
    // the UI bridge: a rule written again in TypeScript would have drifted.
    await openApp();
    await typeQuery('lefevbre');
    await waitFor(() => expect(resultNames(), 'one letter too many inside "lefevre"').toEqual(["Éloïse N'Diaye-Lefèvre"]));
    await typeQuery('kowlaski');
    await waitFor(() => expect(resultNames(), 'two letters swapped inside "kowalski"').toEqual(['Łukasz Kowalski']));
    await typeQuery('lefev');
    await waitFor(() => expect(resultNames(), 'the start of a name is a prefix').toEqual(["Éloïse N'Diaye-Lefèvre"]));
    await typeQuery('lefebv');
    await waitFor(() => expect(screen.getByTestId(TestId.DeskNoResults), 'a typo in the start of "lefevre" is not a match').toBeTruthy());
    expect(resultNames()).toEqual([]);
  });

  it('checks in the person highlighted with ArrowDown + Enter and counts them', async () => {
    const { backend, people, user } = await openApp();
    await waitFor(() => expect(text(TestId.CounterArrived)).toBe('1'));
    await typeQuery('martin');
    await waitFor(() => expect(resultNames()).toEqual(['Chloé Martin', 'Hélène Martins']));

    await user.keyboard('{ArrowDown}{Enter}');

    await waitFor(() => expect(text(TestId.DeskFeedbackTitle)).toBe('Bienvenue, Hélène Martins'));
    expect(backend.lastArgs('checkIn')?.[1], 'the highlighted row, not the first one, was checked in').toEqual({ visitorId: people.helene.id });
    await waitFor(() => expect(text(TestId.CounterArrived), 'one more arrival').toBe('2'));
    expect(search().value, 'the box is cleared for the next person').toBe('');
  });

  it('says "already arrived at 10:30" on a second check-in and does not count it again', async () => {
    const { user } = await openApp();
    await waitFor(() => expect(text(TestId.CounterArrived)).toBe('1'));
    await typeQuery('chloe');
    await waitFor(() => expect(resultNames()).toEqual(['Chloé Martin']));
    await user.keyboard('{Enter}');

    await waitFor(() => expect(text(TestId.DeskFeedbackTitle)).toBe('Déjà arrivé·e à 10:30'));
    expect(screen.getByTestId(TestId.DeskFeedback).dataset.kind).toBe('already');
    expect(text(TestId.DeskFeedbackDetail)).toContain('Chloé Martin');
    // Give the counters time to refresh: they must not move.
    await new Promise((r) => setTimeout(r, 50));
    expect(text(TestId.CounterArrived), 'a second scan never counts twice').toBe('1');

    // And the same for someone checked in a moment ago at this desk.
    await typeQuery('eloise');
    await waitFor(() => expect(resultNames()).toContain("Éloïse N'Diaye-Lefèvre"));
    await user.keyboard('{Enter}');
    await waitFor(() => expect(text(TestId.DeskFeedbackTitle)).toBe("Bienvenue, Éloïse N'Diaye-Lefèvre"));
    await waitFor(() => expect(text(TestId.CounterArrived)).toBe('2'));
    await typeQuery('eloise');
    await waitFor(() => expect(resultNames()).toContain("Éloïse N'Diaye-Lefèvre"));
    await user.keyboard('{Enter}');
    await waitFor(() => expect(text(TestId.DeskFeedbackTitle)).toBe('Déjà arrivé·e à 11:30'));
    await new Promise((r) => setTimeout(r, 50));
    expect(text(TestId.CounterArrived)).toBe('2');
  });

  afterEach(() => vi.restoreAllMocks());

  it('checks in at once by code when a scanner types a ticket code and Enter', async () => {
    const { backend, user } = await openApp();
    // A scanner "types" a character every few milliseconds, whatever the machine's load.
    let t = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => (t += 4));
    await user.click(search());
    await user.keyboard('DEMO-0000001{Enter}');

    await waitFor(() => expect(text(TestId.DeskFeedbackTitle)).toBe("Bienvenue, Éloïse N'Diaye-Lefèvre"));
    expect(backend.lastArgs('checkIn')?.slice(1), 'checked in by the scanned code, as a scan').toEqual([{ code: 'DEMO-0000001' }, null, 'scan']);
    expect(backend.count('search'), 'a scan does not wait for a name search').toBe(0);
  });

  it('checks in by code even when typed slowly, once no name matches', async () => {
    const { backend, user } = await openApp();
    await typeQuery('DEMO-0000002');
    await user.keyboard('{Enter}');
    await waitFor(() => expect(text(TestId.DeskFeedbackTitle)).toBe('Bienvenue, Łukasz Kowalski'));
    expect(backend.lastArgs('checkIn')?.[1]).toEqual({ code: 'DEMO-0000002' });
  });

  it('offers to register an unknown person, and Enter opens the form pre-filled from what was typed', async () => {
    const { backend, user } = await openApp();
    await typeQuery('jean dupont-moreau');
    await waitFor(() => expect(screen.getByTestId(TestId.DeskNoResults)).toBeTruthy());
    await user.keyboard('{Enter}');

    await waitFor(() => expect(text(TestId.DeskFeedbackTitle)).toBe('Inconnu : l’inscrire ?'));
    expect(screen.getByTestId(TestId.DeskFeedback).dataset.kind).toBe('unknown');
    expect(screen.getByTestId(TestId.DeskRegister)).toBeTruthy();
    expect(backend.count('checkIn'), 'nobody was checked in').toBe(0);

    await user.keyboard('{Enter}');
    const form = await screen.findByTestId(TestId.WalkInForm);
    expect(form).toBeTruthy();
    expect((screen.getByTestId(visitorFieldId('walk-in', 'first_name')) as HTMLInputElement).value).toBe('Jean');
    expect((screen.getByTestId(visitorFieldId('walk-in', 'last_name')) as HTMLInputElement).value).toBe('Dupont-Moreau');
  });

  it('says "unknown" for a scanned code nobody has', async () => {
    const { user } = await openApp();
    await user.click(search());
    await user.keyboard('ZZ-404-404{Enter}');
    await waitFor(() => expect(text(TestId.DeskFeedbackTitle)).toBe('Inconnu : l’inscrire ?'));
  });

  it('after an unknown scan, the next scan replaces what the first left in the box', async () => {
    const { user } = await openApp();
    let t = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => (t += 4));
    await user.click(search());
    await user.keyboard('ZZ-404-404{Enter}');
    await waitFor(() => expect(text(TestId.DeskFeedbackTitle)).toBe('Inconnu : l’inscrire ?'));
    await waitFor(() => expect(search().selectionEnd, 'the unknown code is kept, selected').toBe('ZZ-404-404'.length));
    await user.keyboard('DEMO-0000001{Enter}');
    await waitFor(() => expect(text(TestId.DeskFeedbackTitle)).toBe("Bienvenue, Éloïse N'Diaye-Lefèvre"));
  });

  it('checks in the listed person when a name is typed as fast as a scanner would', async () => {
    const { backend, user } = await openApp();
    let t = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => (t += 4));
    await user.click(search());
    await user.keyboard('kowalski');
    await waitFor(() => expect(resultNames()).toEqual(['Łukasz Kowalski']));
    await user.keyboard('{Enter}');
    await waitFor(() => expect(text(TestId.DeskFeedbackTitle)).toBe('Bienvenue, Łukasz Kowalski'));
    expect(backend.lastArgs('checkIn')?.[1], 'by the listed person, not as a badge code').toHaveProperty('visitorId');
  });

  it('undoes the last check-in with the button and with Ctrl+Z', async () => {
    const { backend, user } = await openApp();
    await typeQuery('kowalski');
    await waitFor(() => expect(resultNames()).toEqual(['Łukasz Kowalski']));
    await user.keyboard('{Enter}');
    await waitFor(() => expect(text(TestId.CounterArrived)).toBe('2'));

    await user.click(screen.getByTestId(TestId.DeskUndo));
    await waitFor(() => expect(text(TestId.DeskFeedbackTitle)).toBe('Pointage annulé'));
    expect(text(TestId.DeskFeedbackDetail)).toContain('Łukasz Kowalski');
    await waitFor(() => expect(text(TestId.CounterArrived), 'the undone arrival is no longer counted').toBe('1'));
    expect(document.activeElement, 'focus is back in the search box after the click').toBe(search());

    await typeQuery('aicha');
    await waitFor(() => expect(resultNames()).toEqual(['Aïcha Benali']));
    await user.keyboard('{Enter}');
    await waitFor(() => expect(text(TestId.CounterArrived)).toBe('2'));
    await user.keyboard('{Control>}z{/Control}');
    await waitFor(() => expect(text(TestId.CounterArrived)).toBe('1'));
    expect(backend.count('undoLast')).toBe(2);

    await user.keyboard('{Control>}z{/Control}');
    await waitFor(() => expect(text(TestId.DeskFeedbackDetail), 'nothing left to undo is said plainly').toBe('Aucun pointage à annuler.'));
  });

  it('keeps the focus in the search box after each action and when the window regains focus', async () => {
    const { user } = await openApp();
    expect(document.activeElement, 'focused on arrival').toBe(search());
    await typeQuery('thanh');
    await waitFor(() => expect(resultNames()).toEqual(['Thanh Nguyễn']));
    await user.keyboard('{Enter}');
    await waitFor(() => expect(text(TestId.DeskFeedbackTitle)).toBe('Bienvenue, Thanh Nguyễn'));
    expect(document.activeElement).toBe(search());

    search().blur();
    await fireEvent.focus(window);
    expect(document.activeElement, 'back when the window is focused again').toBe(search());

    await user.keyboard('{F2}');
    await screen.findByTestId(TestId.WalkInForm);
    expect(document.activeElement, 'the walk-in form takes the focus').toBe(screen.getByTestId(visitorFieldId('walk-in', 'first_name')));
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByTestId(TestId.WalkInForm)).toBeNull());
    await waitFor(() => expect(document.activeElement, 'Escape returns to the search box').toBe(search()));
  });

  it('ignores a search answer that arrives after a newer one', async () => {
    // "elo" answers slowly, "eloise n" quickly: the slow answer must not win.
    await openApp({ searchDelay: (q) => (q === 'elo' ? 120 : 0) });
    await typeQuery('elo');
    await new Promise((r) => setTimeout(r, 40));
    await typeQuery('eloise n');
    await waitFor(() => expect(resultNames()).toEqual(["Éloïse N'Diaye-Lefèvre"]));
    await new Promise((r) => setTimeout(r, 150));
    expect(resultNames(), 'the stale answer for "elo" was dropped').toEqual(["Éloïse N'Diaye-Lefèvre"]);
  });

  it('shows live counters and arrivals per hour', async () => {
    await openApp();
    await waitFor(() => expect(text(TestId.CounterExpected)).toBe('8'));
    expect(text(TestId.CounterWalkIns)).toBe('0');
    const bars = screen.getAllByTestId(TestId.HourBar);
    const ten = bars.find((b) => b.dataset.hour === '10');
    expect(ten?.dataset.count, "Chloé's arrival at 10:30 is in the 10h bar").toBe('1');
  });

  it('names the walk-in tile so that it cannot be read as "present on site", in both languages', async () => {
    const tileText = () => (screen.getByTestId(TestId.CounterWalkIns).closest('.tile')?.textContent ?? '').replace(/\s+/g, ' ').trim();
    await openApp();
    await waitFor(() => expect(text(TestId.CounterWalkIns)).toBe('0'));
    expect(tileText()).toBe('Inscrits sur place 0');
    await userEvent.click(screen.getByTestId(TestId.LanguageToggle));
    await waitFor(() => expect(tileText()).toBe('Walk-ins 0'));
  });
});
