// Synthetic people for the mock backend (tests, UI work without Rust, the
// screenshots). Invented names in the spirit of the core's demo.rs; emails on
// reserved example domains.

export const FIRST_NAMES = [
  'Éloïse', 'Chloé', 'Léa', 'Manon', 'Camille', 'Inès', 'Jade', 'Louise', 'Zoé', 'Maëlys', 'Anaïs', 'Océane',
  'Hélène', 'Aïcha', 'Fatoumata', 'Yasmine', 'Nour', 'Sofia', 'Agnieszka', 'Thuy', 'Ngozi', 'Marie', 'Nathalie',
  'Lucas', 'Hugo', 'Théo', 'Nathan', 'Enzo', 'Gabriel', 'Raphaël', 'Jérôme', 'François', 'Noël', 'Loïc', 'Gaël',
  'Mehdi', 'Karim', 'Youssef', 'Moussa', 'Mamadou', 'Łukasz', 'Piotr', 'Ömer', 'Mehmet', 'Thanh', 'Minh',
  'Jean-Baptiste', 'Stéphane', 'Olivier', 'Cédric',
];

export const LAST_NAMES = [
  'Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent',
  'Lefèvre', 'Michel', 'Garcia', 'Bertrand', 'Roux', 'Vincent', 'Fournier', 'Morel', 'Girard', 'André', 'Mercier',
  'Dupont', 'Lambert', 'Bonnet', 'Legrand', 'Garnier', 'Faure', 'Rousseau', 'Guérin', 'Muller', 'Perrin',
  "N'Diaye", 'Diallo', 'Traoré', 'Koné', 'Camara', 'Sow', 'Ben Ali', 'Haddad', 'Mansouri', 'Nguyễn', 'Trần',
  'Phạm', 'Kowalski', 'Nowak', 'Wiśniewski', 'Yılmaz', 'Öztürk', 'Da Silva', 'Pereira', 'Le Gall', 'Kerbrat',
  "D'Almeida", "O'Connor", 'Lefèvre-Martin', 'Bénard', 'Crémieux', 'Brûlé', 'Cœur',
];

export const SITUATION_POOL = ['job_seeker', 'job_seeker', 'job_seeker', 'employed', 'self_employed', 'company_founder', 'student', 'other'];

/** Deterministic pseudo-random numbers (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)]!;
}

/** A spreadsheet the mock's import understands, or an error it raises. */
export interface MockFile {
  format: 'hello_asso' | 'google_forms' | 'framaforms' | 'eventbrite' | 'pretix' | 'hi_events' | 'generic';
  encoding: 'utf8' | 'utf8_bom' | 'windows1252' | 'utf16_le' | 'utf16_be' | null;
  delimiter: 'semicolon' | 'comma' | 'tab' | 'pipe' | null;
  header_row: number;
  headers: string[];
  rows: string[][];
  /** Detected mapping: field → column index. */
  mapping: Partial<Record<string, number>>;
  size: number;
}

const helloAssoHeaders = [
  'Référence commande',
  'Date de la commande',
  'Statut de la commande',
  'Nom participant',
  'Prénom participant',
  'Email participant',
  'Numéro de billet',
  'Code postal',
];

function helloAssoRows(): string[][] {
  return [
    ['1001', '02/11/2026', 'Validé', 'Haddad', 'Yasmine', 'yasmine.haddad@example.org', 'HA-1001', '75011'],
    ['1002', '02/11/2026', 'Validé', 'Kerbrat', 'Loïc', 'loic.kerbrat@example.net', 'HA-1002', '29200'],
    ['1003', '03/11/2026', 'Remboursé', 'Durand', 'Paul', 'paul.durand@example.org', 'HA-1003', '75019'],
    ['1004', '03/11/2026', 'Validé', 'Traoré', 'Fatoumata', 'fatoumata.traore@example', 'HA-1004', '93200'],
    ['1005', '04/11/2026', 'Validé', 'Kowalski', 'Łukasz', 'lukasz.kowalski@example.org', 'HA-1005', '92110'],
    ['1006', '04/11/2026', 'Validé', 'Martin', 'Chloé', 'chloe.m@example.net', 'HA-1006', '75018'],
    ['1007', '05/11/2026', 'Validé', 'Öztürk', 'Mehmet', 'mehmet.ozturk@example.org', 'HA-1007', '94200'],
    ['1008', '05/11/2026', 'Validé', '', '', '', 'HA-1008', ''],
    ['1009', '06/11/2026', 'Validé', 'Da Silva', 'Sofia', 'sofia.dasilva@example.org', 'HA-1009', '75020'],
    ['1010', '06/11/2026', 'Validé', 'Le Gall', 'Gaël', 'gael.legall@example.net', 'HA-1010', '35000'],
  ];
}

function bigRows(n: number): string[][] {
  const r = rng(7);
  const rows: string[][] = [];
  for (let i = 0; i < n; i++) {
    const f = pick(r, FIRST_NAMES);
    const l = pick(r, LAST_NAMES);
    rows.push([`${f} ${l}`, `big${i}@example.org`, `BIG-${String(i).padStart(6, '0')}`]);
  }
  return rows;
}

/** The files the mock "finds" on disk. Anything ending .pdf/.docx/.png is not a spreadsheet. */
export function defaultFiles(): Record<string, MockFile> {
  return {
    '/home/escale/inscriptions-helloasso.csv': {
      format: 'hello_asso',
      encoding: 'utf8_bom',
      delimiter: 'semicolon',
      header_row: 0,
      headers: helloAssoHeaders,
      rows: helloAssoRows(),
      mapping: { source_key: 0, registered_at: 1, status: 2, last_name: 3, first_name: 4, email: 5, ticket_code: 6, postcode: 7 },
      size: 1_240,
    },
    '/home/escale/reponses-google-forms.csv': {
      format: 'google_forms',
      encoding: 'utf8',
      delimiter: 'comma',
      header_row: 0,
      headers: ['Horodateur', 'Nom complet', 'Adresse e-mail', 'Téléphone'],
      rows: [
        ['2026/11/02 10:01', 'Anaïs Bénard', 'anais.benard@example.org', '06 99 12 34 56'],
        ['2026/11/02 11:15', 'Moussa Camara', 'moussa.camara@example.net', '06 99 65 43 21'],
        ['2026/11/03 09:30', 'Thuy Phạm', 'thuy.pham@example.org', 'pas de téléphone'],
      ],
      mapping: { registered_at: 0, full_name: 1, email: 2, phone: 3 },
      size: 320,
    },
    '/home/escale/gros-fichier.csv': {
      format: 'generic',
      encoding: 'windows1252',
      delimiter: 'semicolon',
      header_row: 2,
      headers: ['Nom complet', 'Courriel', 'Billet'],
      rows: bigRows(5_000),
      mapping: { full_name: 0, email: 1, ticket_code: 2 },
      size: 310_000,
    },
  };
}
