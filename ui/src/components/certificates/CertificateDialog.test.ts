import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { TestId } from '../../lib/testIds';
import { openApp, text } from '../../test/helpers';
import { rawBackend } from '../../test/testBackend';

describe('certificates', () => {
  it('after a departure at the desk, F4 shows the certificate with its hours and saves it as PDF', async () => {
    const { backend, bridge, people, event, dir, user } = await openApp();
    const thanh = people.thanh;
    await backend.checkIn(event.id, { visitorId: thanh.id }, null, 'search');
    await bridge.control('advance_clock', { ms: (2 * 60 + 35) * 60_000 });

    await user.click(screen.getByTestId(TestId.DeskModeOut));
    await user.type(screen.getByTestId(TestId.DeskSearch), 'nguyen');
    await waitFor(() => expect(screen.queryAllByTestId(TestId.DeskResult).length).toBeGreaterThan(0));
    await user.keyboard('{Enter}');
    await waitFor(() => expect(screen.getByTestId(TestId.DeskFeedback).dataset.kind).toBe('out'));
    expect(screen.getByTestId(TestId.DeskCertificate)).toBeTruthy();

    await user.keyboard('{F4}');
    await screen.findByTestId(TestId.CertificateDialog);
    await waitFor(() => expect(text(TestId.CertificateTotal)).toBe('Durée attestée : 2 h 35'));
    const number = text(TestId.CertificateNumber).replace('N° ', '');
    expect(number).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    // The preview is the PDF's page, drawn by Rust: the name exactly as written.
    const svg = screen.getByTestId(TestId.CertificatePreview).querySelector('svg');
    expect(svg?.textContent).toContain('Thanh Nguyễn');
    expect(svg?.textContent).toContain('ATTESTATION DE PRÉSENCE');
    // A preview issues nothing: the number is given when printed or saved.
    expect(backend.count('saveCertificates')).toBe(0);

    await user.click(screen.getByTestId(TestId.CertificateSave));
    const path = join(dir, `attestation-${number}.pdf`);
    await waitFor(() => expect(text(TestId.CertificateResult)).toBe(`1 attestation(s) enregistrée(s) : ${path}`));
    expect(backend.lastArgs('saveCertificates')).toEqual([event.id, [thanh.id], path, false, 'fr', undefined]);
    expect(readFileSync(path).subarray(0, 5).toString()).toBe('%PDF-');

    // In English on request: the preview follows.
    await user.click(screen.getByRole('button', { name: 'English' }));
    await waitFor(() => expect(screen.getByTestId(TestId.CertificatePreview).querySelector('svg')?.textContent).toContain('CERTIFICATE OF ATTENDANCE'));

    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByTestId(TestId.CertificateDialog)).toBeNull());
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId(TestId.DeskSearch)));
  });

  it('someone who never arrived gets no certificate, and the reason is said', async () => {
    const { people, user } = await openApp();
    await user.click(screen.getByTestId(TestId.NavRegistrations));
    // Éloïse never arrived: her record offers no certificate.
    const rows = await screen.findAllByTestId(TestId.RegsRow);
    const row = rows.find((r) => r.textContent?.includes("N'Diaye-Lefèvre"));
    expect(row).toBeTruthy();
    await user.click(row!.querySelector(`[data-testid="${TestId.RegsRowOpen}"]`)!);
    await screen.findByTestId(TestId.VisitorPanel);
    await waitFor(() => expect(screen.queryAllByTestId(TestId.VisitorHistoryItem).length).toBe(1));
    expect(screen.queryByTestId(TestId.VisitorCertificate)).toBeNull();
    expect(people.eloise.id).toBeTruthy();
  });

  it('prints nothing for nobody, then saves one file per person who came', async () => {
    const { backend, event, dir, user } = await openApp();
    await user.click(screen.getByTestId(TestId.NavRegistrations));
    await user.click(await screen.findByTestId(TestId.RegistrationsCertificates));
    await screen.findByTestId(TestId.CertificateDialog);
    expect(screen.getByTestId(TestId.CertificateDialog).textContent).toContain('[DÉMO] Forum emploi');
    await user.click(screen.getByTestId(TestId.CertificateSplit));
    backend.saveFile = join(dir, 'attestations');
    await user.click(screen.getByTestId(TestId.CertificateSave));
    // Chloé Martin arrived (at another desk) and was never checked out.
    await waitFor(() => expect(text(TestId.CertificateResult)).toContain('1 attestation(s) enregistrée(s)'));
    expect(backend.lastArgs('saveCertificates')).toEqual([event.id, null, join(dir, 'attestations'), true, 'fr', expect.objectContaining({ job: expect.any(String) })]);
    const files = readdirSync(join(dir, 'attestations'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^chloe-martin-[0-9A-Z-]{14}\.pdf$/);
    expect(existsSync(join(dir, 'attestations', files[0]!))).toBe(true);
  });
});

