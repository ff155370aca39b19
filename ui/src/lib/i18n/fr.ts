// French, the reference language: every key exists here first.
export const fr = {
  'app.name': 'Escale',
  'app.subtitle': 'Accueil du point numérique itinérant',
  'app.welcome': 'Le poste d’accueil est prêt. Tout fonctionne sans connexion.',
  'about.heading': 'À propos de ce poste',
  'about.version': 'Version',
  'about.dataDir': 'Dossier des données',
  'about.store': 'Données locales',
  'about.storeEmpty': 'Poste pas encore configuré',
  'about.storeOps': '{org} · {device} — {ops} opérations enregistrées',
  'about.loading': 'Chargement…',
  'about.error': 'Impossible de lire les informations du poste : {message}',
  'language.toggle': 'English',
  'language.toggleLabel': 'Switch to English',
} as const;

export type MessageKey = keyof typeof fr;
export type Messages = Record<MessageKey, string>;
