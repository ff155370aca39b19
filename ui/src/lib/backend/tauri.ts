// The app's Transport and Dialogs: the only file that calls Tauri's
// `invoke` and `listen` and opens the OS file dialogs. What each Backend
// method sends is commands.ts's, shared with the UI bridge of the tests.
import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import { open, save } from '@tauri-apps/plugin-dialog';
import { CommandBackend, type Dialogs, type Transport } from './commands';

const tauriTransport: Transport = {
  invoke: (command, args) => invoke(command, args),
  listen: (event, handler) => listen(event, (e) => handler(e.payload as never)),
};

const tauriDialogs: Dialogs = {
  async pickOpenFile(kind = 'spreadsheet'): Promise<string | null> {
    const chosen = await open({
      multiple: false,
      directory: false,
      filters:
        kind === 'image'
          ? [{ name: 'Image (PNG, JPEG)', extensions: ['png', 'jpg', 'jpeg'] }]
          : kind === 'pdf'
            ? [{ name: 'PDF', extensions: ['pdf'] }]
            : [{ name: 'CSV / Excel', extensions: ['csv', 'xlsx', 'txt', 'tsv'] }],
    });
    return typeof chosen === 'string' ? chosen : null;
  },

  async pickSaveFile(defaultName: string): Promise<string | null> {
    // The filter follows the proposed name's extension; none for a folder.
    const ext = /\.([a-z0-9]+)$/i.exec(defaultName)?.[1]?.toLowerCase();
    const names: Record<string, string> = { xlsx: 'Excel', csv: 'CSV', pdf: 'PDF' };
    const chosen = await save({
      defaultPath: defaultName,
      filters: ext && names[ext] ? [{ name: names[ext], extensions: [ext] }] : [],
    });
    return chosen ?? null;
  },
};

/** The Backend of the desktop app. */
export class TauriBackend extends CommandBackend {
  constructor() {
    super(tauriTransport, tauriDialogs);
  }
}