describe('a batch of certificates', () => {
  it('shows how far it got, and Esc cancels it leaving no file; run again, it ends', async () => {
    const extra = 150;
    const { backend, bridge, event, dir, user } = await openApp({ extra });
    const app = rawBackend(bridge);
    for (let i = 1; i <= extra; i++) await app.checkIn(event.id, { code: `EXTRA-${String(i).padStart(6, '0')}` }, null, 'scan');
    const everyone = extra + 1; // and Chloé Martin, who arrived at another desk

    await user.click(screen.getByTestId(TestId.NavRegistrations));
    await user.click(await screen.findByTestId(TestId.RegistrationsCertificates));
    await screen.findByTestId(TestId.CertificateDialog);
    await user.click(screen.getByTestId(TestId.CertificateSplit));
    const folder = join(dir, 'attestations');
    backend.saveFile = folder;
    await user.click(screen.getByTestId(TestId.CertificateSave));

    // The bar counts the certificates drawn, out of everyone who came.
    await waitFor(() => expect(Number(screen.getByTestId(TestId.CertificateProgress).dataset.done)).toBeGreaterThan(0));
    expect(screen.getByTestId(TestId.CertificateProgress).dataset.stage).toBe('render');
    expect(screen.getByTestId(TestId.CertificateProgress).textContent).toMatch(new RegExp(`Attestation \\d+ sur ${everyone}`));
    expect(document.activeElement, 'cancel has the focus: Esc or Enter stops').toBe(screen.getByTestId(TestId.CertificateCancel));
    await user.keyboard('{Escape}');
    await waitFor(() => expect(text(TestId.CertificateResult)).toBe('Annulé : aucun fichier n’a été enregistré.'));
    expect(backend.count('cancelJob')).toBe(1);
    expect(readdirSync(folder), 'the files written before the cancel are removed').toEqual([]);
    expect(screen.queryByTestId(TestId.CertificateProgress)).toBeNull();
    expect(screen.getByTestId(TestId.CertificateDialog), 'Esc cancelled the batch, not the dialog').toBeTruthy();
    await waitFor(() => expect(document.activeElement, 'then Esc closes').toBe(screen.getByTestId(TestId.CertificateClose)));

    // Again, into one file, to the end.
    await user.click(screen.getByTestId(TestId.CertificateSplit));
    const path = join(dir, 'toutes.pdf');
    backend.saveFile = path;
    await user.click(screen.getByTestId(TestId.CertificateSave));
    await waitFor(() => expect(text(TestId.CertificateResult)).toContain(`${everyone} attestation(s) enregistrée(s) : ${path}`), { timeout: 60_000 });
    const info = execFileSync('pdfinfo', [path]).toString();
    expect(info).toMatch(new RegExp(`Pages:\\s+${everyone}\\n`));
  });
});

describe('badges', () => {
  it('saves the badges of everyone registered on a half-used A4 sheet of 8, remembering the size', async () => {
    const { backend, event, dir, user } = await openApp();
    await user.click(screen.getByTestId(TestId.NavRegistrations));
    await user.click(await screen.findByTestId(TestId.RegistrationsBadges));
    await screen.findByTestId(TestId.BadgeDialog);
    await user.selectOptions(screen.getByTestId(TestId.BadgeSize), 'a4x8');
    const start = screen.getByTestId(TestId.BadgeStart);
    await user.clear(start);
    await user.type(start, '7');
    await user.click(screen.getByTestId(TestId.BadgeSave));
    const path = join(dir, 'badges-a4x8.pdf');
    await waitFor(() => expect(text(TestId.BadgeResult)).toBe(`8 badge(s) enregistré(s) : ${path}`));
    expect(backend.lastArgs('saveBadges')).toEqual([event.id, null, 'a4x8', 7, path]);
    // Labels 7 and 8 of the first sheet, then six on a second one.
    const info = execFileSync('pdfinfo', [path]).toString();
    expect(info).toMatch(/Pages:\s+2\n/);
    const words = execFileSync('pdftotext', [path, '-']).toString().replace(/\s+/g, ' ');
    expect(words).toContain('Thanh Nguyễn');
    expect(words).toContain("Éloïse N'Diaye-Lefèvre");
    expect(globalThis.localStorage?.getItem('escale.badgeSize') ?? 'a4x8').toBe('a4x8');
  });
});

