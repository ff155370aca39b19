// The story the component tests start from, told through the app's own
// commands — the core decides every id, badge, time and count: a laptop
// "Portable 1" of "Passerelle Numérique"; today's demo event (the core's
// `load_demo`: "[DÉMO] Forum emploi & numérique", 09:00–17:30, three
// sessions) with eight named people pre-registered from a spreadsheet
// (tickets DEMO-0000001 to DEMO-0000008); Chloé Martin arrived at another
// desk an hour before the clock's now. Built once per run (`buildTemplate`,
// from globalSetup.ts) and copied by each test (`fromTemplate`); synthetic
// people may be added (`addExtraPeople`). Also the spreadsheets the import
// tests read. Test data only: no rule of the app is written here.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Backend } from '../lib/backend/backend';
import type { EventView, VisitorView } from '../lib/backend/types';
import { startLaptop } from './processes';
import { rawBackend } from './testBackend';

/**
 * The coordinator's staff account every seeded laptop has (created last, so
 * the story itself is told on an open store): `startApp` and the other
 * laptops' helpers sign in with it, so that tests reach the desk.
 */
export const COORDINATOR = { name: 'Mireille', pin: '1357' } as const;

/**
 * Signs the app in as the seeded laptops' coordinator (`COORDINATOR`) when
 * it is locked: the one place the tests unlock the laptops they drive
 * through commands, and the laptop on screen, which then opens on the desk
 * (the session is the app's, not the window's). Nothing to do on a laptop
 * without staff accounts, or already signed in.
 */
export async function signIn(app: Backend): Promise<void> {
  const lock = await app.lockState();
  if (lock.session === null && !lock.needs_first_account) await app.unlock(COORDINATOR.name, COORDINATOR.pin);
}

/** 2026-12-03 11:30 in Paris (UTC+1): Chloé Martin arrived an hour earlier, at 10:30. */
export const NOW = Date.UTC(2026, 11, 3, 10, 30);

const HOUR = 3_600_000;

/** The named people — first name, last name, email, birth year — in ticket order (DEMO-0000001 is Éloïse). */
export const PEOPLE = {
  eloise: ['Éloïse', "N'Diaye-Lefèvre", 'eloise.ndiaye@example.org', 1994],
  lukasz: ['Łukasz', 'Kowalski', 'lukasz.kowalski@example.org', 1988],
  thanh: ['Thanh', 'Nguyễn', 'thanh.nguyen@example.net', 2001],
  omer: ['Ömer', 'Yılmaz', '', 1979],
  chloe: ['Chloé', 'Martin', 'chloe.martin@example.org', 1990],
  jb: ['Jean-Baptiste', 'Le Gall', 'jb.legall@example.net', 1985],
  aicha: ['Aïcha', 'Benali', 'aicha.benali@example.org', 1999],
  helene: ['Hélène', 'Martins', 'helene.martins@example.org', 1972],
} as const;

export type Person = keyof typeof PEOPLE;

export interface Seeded {
  event: EventView;
  people: Record<Person, VisitorView>;
}

