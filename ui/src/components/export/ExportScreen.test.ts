import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { TestId } from '../../lib/testIds';
import { openApp, text } from '../../test/helpers';

describe('export', () => {
  it('exports CSV for French Excel to the file chosen in the dialog', async () => {
    const { backend, dir, user } = await openApp();
    // "Save as" proposes the file in the test's directory.
    const chosen = join(dir, 'demo-forum-emploi-numerique.csv');
    await user.click(screen.getByTestId(TestId.NavExport));
    await user.click(await screen.findByTestId(TestId.ExportPick));
    await waitFor(() => expect((screen.getByTestId(TestId.ExportPath) as HTMLInputElement).value).toBe(chosen));
    await user.click(screen.getByTestId(TestId.ExportSubmit));
    await waitFor(() => expect(text(TestId.ExportResult)).toBe(`✓ 8 lignes écrites dans ${chosen}`));
    expect(backend.lastArgs('exportEvent')?.slice(1)).toEqual(['csv', chosen]);
    expect(readFileSync(chosen, 'utf8'), 'the file is written').toContain('Kowalski');
  });

  it('exports XLSX to a typed path, and asks for a path when there is none', async () => {
    const { backend, dir, user } = await openApp();
    const typed = join(dir, 'forum.xlsx');
    await user.click(screen.getByTestId(TestId.NavExport));
    await user.click(await screen.findByTestId(TestId.ExportXlsx));
    await user.click(screen.getByTestId(TestId.ExportSubmit));
    expect(text(TestId.ExportError)).toBe('Choisissez où enregistrer le fichier.');
    expect(backend.count('exportEvent')).toBe(0);
    await user.type(screen.getByTestId(TestId.ExportPath), typed);
    await user.click(screen.getByTestId(TestId.ExportSubmit));
    await waitFor(() => expect(backend.lastArgs('exportEvent')?.slice(1)).toEqual(['xlsx', typed]));
  });
});