describe('organisation', () => {
  it('saves what certificates print, refusing a wrong SIRET with its field', async () => {
    const { backend, user } = await openApp();
    await user.click(screen.getByTestId(TestId.NavOrg));
    await screen.findByTestId(TestId.OrgScreen);
    await waitFor(() => expect((screen.getByTestId(TestId.OrgName) as HTMLInputElement).value).toBe('Passerelle Numérique'));
    await user.type(screen.getByTestId(TestId.OrgSiret), '1234');
    await user.type(screen.getByTestId(TestId.OrgSignatory), 'Camille Durand');
    await user.click(screen.getByTestId(TestId.OrgSave));
    await waitFor(() => expect(screen.getByTestId(TestId.OrgSiret).getAttribute('aria-invalid')).toBe('true'));
    expect(screen.queryByTestId(TestId.OrgSaved)).toBeNull();

    await user.clear(screen.getByTestId(TestId.OrgSiret));
    await user.type(screen.getByTestId(TestId.OrgSiret), '12345678900012');
    await user.type(screen.getByTestId(TestId.OrgVerifyUrl), 'https://hub.example.org/v');
    await user.click(screen.getByTestId(TestId.OrgSave));
    await screen.findByTestId(TestId.OrgSaved);
    const saved = await backend.orgIdentity();
    expect(saved.siret).toBe('12345678900012');
    expect(saved.signatory_name).toBe('Camille Durand');
    expect(saved.verify_url).toBe('https://hub.example.org/v');
  });
});

describe('organisation images', () => {
  it('takes a logo from an image file, prints it, and refuses a file that is not an image', async () => {
    const { backend, dir, people, event, user } = await openApp();
    await user.click(screen.getByTestId(TestId.NavOrg));
    await screen.findByTestId(TestId.OrgScreen);
    await waitFor(() => expect(text(`${TestId.OrgLogo}-state`)).toBe('Aucune'));

    // Not an image: said, nothing changes.
    const notImage = join(dir, 'logo.png');
    writeFileSync(notImage, 'ceci n’est pas une image');
    backend.openFile = notImage;
    await user.click(screen.getByTestId(`${TestId.OrgLogo}-choose`));
    await waitFor(() => expect(text(TestId.OrgImageMessage)).toBe(`« ${notImage} » n'est pas une image PNG ou JPEG lisible : choisissez le logo ou la signature enregistré en PNG ou JPEG.`));
    expect(text(`${TestId.OrgLogo}-state`)).toBe('Aucune');

    // A real image (the repository's own icon, made small).
    backend.openFile = join(process.cwd(), '..', 'icons', '128x128.png');
    await user.click(screen.getByTestId(`${TestId.OrgLogo}-choose`));
    await waitFor(() => expect(text(TestId.OrgImageMessage)).toBe('Image enregistrée : les prochaines attestations l’imprimeront.'));
    expect(text(`${TestId.OrgLogo}-state`)).toBe('Enregistrée');
    expect(backend.lastArgs('setOrgImage')).toEqual(['logo', backend.openFile]);

    // The certificate's preview shows it.
    await backend.checkIn(event.id, { visitorId: people.jb.id }, null, 'search');
    const preview = await backend.certificatePreview(people.jb.id, event.id, 'fr');
    expect(preview.svg).toContain('data:image/png;base64,');

    await user.click(screen.getByTestId(`${TestId.OrgLogo}-remove`));
    await waitFor(() => expect(text(`${TestId.OrgLogo}-state`)).toBe('Aucune'));
  });
});
