// What a staff role may do, as the UI needs it to hide what would be
// refused: the table is generated from the core's `Role::allows`
// (bindings/roles.ts), never kept by hand here. The core checks every use
// case itself (auth.forbidden): hiding a button is only a courtesy.
import { ALLOWS, ROLES } from './backend/bindings/roles';
import type { Action, Role } from './backend/types';
import type { Locale } from './i18n/index.svelte';

export { ROLES };

/** Whether `role` may do `action`; `null` (a laptop with no staff account yet) may do anything. */
export function allows(role: Role | null, action: Action): boolean {
  return role === null || ALLOWS[role].includes(action);
}

/** The role's name in `locale` ("Coordination", "Volunteer"). */
export function roleLabel(role: Role, locale: Locale): string {
  return ROLES.find((r) => r.value === role)?.label[locale] ?? role;
}

/** The roles a coordinator gives at the desk's laptops (the kiosk comes with its own screen). */
export const STAFF_ROLES: readonly Role[] = ['coordinator', 'mediator', 'volunteer'];