const FIRST = ['Camille', 'Inès', 'Jade', 'Louise', 'Zoé', 'Lucas', 'Hugo', 'Théo', 'Nathan', 'Mehdi', 'Karim', 'Moussa', 'Piotr', 'Minh', 'Olivier'];
const LAST = ['Bernard', 'Dubois', 'Thomas', 'Robert', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent', 'Garcia', 'Roux', 'Diallo', 'Traoré', 'Nowak', 'Yılmaz', 'Da Silva'];

/** The ticket of the i-th named person. */
function ticket(i: number): string {
  return `DEMO-${String(i + 1).padStart(7, '0')}`;
}

/** A named person's ticket. */
function ticketOf(person: Person): string {
  return ticket(Object.keys(PEOPLE).indexOf(person));
}

/** A CSV for French Excel (semicolons), with its header. */
function csv(rows: (string | number)[][]): string {
  return `${rows.map((r) => r.join(';')).join('\r\n')}\r\n`;
}

/** Which clock a template's laptop runs on: frozen at NOW, or the real time. */
export type TemplateClock = 'now' | 'live';

/** A seeded data directory the tests copy (seeded.json beside it says who is who). */
export interface Template {
  /** Holds `escale/` (the data directory) and `seeded.json`. */
  root: string;
}

/**
 * Builds the story in `root`: "Portable 1" (the laptop the tests copy) is
 * set up, gets the demo event and imports the eight named people; a second
 * laptop of the stand, "Accueil 2", joins it (a real stand-peer exchange,
 * by address), checks Chloé Martin in, and joins again to hand that over.
 * Then the coordinator's staff account (`COORDINATOR`) is created, and she
 * sets the lock delay to 10 minutes. All of it an hour before the clock's now, so that Chloé arrived at 10:30
 * on the frozen clock — at another desk: this laptop has nothing to undo.
 */
export async function buildTemplate(root: string, clock: TemplateClock): Promise<void> {
  const at = clock === 'now' ? { freezeClockAt: NOW - HOUR } : { shiftClockBy: -HOUR };
  const desk = await startLaptop({ dir: root, ...at });
  const second = await startLaptop({ ...at });
  try {
    const app = rawBackend(desk);
    await app.firstRun('Passerelle Numérique', 'Portable 1', 'fr');
    const { event } = await app.loadDemo(0);
    const rows: (string | number)[][] = [['Prénom', 'Nom', 'E-mail', 'Année de naissance', 'Situation', 'Code billet']];
    Object.values(PEOPLE).forEach(([first, last, email, year], i) => rows.push([first, last, email, year, 'job_seeker', ticket(i)]));
    const path = join(root, 'inscrits-demo.csv');
    writeFileSync(path, csv(rows));
    await app.importCommit(event.id, path, null, () => {});

    const share = await app.peerShareStart();
    const address = `127.0.0.1:${share.addresses[0]!.split(':').pop()}`;
    const other = rawBackend(second);
    await other.peerJoin(share.code, address, 'Accueil 2');
    await other.checkIn(event.id, { code: ticketOf('chloe') }, null, 'scan');
    await other.peerJoin(share.code, address, null);
    await app.peerShareStop();

    const people = {} as Record<Person, VisitorView>;
    for (const [i, key] of (Object.keys(PEOPLE) as Person[]).entries()) {
      const [hit] = await app.search(event.id, ticket(i), 1);
      if (!hit) throw new Error(`seeding: ${PEOPLE[key].join(' ')} was not imported`);
      people[key] = hit.visitor;
    }
    if ((await app.search(event.id, ticketOf('chloe'), 1))[0]?.arrived_at == null) {
      throw new Error('seeding: Chloé Martin’s arrival did not reach Portable 1');
    }
    // Staff accounts exist from now on: the app opens locked, and the
    // helpers sign in as the coordination (helpers.ts, `signIn`).
    await app.addStaff({ name: COORDINATOR.name, role: 'coordinator', pin: COORDINATOR.pin, badge: null });
    // The coordination's first change on this laptop: from now on the log
    // names her as its user, so the tests' own writes as her add no
    // "who uses this laptop" operation to the counts they check.
    await app.setLockMinutes(10);
    const seeded: Seeded = { event, people };
    writeFileSync(join(root, 'seeded.json'), JSON.stringify(seeded));
  } finally {
    await Promise.all([desk.stop(), second.stop()]);
  }
}

/** Copies the template's data directory into `dir` (as `dir/escale`) and says who is who. */
export function fromTemplate(template: Template, dir: string): Seeded {
  cpSync(join(template.root, 'escale'), join(dir, 'escale'), { recursive: true });
  return JSON.parse(readFileSync(join(template.root, 'seeded.json'), 'utf8')) as Seeded;
}

/** Registers `n` synthetic people more at the event (an import, as the desk would). */
export async function addExtraPeople(app: Backend, event: EventView, dir: string, n: number): Promise<void> {
  const rows: (string | number)[][] = [['Prénom', 'Nom', 'E-mail', 'Année de naissance', 'Situation', 'Code billet']];
  for (let i = 0; i < n; i++) {
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[Math.floor(i / FIRST.length) % LAST.length]!;
    rows.push([first, last, `personne${i}@example.org`, 1955 + (i % 50), 'job_seeker', `EXTRA-${String(i + 1).padStart(6, '0')}`]);
  }
  const path = join(dir, 'inscrits-en-plus.csv');
  writeFileSync(path, csv(rows));
  await app.importCommit(event.id, path, null, () => {});
}

/** The spreadsheets the import tests read, written into `dir`. */
export interface Spreadsheets {
  /** A HelloAsso export (UTF-8 with BOM, semicolons): 10 rows, one refunded, one without a name. */
  helloAsso: string;
  /** A Google Forms export (commas, a full-name column). */
  googleForms: string;
  /** 5,000 people in Windows-1252 under two title rows (about 800 kB). */
  big: string;
  /** Not a spreadsheet. */
  poster: string;
}

export function writeSpreadsheets(dir: string): Spreadsheets {
  const helloAsso = join(dir, 'inscriptions-helloasso.csv');
  writeFileSync(
    helloAsso,
    `\ufeff${csv([
      ['Référence commande', 'Date de la commande', 'Statut de la commande', 'Nom participant', 'Prénom participant', 'Email participant', 'Numéro de billet', 'Code postal'],
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
    ])}`,
  );
  const googleForms = join(dir, 'reponses-google-forms.csv');
  writeFileSync(
    googleForms,
    [
      'Horodateur,Nom complet,Adresse e-mail,Téléphone',
      '2026/11/02 10:01,Anaïs Bénard,anais.benard@example.org,06 99 12 34 56',
      '2026/11/02 11:15,Moussa Camara,moussa.camara@example.net,06 99 65 43 21',
      '2026/11/03 09:30,Thuy Phạm,thuy.pham@example.org,pas de téléphone',
      '',
    ].join('\n'),
  );
  const big = join(dir, 'gros-fichier.csv');
  const names = ['Hélène Dupré', 'François Lefèvre', 'Anaïs Bénard', 'Loïc Kerbrat', 'Noël Garçon', 'Zoé Crémieux', 'Jérôme Brûlé'];
  // A postal address too (not a visitor field: ignored), as real exports have.
  const address = '12 rue de la République, bâtiment B, escalier 3, 4e étage, porte gauche, 93200 Saint-Denis';
  const lines = ['Inscriptions au forum', 'Export du 02/11/2026', 'Nom complet;Courriel;Code billet;Adresse'];
  for (let i = 0; i < 5_000; i++) lines.push(`${names[i % names.length]} ${i};big${i}@example.org;BIG-${String(i).padStart(6, '0')};${address}`);
  // Windows-1252 (what French Excel writes): these names are all in Latin-1.
  writeFileSync(big, Buffer.from(`${lines.join('\r\n')}\r\n`, 'latin1'));
  const poster = join(dir, 'affiche.pdf');
  writeFileSync(poster, Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n', 'latin1'));
  return { helloAsso, googleForms, big, poster };
}
