import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { TestId } from '../../lib/testIds';
import { openApp, text } from '../../test/helpers';
import { COORDINATOR } from '../../test/seed';
import { rawBackend } from '../../test/testBackend';

const rows = () => screen.queryAllByTestId(TestId.AuditRow);
const cells = (row: HTMLElement) => Array.from(row.querySelectorAll('td')).map((td) => (td.textContent ?? '').trim());

describe('the access log', () => {
  it('lists who viewed a record, filters by access, and exports as CSV', async () => {
    const { backend, bridge, dir, people, user } = await openApp();
    const app = rawBackend(bridge);
    // Reading a record is an access the log keeps.
    await app.visitorDetail(people.lukasz.id);
    await user.click(screen.getByTestId(TestId.NavAudit));
    await screen.findByTestId(TestId.AuditScreen);
    await waitFor(() => expect(rows().length).toBeGreaterThan(0));
    const viewed = rows().find((r) => r.getAttribute('data-action') === 'view_visitor' && cells(r)[4] === 'Łukasz Kowalski');
    expect(viewed, 'the view of his record').toBeTruthy();
    const [, access, by, device] = cells(viewed!);
    expect([access, by, device]).toEqual(['Fiche consultée', COORDINATOR.name, 'Portable 1']);

    // Only the exports: none yet.
    await user.selectOptions(screen.getByTestId(TestId.AuditAction), 'export');
    await waitFor(() => expect(text(TestId.AuditEmpty)).toBe('Aucune entrée ne correspond à ces filtres.'));
    expect(backend.lastArgs('auditLog')).toEqual([{ from: null, to: null, action: 'export', visitor_id: null, staff: null, limit: 500 }]);

    await user.selectOptions(screen.getByTestId(TestId.AuditAction), 'view_visitor');
    await waitFor(() => expect(rows().length).toBeGreaterThan(0));
    expect(rows().every((r) => r.getAttribute('data-action') === 'view_visitor')).toBe(true);
    const shown = rows().length;

    await user.click(screen.getByTestId(TestId.AuditExport));
    const csv = join(dir, 'journal-des-acces.csv');
    await waitFor(() => expect(text(TestId.AuditMessage)).toBe(shown === 1 ? `✓ 1 entrée exportée dans ${csv}` : `✓ ${shown} entrées exportées dans ${csv}`));
    expect(backend.lastArgs('exportAudit')).toEqual([{ from: null, to: null, action: 'view_visitor', visitor_id: null, staff: null, limit: 500 }, csv]);
    expect(readFileSync(csv, 'utf8')).toContain('Kowalski');

    // A day with nothing: the dates filter too.
    await user.click(screen.getByTestId(TestId.AuditReset));
    await user.type(screen.getByTestId(TestId.AuditTo), '2020-01-01');
    await user.click(screen.getByTestId(TestId.AuditApply));
    await waitFor(() => expect(screen.getByTestId(TestId.AuditEmpty)).toBeTruthy());
    expect((backend.lastArgs('auditLog')![0] as { to: string }).to).toBe('2020-01-01');
  });

  it('names an erased person’s entries as nobody, and is reached from the keyboard', async () => {
    const { bridge, people, user } = await openApp();
    const app = rawBackend(bridge);
    await app.visitorDetail(people.aicha.id);
    await app.eraseVisitor(people.aicha.id);
    await user.click(screen.getByTestId(TestId.NavAudit));
    await waitFor(() => expect(rows().some((r) => r.getAttribute('data-action') === 'erase')).toBe(true));
    expect(document.body.textContent, 'her name is gone from the log').not.toContain('Benali');
    const erase = rows().find((r) => r.getAttribute('data-action') === 'erase')!;
    expect(cells(erase)[1]).toBe('Personne effacée');
    expect(document.activeElement?.tagName, 'the title takes the focus').toBe('H1');
    await user.tab();
    expect(document.activeElement).toBe(screen.getByTestId(TestId.AuditExport));
    expect(within(screen.getByTestId(TestId.AuditScreen)).getByRole('region')).toBeTruthy();
  });
});
