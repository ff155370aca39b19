// English, the second language: same keys as fr.ts (the type enforces it).
import type { Messages } from './fr';

export const en: Messages = {
  'app.name': 'Escale',
  'app.subtitle': 'Itinerant digital-centre front desk',
  'app.welcome': 'The front desk is ready. Everything works offline.',
  'about.heading': 'About this desk',
  'about.version': 'Version',
  'about.dataDir': 'Data directory',
  'about.store': 'Local data',
  'about.storeEmpty': 'Desk not set up yet',
  'about.storeOps': '{org} · {device} — {ops} operations recorded',
  'about.loading': 'Loading…',
  'about.error': 'Could not read this desk’s information: {message}',
  'language.toggle': 'Français',
  'language.toggleLabel': 'Passer en français',
};
