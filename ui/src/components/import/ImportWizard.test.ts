import { screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { importMapId, TestId } from '../../lib/testIds';
import { openApp, text } from '../../test/helpers';

async function openWizard() {
  const opened = await openApp();
  await opened.user.click(screen.getByTestId(TestId.NavImport));
  await screen.findByTestId(TestId.ImportScreen);
  return opened;
}

async function analyse(user: Awaited<ReturnType<typeof openWizard>>['user'], path: string) {
  const input = screen.getByTestId(TestId.ImportPath);
  await user.clear(input);
  await user.type(input, path);
  await user.click(screen.getByTestId(TestId.ImportAnalyse));
}

describe('the import wizard', () => {
  it('previews a HelloAsso export: detected format, encoding, delimiter, header row and the dry-run counts', async () => {
    const { backend, files, user } = await openWizard();
    await analyse(user, files.helloAsso);

    await screen.findByTestId(TestId.ImportDetected);
    expect(text(TestId.ImportFormat)).toBe('HelloAsso');
    expect(text(TestId.ImportEncoding)).toBe('UTF-8 (avec BOM)');
    expect(text(TestId.ImportDelimiter)).toBe('point-virgule ( ; )');
    expect(text(TestId.ImportHeaderRow)).toBe('ligne 1');
    expect(text(TestId.ImportRows)).toBe('10');
    expect(text(TestId.ImportKnown), 'Łukasz is matched by email').toBe('1');
    expect(text(TestId.ImportMerges), 'another Chloé Martin: merge proposed').toBe('1');
    expect(text(TestId.ImportSkipped), 'a refunded row and a row with no name').toBe('2');
    expect(text(TestId.ImportNew)).toBe('7');
    expect(text(TestId.ImportSummary)).toContain('remboursé (1)');
    expect(screen.getByTestId(TestId.ImportSample).textContent).toContain('Yasmine');
    expect((screen.getByTestId(importMapId('first_name')) as HTMLSelectElement).value, 'the detected mapping is shown').toBe('4');
    expect(text(TestId.ImportCommit)).toBe('Importer 8 inscriptions');
    expect(backend.count('importCommit'), 'a preview commits nothing').toBe(0);
  });

  it('re-runs the preview when a column mapping is changed', async () => {
    const { backend, files, user } = await openWizard();
    await analyse(user, files.helloAsso);
    await screen.findByTestId(TestId.ImportDetected);
    expect(backend.count('importPreview')).toBe(1);

    await user.selectOptions(screen.getByTestId(importMapId('email')), '');

    await waitFor(() => expect(backend.count('importPreview')).toBe(2));
    const mapping = backend.lastArgs('importPreview')![2] as { fields: Record<string, number> };
    expect(mapping.fields.email ?? null, 'the changed mapping is sent').toBeNull();
    expect(mapping.fields.first_name, 'the rest of the mapping is kept').toBe(4);
    await waitFor(() => expect(text(TestId.ImportKnown), 'without emails nobody is matched by email').toBe('0'));
  });

  it('shows the translated message for a file that is not a spreadsheet and commits nothing', async () => {
    const { backend, files, user } = await openWizard();
    await analyse(user, files.poster);

    await waitFor(() =>
      expect(text(TestId.ImportError)).toBe(
        'Ce fichier n’est pas un tableur : enregistrez-le en CSV ou en XLSX (Excel) puis recommencez.'.replace('’', "'"),
      ),
    );
    expect(screen.queryByTestId(TestId.ImportSummary)).toBeNull();
    expect(screen.queryByTestId(TestId.ImportCommit)).toBeNull();
    expect(backend.count('importCommit')).toBe(0);
  });

  it('moves the progress bar during a large import, then shows the final report', async () => {
    const { backend, files, user } = await openWizard();
    await analyse(user, files.big);
    await screen.findByTestId(TestId.ImportDetected);
    expect(text(TestId.ImportEncoding)).toBe('Windows-1252 (Excel français)');
    expect(text(TestId.ImportHeaderRow), 'title rows above the header are skipped').toBe('ligne 3');

    const seen = new Set<number>();
    const observer = new MutationObserver(() => {
      const bar = document.querySelector<HTMLProgressElement>(`[data-testid="${TestId.ImportProgress}"]`);
      if (bar) seen.add(bar.value);
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    await user.click(screen.getByTestId(TestId.ImportCommit));
    await screen.findByTestId(TestId.ImportReport, {}, { timeout: 5000 });
    observer.disconnect();

    const between = [...seen].filter((v) => v > 0 && v < 100);
    expect(between.length, `the bar showed intermediate values, saw ${[...seen].join(', ')}`).toBeGreaterThan(3);
    expect(text(TestId.ImportReport)).toMatch(/Nouvelles personnes : 5\s000/);
    expect(backend.count('importCommit')).toBe(1);
  });

  it('opens the file chosen in the dialog', async () => {
    const { backend, files, user } = await openWizard();
    backend.openFile = files.googleForms;
    await user.click(screen.getByTestId(TestId.ImportPick));
    await screen.findByTestId(TestId.ImportDetected);
    expect(text(TestId.ImportFormat)).toBe('Google Forms');
    expect(text(TestId.ImportDelimiter)).toBe('virgule ( , )');
  });
});
