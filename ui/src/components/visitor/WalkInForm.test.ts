import { fireEvent, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { fieldErrorId, TestId, visitorFieldId } from '../../lib/testIds';
import { findPerson, openApp, text } from '../../test/helpers';
import { rawBackend } from '../../test/testBackend';

const field = (id: string) => screen.getByTestId(id) as HTMLInputElement;

async function openForm() {
  const opened = await openApp();
  await opened.user.keyboard('{F2}');
  await screen.findByTestId(TestId.WalkInForm);
  return opened;
}

describe('the walk-in registration form', () => {
  it('keeps Tab and Shift+Tab inside the dialog', async () => {
    const { user } = await openForm();
    const dialog = screen.getByTestId(TestId.WalkInForm).closest('[role="dialog"]') as HTMLElement;
    field(visitorFieldId('walk-in', 'first_name')).focus();
    for (let i = 0; i < 40; i++) {
      await user.tab();
      expect(dialog.contains(document.activeElement), `Tab #${i + 1} stays in the form`).toBe(true);
    }
    field(visitorFieldId('walk-in', 'first_name')).focus();
    for (let i = 0; i < 40; i++) {
      await user.tab({ shift: true });
      expect(dialog.contains(document.activeElement), `Shift+Tab #${i + 1} stays in the form`).toBe(true);
    }
  });

  it('keeps its title, Cancel and the submit button out of the part that scrolls', async () => {
    await openForm();
    const form = screen.getByTestId(TestId.WalkInForm);
    const body = form.querySelector('.body');
    expect(body?.contains(field(visitorFieldId('walk-in', 'first_name'))), 'the fields are in the scrolling body').toBe(true);
    for (const el of [form.querySelector('#walk-in-title'), screen.getByTestId(TestId.WalkInCancel), screen.getByTestId(TestId.WalkInSubmit)]) {
      expect(el && !body?.contains(el), `${el?.textContent} stays in sight`).toBe(true);
    }
  });

  it('shows a message per field on an empty submit and sends nothing', async () => {
    const { backend, user } = await openForm();
    await user.click(screen.getByTestId(TestId.WalkInSubmit));

    expect(text(fieldErrorId('first_name'))).toBe('Indiquez au moins un prénom ou un nom.');
    expect(text(fieldErrorId('consent'))).toContain('Sans cet accord');
    expect(field(visitorFieldId('walk-in', 'first_name')).getAttribute('aria-invalid')).toBe('true');
    expect(text(TestId.WalkInFormError)).toBe('Corrigez les champs signalés en rouge.');
    expect(document.activeElement, 'the first field at fault gets the focus').toBe(field(visitorFieldId('walk-in', 'first_name')));
    expect(backend.count('registerWalkIn'), 'nothing half-saved: no call at all').toBe(0);
  });

  it('clears a message as soon as the field it was about is corrected', async () => {
    const { user } = await openForm();
    await user.click(screen.getByTestId(TestId.WalkInSubmit));
    expect(text(fieldErrorId('first_name'))).toBe('Indiquez au moins un prénom ou un nom.');

    await user.type(field(visitorFieldId('walk-in', 'last_name')), 'Martin');
    await user.click(screen.getByTestId(TestId.WalkInConsent));

    expect(screen.queryByTestId(fieldErrorId('first_name')), 'a name is now given: the old message must go').toBeNull();
    expect(screen.queryByTestId(fieldErrorId('consent')), 'the box is ticked').toBeNull();
  });

  it('refuses a 10,000-character name with a specific message', async () => {
    const { backend, user } = await openForm();
    await fireEvent.input(field(visitorFieldId('walk-in', 'first_name')), { target: { value: 'a'.repeat(10_000) } });
    await user.type(field(visitorFieldId('walk-in', 'last_name')), 'Martin');
    await user.click(screen.getByTestId(TestId.WalkInConsent));
    await user.click(screen.getByTestId(TestId.WalkInSubmit));

    expect(text(fieldErrorId('first_name'))).toBe('Trop long : 10000 caractères, 100 au maximum.');
    expect(backend.count('registerWalkIn')).toBe(0);
  });

  it('shows the server warning under the email when the email cannot be right, the person being registered anyway', async () => {
    const { backend, bridge, event, user } = await openForm();
    await user.type(field(visitorFieldId('walk-in', 'first_name')), 'Zoé');
    await user.type(field(visitorFieldId('walk-in', 'last_name')), 'Perrin');
    await user.type(field(visitorFieldId('walk-in', 'email')), 'zoe.perrin@');
    await user.click(screen.getByTestId(TestId.WalkInConsent));
    await user.click(screen.getByTestId(TestId.WalkInSubmit));

    await waitFor(() => expect(text(fieldErrorId('email'))).toBe('E-mail « zoe.perrin@ » invalide : non enregistré.'));
    expect(text(TestId.WalkInWarnings)).toContain('Zoé Perrin est inscrit·e et pointé·e');
    expect(backend.count('registerWalkIn')).toBe(1);

    // Correct it on the spot: the record is updated, the form closes.
    await user.clear(field(visitorFieldId('walk-in', 'email')));
    await user.type(field(visitorFieldId('walk-in', 'email')), 'zoe.perrin@example.org{Enter}');
    await waitFor(() => expect(screen.queryByTestId(TestId.WalkInForm)).toBeNull());
    const zoe = await findPerson(rawBackend(bridge), event.id, 'zoe perrin');
    expect(zoe.email, 'the corrected email is saved').toBe('zoe.perrin@example.org');
    expect(text(TestId.DeskFeedbackTitle)).toBe('Bienvenue, Zoé Perrin');
  });

  it('requires consent to processing, whose wording is shown, and records the optional purposes', async () => {
    const { backend, user } = await openForm();
    expect(text(TestId.WalkInConsentText)).toContain('Passerelle Numérique enregistre ces informations');
    expect(text(TestId.WalkInConsentText)).toContain('anonymisées au plus tard 3 ans');
    await user.type(field(visitorFieldId('walk-in', 'first_name')), 'Noël');
    await user.type(field(visitorFieldId('walk-in', 'last_name')), 'Bénard');
    await user.click(screen.getByTestId(TestId.WalkInSubmit));
    expect(text(fieldErrorId('consent'))).toContain('Sans cet accord');
    expect(backend.count('registerWalkIn')).toBe(0);

    await user.click(screen.getByTestId(TestId.WalkInConsent));
    await user.click(screen.getByTestId(TestId.WalkInPurposePhoto));
    await user.click(screen.getByTestId(TestId.WalkInSubmit));
    await waitFor(() => expect(backend.count('registerWalkIn')).toBe(1));
    const walkIn = backend.lastArgs('registerWalkIn')![0] as { consents: unknown[]; check_in: boolean };
    expect(walkIn.consents).toEqual([
      { purpose: 'processing', granted: true },
      { purpose: 'newsletter', granted: false },
      { purpose: 'photo', granted: true },
    ]);
    expect(walkIn.check_in, 'a walk-in is checked in at once').toBe(true);
  });

  it('registers and checks in on Enter, and the walk-in is counted', async () => {
    const { user } = await openForm();
    await user.type(field(visitorFieldId('walk-in', 'first_name')), 'Ngozi');
    await user.click(screen.getByTestId(TestId.WalkInConsent));
    await user.type(field(visitorFieldId('walk-in', 'last_name')), 'Okafor{Enter}');

    await waitFor(() => expect(screen.queryByTestId(TestId.WalkInForm)).toBeNull());
    expect(text(TestId.DeskFeedbackTitle)).toBe('Bienvenue, Ngozi Okafor');
    await waitFor(() => expect(text(TestId.CounterWalkIns)).toBe('1'));
    expect(text(TestId.CounterArrived)).toBe('2');
  });

  it('offers an existing similar person, and choosing them checks them in instead', async () => {
    const { backend, people, user } = await openForm();
    await user.type(field(visitorFieldId('walk-in', 'first_name')), 'Eloise');
    await user.type(field(visitorFieldId('walk-in', 'last_name')), "N'Diaye-Lefevre");

    const offer = await screen.findByTestId(TestId.WalkInSimilar, {}, { timeout: 2000 });
    expect(offer.textContent).toContain("Éloïse N'Diaye-Lefèvre");
    await user.click(screen.getByTestId(TestId.WalkInSimilarUse));

    await waitFor(() => expect(text(TestId.DeskFeedbackTitle)).toBe("Bienvenue, Éloïse N'Diaye-Lefèvre"));
    expect(backend.lastArgs('checkIn')?.[1]).toEqual({ visitorId: people.eloise.id });
    expect(backend.count('registerWalkIn'), 'no duplicate record was created').toBe(0);
  });

  it('puts a message Rust sends for a field under that field', async () => {
    const { backend, user } = await openForm();
    backend.failNext('registerWalkIn', { code: 'input.invalid', message: 'Valeur invalide pour « code postal » : ???', field: 'postcode' });
    await user.type(field(visitorFieldId('walk-in', 'first_name')), 'Léa');
    await user.click(screen.getByTestId(TestId.WalkInConsent));
    await user.click(screen.getByTestId(TestId.WalkInSubmit));
    await waitFor(() => expect(text(fieldErrorId('postcode'))).toBe('Valeur invalide pour « code postal » : ???'));
  });
});
