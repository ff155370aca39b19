// This laptop's name, asked on the sync screen of a laptop never set up and
// used by both ways of joining an organisation (the hub, a stand).
import type { I18n } from '../../lib/i18n/index.svelte';

/** What the sync screen hands HubSync and StandPeer. */
export interface DeviceNameProps {
  /** The laptop was never set up: joining names it. */
  needsDevice: boolean;
  device: string;
  /** Said under the name field (bound back to the screen). */
  deviceError?: string;
}

/** Id of the name field, focused when the name is missing or refused. */
export const DEVICE_FIELD_ID = 'sync-device';

/** "Give this laptop a name" when it needs one and has none, else undefined. */
export function deviceNameMissing({ needsDevice, device }: DeviceNameProps, i18n: I18n): string | undefined {
  return needsDevice && device.trim() === '' ? i18n.t('sync.deviceRequired') : undefined;
}
