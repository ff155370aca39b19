// In-memory Backend for tests and UI work without Rust: a small fake store
// (events, sessions, visitors, registrations, check-ins, consents, merges)
// that behaves like the core where the screens can tell: accent-folding
// search with one typo, "already arrived" never counted twice, walk-ins,
// warnings for bad optional fields, typed `{code, message}` errors in the
// language set with `setLanguage`, an import dry run and a commit that
// reports progress. It records the calls it received.
import type { Backend } from './backend';
import { VISITOR_FIELDS } from './bindings/registry';
import { defaultFiles, FIRST_NAMES, LAST_NAMES, pick, rng, SITUATION_POOL, type MockFile } from './mockData';
import { CONSENT_PROCESSING, emptyMapping, SITUATIONS } from './values';
import type {
  AppStatus,
  BackendError,
  CheckInMethod,
  CheckInOutcome,
  CheckInTarget,
  CloseRequest,
  ColumnMapping,
  DemoReport,
  DismissedPair,
  EnrolmentLink,
  DuplicateSide,
  DuplicateView,
  EventInput,
  EventStats,
  EventView,
  ExportFormat,
  ExportReport,
  ImportPreview,
  ImportProgress,
  ImportRecord,
  ImportReport,
  Lang,
  MergeResult,
  PeerEventView,
  PeerJoinView,
  PeerShareView,
  RegistrationFilter,
  RegistrationPage,
  RegistrationRow,
  RowIssue,
  SearchHit,
  SessionInput,
  SessionView,
  Similar,
  Suggestion,
  SyncView,
  UpdateVisitorResult,
  VisitorDetail,
  VisitorInput,
  VisitorView,
  WalkIn,
  WalkInResult,
  Warning,
} from './types';
import { fold, tokens, withinOneEdit } from '../text';

export interface MockOptions {
  status?: Partial<AppStatus>;
  /** When set, every call rejects with this error. */
  failWith?: BackendError | Error;
  /** The clock (ms since epoch); fixed in tests for stable times. */
  now?: () => number;
  /** What the "open file" dialog returns (default: the HelloAsso sample). */
  openFile?: string | null;
  /** What the "save as" dialog returns (default: /home/escale/<defaultName>). */
  saveFile?: string | null;
  /** Files the import can read, by path. */
  files?: Record<string, MockFile>;
  /** Delay of every call, ms (0: resolves on the next microtask). */
  latencyMs?: number;
  /** Extra delay of a search, by query (to test that stale answers are ignored). */
  searchDelay?: (query: string) => number;
  /** The organisation's hub the sync screen talks to. */
  hub?: Partial<MockHub>;
  /** Already enrolled with the hub (and synced once, at `now`). */
  enrolled?: boolean;
  /** Another laptop at the stand, sharing. */
  peer?: Partial<MockPeer>;
}

/** A pretend laptop sharing at the stand. */
export interface MockPeer {
  /** The pairing code it shows. */
  code: string;
  name: string;
  /** Whether this laptop can find it on the network. */
  found: boolean;
  /** Operations it has that this laptop lacks. */
  ops: number;
}

/** A pretend hub: where it is, the codes it accepts, whether it answers. */
export interface MockHub {
  url: string;
  orgName: string;
  /** One-time enrolment codes (dashes and case ignored). */
  codes: string[];
  online: boolean;
  /** The hub's clock minus this laptop's, ms. */
  skewMs: number;
  /** Operations other laptops sent, waiting for this one's next pull. */
  pending: number;
}

const SKEW_WARN_MS = 5 * 60 * 1000;

interface Reg {
  id: string;
  event_id: string;
  visitor_id: string;
  kind: 'pre' | 'walk_in';
  source: string;
  source_key: string;
  ticket_code: string | null;
  status: 'active';
  registered_ms: number;
}

interface Scan {
  id: string;
  event_id: string;
  session_id: string | null;
  visitor_id: string;
  direction: 'in' | 'out';
  at_ms: number;
  voided: boolean;
  here: boolean;
}

interface Consent {
  visitor_id: string;
  purpose: string;
  granted: boolean;
}

const MAX_NAME = 100;
const MAX_TITLE = 200;
const MAX_SHORT = 100;
const MAX_NOTES = 2000;
const MAX_EMAIL = 254;

const FIELD_FR: Record<string, string> = {
  first_name: 'prénom',
  last_name: 'nom',
  email: 'e-mail',
  phone: 'téléphone',
  postcode: 'code postal',
  birth_year: 'année de naissance',
  employment_id: 'identifiant France Travail',
  title: 'titre',
  place: 'lieu',
  room: 'salle',
  timezone: 'fuseau horaire',
  starts_at: 'début',
  ends_at: 'fin',
  capacity: 'capacité',
  organisation: 'organisation',
  device: 'appareil',
  consent: 'consentement au traitement des données',
  path: 'fichier',
};
const FIELD_EN: Record<string, string> = {
  first_name: 'first name',
  last_name: 'last name',
  birth_year: 'birth year',
  employment_id: 'employment-service id',
  starts_at: 'start',
  ends_at: 'end',
  consent: 'consent to data processing',
  organisation: 'organisation',
  device: 'device',
  path: 'file',
};

/** A rejected call, shaped like what Rust sends. */
export class MockError implements BackendError {
  constructor(
    readonly code: string,
    readonly message: string,
    readonly field: string | null = null,
  ) {}
}

let counter = 0;
/** The column feeding a visitor field in a mapping (null when none). */
function mapped(m: ColumnMapping, field: string): number | null {
  return m.fields[field] ?? null;
}

/** Sets a mapping's column for a visitor field or an import-only target. */
function setMapped(m: ColumnMapping, key: string, column: number): void {
  if (key in m && key !== 'fields') (m as unknown as Record<string, number>)[key] = column;
  else m.fields[key] = column;
}

/** The fields `visitorFields` cleans by a rule of its own. */
const HANDLED = ['first_name', 'last_name', 'email', 'phone', 'postcode', 'birth_year', 'situation', 'employment_id', 'notes'];

/** Every registry field of a visitor, unset. */
function blankVisitor(): Omit<VisitorView, 'id'> {
  const v: Record<string, string | null> = {};
  for (const f of VISITOR_FIELDS) v[f.name] = f.name === 'first_name' || f.name === 'last_name' ? '' : null;
  return v as unknown as Omit<VisitorView, 'id'>;
}

/** A typed value as text ("" when absent). */
function str(v: string | number | null | undefined): string {
  return v === null || v === undefined ? '' : String(v);
}

function uid(): string {
  counter += 1;
  const hex = counter.toString(16).padStart(12, '0');
  return `0190aaaa-0000-7000-8000-${hex}`;
}

function clean(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/\s+/g, ' ').trim();
}

function nameKey(first: string, last: string): string {
  return tokens(`${first} ${last}`).sort().join(' ');
}

export class MockBackend implements Backend {
  /** Names of the methods called, in order. */
  readonly calls: string[] = [];
  /** Arguments of every call, in order. */
  readonly log: { method: string; args: unknown[] }[] = [];

  lang: Lang = 'fr';
  private info: AppStatus;
  private readonly failWith: BackendError | Error | undefined;
  private readonly oneShotFailures = new Map<string, BackendError>();
  readonly now: () => number;
  private readonly latencyMs: number;
  private readonly searchDelay: (query: string) => number;
  openFile: string | null;
  saveFile: string | null | undefined;
  readonly files: Record<string, MockFile>;

  readonly events = new Map<string, EventView>();
  readonly sessions = new Map<string, SessionView>();
  readonly visitors = new Map<string, VisitorView>();
  readonly aliases = new Map<string, string>();
  readonly regs: Reg[] = [];
  readonly scans: Scan[] = [];
  readonly consents: Consent[] = [];
  /** Pairs staff said are two people (`notDuplicate`), as "a|b" with a < b. */
  readonly dismissed = new Set<string>();

  readonly hub: MockHub;
  private syncState: Omit<SyncView, 'unsynced_ops' | 'clock_off' | 'duplicates'>;
  private readonly statusListeners = new Set<(v: SyncView) => void>();
  private readonly dataListeners = new Set<() => void>();
  private readonly closeListeners = new Set<(r: CloseRequest) => void>();
  /** `quitApp` was called. */
  quitRequested = false;
  readonly peer: MockPeer;
  /** This laptop's sharing, while it shares. */
  sharing: PeerShareView | null = null;
  private readonly peerListeners = new Set<(e: PeerEventView) => void>();

  constructor(options: MockOptions = {}) {
    this.info = {
      version: '0.0.0-mock',
      data_dir: '/tmp/escale-mock',
      org_name: null,
      device_name: null,
      ops: 0,
      unsynced_ops: 0,
      lang: 'fr',
      online: false,
      last_sync: null,
      enrolled: false,
      syncing: false,
      skew_ms: null,
      clock_off: false,
      sync_error: null,
      duplicates: 0,
      ...options.status,
    };
    this.lang = this.info.lang;
    this.failWith = options.failWith;
    this.now = options.now ?? (() => Date.now());
    this.latencyMs = options.latencyMs ?? 0;
    this.searchDelay = options.searchDelay ?? (() => 0);
    this.openFile = options.openFile === undefined ? '/home/escale/inscriptions-helloasso.csv' : options.openFile;
    this.saveFile = options.saveFile;
    this.files = options.files ?? defaultFiles();
    this.hub = {
      url: 'https://hub.example.org:8787',
      orgName: 'Passerelle Numérique',
      codes: ['ABCD-EFGH-JKMN-PQRS'],
      online: true,
      skewMs: 0,
      pending: 0,
      ...options.hub,
    };
    this.peer = { code: '4827-1953', name: 'Portable A', found: true, ops: 12, ...options.peer };
    const enrolled = options.enrolled ?? false;
    this.syncState = {
      enrolled,
      hub_url: enrolled ? this.hub.url : null,
      org_name: enrolled ? this.hub.orgName : null,
      online: enrolled && this.hub.online,
      syncing: false,
      last_success_ms: enrolled ? this.now() : null,
      last_attempt_ms: enrolled ? this.now() : null,
      skew_ms: enrolled ? this.hub.skewMs : null,
      error: null,
    };
  }

  /**
   * A laptop already set up, with a demo event ("[DÉMO] Forum emploi &
   * numérique", today 09:00–17:30, three sessions) holding a few named people
   * the tests rely on and `extra` synthetic ones. Chloé Martin arrived at the
   * current time minus one hour.
   */
  static seeded(options: MockOptions & { extra?: number; arrivedRatio?: number } = {}): MockBackend {
    const b = new MockBackend({
      ...options,
      status: { org_name: 'Passerelle Numérique', device_name: 'Portable 1', ...options.status },
    });
    b.bump(2);
    const ev = b.demoEvent();
    const people: [string, string, string | null, number | null][] = [
      ['Éloïse', "N'Diaye-Lefèvre", 'eloise.ndiaye@example.org', 1994],
      ['Łukasz', 'Kowalski', 'lukasz.kowalski@example.org', 1988],
      ['Thanh', 'Nguyễn', 'thanh.nguyen@example.net', 2001],
      ['Ömer', 'Yılmaz', null, 1979],
      ['Chloé', 'Martin', 'chloe.martin@example.org', 1990],
      ['Jean-Baptiste', 'Le Gall', 'jb.legall@example.net', 1985],
      ['Aïcha', 'Benali', 'aicha.benali@example.org', 1999],
      ['Hélène', 'Martins', 'helene.martins@example.org', 1972],
    ];
    people.forEach(([first, last, email, year], i) => {
      const v = b.addVisitor({ first_name: first, last_name: last, email, birth_year: year, situation: 'job_seeker' });
      b.addReg(ev.id, v.id, 'pre', `DEMO-${String(i + 1).padStart(7, '0')}`);
    });
    const chloe = [...b.visitors.values()].find((v) => v.first_name === 'Chloé')!;
    b.scans.push({
      id: uid(),
      event_id: ev.id,
      session_id: null,
      visitor_id: chloe.id,
      direction: 'in',
      at_ms: b.now() - 3_600_000,
      voided: false,
      here: false,
    });
    b.fill(ev.id, options.extra ?? 0, options.arrivedRatio ?? 0.4);
    // An enrolled laptop synced everything at start-up.
    if (options.enrolled) b.info.unsynced_ops = 0;
    return b;
  }

  // ------------------------------------------------------------ test helpers

  /**
   * Another process (the CLI) wrote `ops` operations to the same data
   * directory: the shell's watcher sees the store's change counter move and
   * emits `data-changed`.
   */
  wroteElsewhere(ops: number): void {
    this.bump(ops);
    for (const h of this.dataListeners) h();
  }

  /** The next call of `method` rejects with `error`. */
  failNext(method: keyof Backend, error: BackendError): void {
    this.oneShotFailures.set(method, error);
  }

  /** Arguments of the latest call of `method`. */
  lastArgs(method: keyof Backend): unknown[] | undefined {
    return [...this.log].reverse().find((l) => l.method === method)?.args;
  }

  count(method: keyof Backend): number {
    return this.calls.filter((c) => c === method).length;
  }

  private async enter(method: string, args: unknown[]): Promise<void> {
    this.calls.push(method);
    this.log.push({ method, args });
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    else await Promise.resolve();
    if (this.failWith) throw this.failWith;
    const once = this.oneShotFailures.get(method);
    if (once) {
      this.oneShotFailures.delete(method);
      throw once;
    }
  }

  private bump(n = 1): void {
    this.info.ops += n;
    this.info.unsynced_ops += n;
  }

  private l(fr: string, en: string): string {
    return this.lang === 'fr' ? fr : en;
  }

  private fieldName(f: string): string {
    return this.lang === 'fr' ? (FIELD_FR[f] ?? f) : (FIELD_EN[f] ?? f);
  }

  private required(field: string): MockError {
    return new MockError(
      'input.required',
      this.l(`Le champ « ${this.fieldName(field)} » est obligatoire.`, `The field "${this.fieldName(field)}" is required.`),
      field,
    );
  }

  private invalid(field: string, value: string): MockError {
    const v = value.length > 60 ? `${value.slice(0, 57)}…` : value;
    return new MockError(
      'input.invalid',
      this.l(`Valeur invalide pour « ${this.fieldName(field)} » : ${v}`, `Invalid value for "${this.fieldName(field)}": ${v}`),
      field,
    );
  }

  private text(field: string, raw: string, max: number): string | null {
    const v = clean(raw ?? '');
    const len = [...v].length;
    if (len > max) {
      throw new MockError(
        'input.too_long',
        this.l(
          `Le champ « ${this.fieldName(field)} » est trop long (${len} caractères, maximum ${max}).`,
          `The field "${this.fieldName(field)}" is too long (${len} characters, at most ${max}).`,
        ),
        field,
      );
    }
    return v === '' ? null : v;
  }

  private notFound(kind: 'event' | 'session' | 'visitor', id: string): MockError {
    const msg = {
      event: this.l(`Événement inconnu : ${id}.`, `Unknown event: ${id}.`),
      session: this.l(`Séance inconnue : ${id}.`, `Unknown session: ${id}.`),
      visitor: this.l(`Personne inconnue : ${id}.`, `Unknown visitor: ${id}.`),
    }[kind];
    return new MockError(`${kind}.not_found`, msg);
  }

  private localOf(ms: number, tz: string): string {
    const parts = new Intl.DateTimeFormat('en-CA', {
      timeZone: tz,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(new Date(ms));
    const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
    return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
  }

  private normLocal(field: string, s: string, day?: string): string {
    const t = s.trim();
    if (day && /^\d{1,2}:\d{2}$/.test(t)) return `${day} ${t.padStart(5, '0')}`;
    const m = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}))?/.exec(t);
    if (m && t.length <= 40) return `${m[1]} ${m[2] ?? '00:00'}`;
    const fr = /^(\d{2})\/(\d{2})\/(\d{4})(?: (\d{2}:\d{2}))?$/.exec(t);
    if (fr) return `${fr[3]}-${fr[2]}-${fr[1]} ${fr[4] ?? '00:00'}`;
    throw this.invalid(field, s);
  }

  private checkTz(tz: string | null): string {
    const name = tz?.trim() || 'Europe/Paris';
    try {
      new Intl.DateTimeFormat('en', { timeZone: name });
    } catch {
      throw this.invalid('timezone', name);
    }
    return name;
  }

  // ------------------------------------------------------------ store helpers

  private root(id: string): string {
    let r = id;
    while (this.aliases.has(r)) r = this.aliases.get(r)!;
    return r;
  }

  private live(): VisitorView[] {
    return [...this.visitors.values()].filter((v) => !this.aliases.has(v.id));
  }

  private event(id: string): EventView {
    const e = this.events.get(id);
    if (!e || e.archived) throw this.notFound('event', id);
    return e;
  }

  private session(id: string): SessionView {
    const s = this.sessions.get(id);
    if (!s) throw this.notFound('session', id);
    return s;
  }

  private visitor(id: string): VisitorView {
    const v = this.visitors.get(this.root(id));
    if (!v) throw this.notFound('visitor', id);
    return v;
  }

  addVisitor(p: Partial<VisitorView> & { first_name: string; last_name: string }): VisitorView {
    const v = { id: uid(), ...blankVisitor(), ...p } as VisitorView;
    v.badge_code ??= `E${v.id.slice(-7).toUpperCase()}`;
    this.visitors.set(v.id, v);
    this.consents.push({ visitor_id: v.id, purpose: CONSENT_PROCESSING, granted: true });
    this.bump(2);
    return v;
  }

  addReg(eventId: string, visitorId: string, kind: 'pre' | 'walk_in', ticket: string | null, source = 'demo', key = ''): Reg {
    const r: Reg = {
      id: uid(),
      event_id: eventId,
      visitor_id: visitorId,
      kind,
      source,
      source_key: key || visitorId,
      ticket_code: ticket,
      status: 'active',
      registered_ms: this.now() - 86_400_000 * 10 + this.regs.length * 60_000,
    };
    this.regs.push(r);
    this.bump();
    return r;
  }

  private demoEvent(): EventView {
    const today = this.localOf(this.now(), 'Europe/Paris').slice(0, 10);
    const ev = this.makeEvent({
      kind: 'fair',
      title: '[DÉMO] Forum emploi & numérique',
      place: 'Salle des fêtes, place de la Mairie',
      timezone: null,
      starts_at: `${today} 09:00`,
      ends_at: `${today} 17:30`,
      series: 'demo',
    });
    for (const [title, room, s, e, cap] of [
      ['Atelier CV et lettre de motivation', 'Salle A', '10:00', '11:30', 20],
      ['Conférence : les métiers qui recrutent', 'Amphithéâtre', '14:00', '15:00', 120],
      ['Identité numérique et démarches en ligne', 'Salle B', '15:30', '17:00', 15],
    ] as const) {
      this.makeSession(ev, { title, room, starts_at: s, ends_at: e, capacity: cap });
    }
    return ev;
  }

  /** Adds `n` synthetic pre-registered people, some already arrived (spread over the morning). */
  private fill(eventId: string, n: number, arrivedRatio: number): number {
    const r = rng(42);
    const ev = this.event(eventId);
    const start = Date.parse(ev.starts_at);
    const span = Math.max(0, Math.min(this.now(), Date.parse(ev.ends_at)) - start);
    let arrived = 0;
    for (let i = 0; i < n; i++) {
      const first = pick(r, FIRST_NAMES);
      const last = pick(r, LAST_NAMES);
      const ascii = (s: string) => tokens(s).join('');
      const v = this.addVisitor({
        first_name: first,
        last_name: last,
        email: `${ascii(first)}.${ascii(last)}${i}@example.${i % 2 ? 'net' : 'org'}`,
        phone: `+33699${String(Math.floor(r() * 1e6)).padStart(6, '0')}`,
        birth_year: 1955 + Math.floor(r() * 50),
        situation: pick(r, SITUATION_POOL),
      });
      this.addReg(eventId, v.id, 'pre', `DEMO-${String(1000 + i).padStart(7, '0')}`);
      if (span > 0 && r() < arrivedRatio) {
        arrived += 1;
        // Arrivals bunch up mid-morning, like a real fair.
        const x = Math.min(1, Math.abs(r() + r() + r()) / 3);
        this.scans.push({
          id: uid(),
          event_id: eventId,
          session_id: null,
          visitor_id: v.id,
          direction: 'in',
          at_ms: start + Math.floor(x * span),
          voided: false,
          here: false,
        });
      }
    }
    return arrived;
  }

  private makeEvent(input: EventInput, id = uid()): EventView {
    const title = this.text('title', input.title, MAX_TITLE);
    if (!title) throw this.required('title');
    const place = this.text('place', input.place, MAX_TITLE) ?? '';
    const tz = this.checkTz(input.timezone);
    const starts = this.normLocal('starts_at', input.starts_at);
    const ends = input.ends_at.trim() === '' ? `${starts.slice(0, 10)} ${String(Math.min(23, +starts.slice(11, 13) + 8)).padStart(2, '0')}:${starts.slice(14)}` : this.normLocal('ends_at', input.ends_at);
    if (ends < starts) throw this.invalid('ends_at', input.ends_at);
    const series = input.series == null ? null : this.text('series', input.series, MAX_SHORT);
    const view: EventView = {
      id,
      kind: input.kind ?? 'fair',
      title,
      place,
      timezone: tz,
      starts_at: this.utcOf(starts, tz),
      ends_at: this.utcOf(ends, tz),
      starts_local: starts,
      ends_local: ends,
      series,
      archived: false,
    };
    this.events.set(id, view);
    this.bump();
    return view;
  }

  /** Local wall time in `tz` → UTC RFC 3339 (good to the minute, enough for a mock). */
  private utcOf(local: string, tz: string): string {
    const guess = Date.parse(`${local.replace(' ', 'T')}:00Z`);
    const shown = this.localOf(guess, tz);
    const offset = Date.parse(`${shown.replace(' ', 'T')}:00Z`) - guess;
    return new Date(guess - offset).toISOString().replace('.000Z', 'Z');
  }

  private makeSession(ev: EventView, input: SessionInput, id = uid()): SessionView {
    const title = this.text('title', input.title, MAX_TITLE);
    if (!title) throw this.required('title');
    const room = this.text('room', input.room, MAX_SHORT) ?? '';
    const day = ev.starts_local.slice(0, 10);
    const starts = this.normLocal('starts_at', input.starts_at, day);
    const ends = this.normLocal('ends_at', input.ends_at, day);
    if (ends < starts) throw this.invalid('ends_at', input.ends_at);
    if (input.capacity != null && (input.capacity < 0 || input.capacity > 100_000 || !Number.isInteger(input.capacity))) {
      throw this.invalid('capacity', String(input.capacity));
    }
    const s: SessionView = {
      id,
      event_id: ev.id,
      title,
      room,
      starts_at: this.utcOf(starts, ev.timezone),
      ends_at: this.utcOf(ends, ev.timezone),
      starts_local: starts,
      ends_local: ends,
      capacity: input.capacity,
    };
    this.sessions.set(id, s);
    this.bump();
    return s;
  }

  private byCode(eventId: string, code: string): string | null {
    const c = code.trim();
    if (c.length < 4 || c.length > 128 || /\s/.test(c)) return null;
    const badge = this.live().find((v) => v.badge_code === c.toUpperCase());
    if (badge) return badge.id;
    const reg =
      this.regs.find((r) => r.ticket_code === c && r.event_id === eventId) ?? this.regs.find((r) => r.ticket_code === c);
    return reg ? this.root(reg.visitor_id) : null;
  }

  private regsOf(eventId: string, root: string): Reg[] {
    return this.regs.filter((r) => r.event_id === eventId && this.root(r.visitor_id) === root);
  }

  private earliest(eventId: string, sessionId: string | null, root: string): number | null {
    let best: number | null = null;
    for (const s of this.scans) {
      if (s.voided || s.direction !== 'in' || s.event_id !== eventId || s.session_id !== sessionId) continue;
      if (this.root(s.visitor_id) !== root) continue;
      if (best === null || s.at_ms < best) best = s.at_ms;
    }
    return best;
  }

  private inside(sessionId: string): number {
    const latest = new Map<string, Scan>();
    for (const s of this.scans) {
      if (s.voided || s.session_id !== sessionId) continue;
      const r = this.root(s.visitor_id);
      const prev = latest.get(r);
      if (!prev || s.at_ms >= prev.at_ms) latest.set(r, s);
    }
    return [...latest.values()].filter((s) => s.direction === 'in').length;
  }

  private visitorFields(input: VisitorInput, warnings: Warning[]): Omit<VisitorView, 'id' | 'badge_code'> {
    // Fields without a rule of their own here are kept as typed (the mock
    // is a fake: the real rules are the core's).
    const others: Record<string, string | null> = {};
    for (const f of VISITOR_FIELDS) {
      if (f.max > 0 && !HANDLED.includes(f.name)) others[f.name] = this.text(f.name, str((input as Record<string, string | number | null | undefined>)[f.name]), f.max);
    }
    const first = this.text('first_name', str(input.first_name), MAX_NAME);
    const last = this.text('last_name', str(input.last_name), MAX_NAME);
    if (!first && !last) {
      throw new MockError(
        'visitor.name_required',
        this.l('Indiquez au moins un prénom ou un nom.', 'Enter at least a first name or a last name.'),
        'first_name',
      );
    }
    let email = this.text('email', str(input.email), MAX_EMAIL)?.toLowerCase() ?? null;
    if (email && !/^[^@\s,;<>]{1,64}@[^@\s,;<>.][^@\s,;<>]*\.[^@\s,;<>]*[^@\s,;<>.]$/.test(email)) {
      warnings.push({ field: 'email', code: 'invalid_email', value: email });
      email = null;
    }
    let phone = this.text('phone', str(input.phone), 40);
    if (phone) {
      const digits = phone.replace(/\D/g, '');
      if (!/^[\d +.\-()/]+$/.test(phone) || digits.length < 8 || digits.length > 15) {
        warnings.push({ field: 'phone', code: 'invalid_phone', value: phone });
        phone = null;
      } else if (digits.length === 10 && digits.startsWith('0')) {
        phone = `+33${digits.slice(1)}`;
      }
    }
    let postcode = this.text('postcode', str(input.postcode), 20);
    if (postcode && !/^[A-Za-z0-9-]{1,10}$/.test(postcode.replace(/\s/g, ''))) {
      warnings.push({ field: 'postcode', code: 'invalid_postcode', value: postcode });
      postcode = null;
    }
    let birth_year = input.birth_year == null || input.birth_year === '' ? null : Number(input.birth_year);
    const year = new Date(this.now()).getUTCFullYear();
    if (birth_year != null && (birth_year < 1900 || birth_year > year)) {
      warnings.push({ field: 'birth_year', code: 'invalid_birth_year', value: String(birth_year) });
      birth_year = null;
    }
    const situation = str(input.situation).trim();
    if (situation && !(SITUATIONS as readonly string[]).includes(situation)) throw this.invalid('situation', situation);
    return {
      ...(blankVisitor() as Omit<VisitorView, 'id' | 'badge_code'>),
      ...others,
      first_name: first ?? '',
      last_name: last ?? '',
      email,
      phone,
      postcode: postcode?.toUpperCase() ?? null,
      birth_year,
      situation: situation || null,
      employment_id: this.text('employment_id', str(input.employment_id), 40),
      notes: this.text('notes', str(input.notes), MAX_NOTES),
    };
  }

  // ------------------------------------------------------------ app

  async status(): Promise<AppStatus> {
    await this.enter('status', []);
    return this.statusNow();
  }

  private statusNow(): AppStatus {
    const v = this.syncView();
    return {
      ...this.info,
      online: v.enrolled && v.online,
      last_sync: v.last_success_ms,
      enrolled: v.enrolled,
      syncing: v.syncing,
      skew_ms: v.skew_ms,
      clock_off: v.clock_off,
      sync_error: v.error,
      duplicates: v.duplicates,
      lang: this.lang,
    };
  }

  async setLanguage(lang: Lang): Promise<void> {
    await this.enter('setLanguage', [lang]);
    this.lang = lang;
  }

  async firstRun(orgName: string, deviceName: string, lang: Lang): Promise<AppStatus> {
    await this.enter('firstRun', [orgName, deviceName, lang]);
    this.lang = lang;
    if (this.info.org_name !== null) {
      throw new MockError('store.already_initialised', this.l('Ce dossier de données est déjà initialisé.', 'This data directory is already initialised.'));
    }
    const org = this.text('organisation', orgName, MAX_TITLE);
    if (!org) throw this.required('organisation');
    const dev = this.text('device', deviceName, MAX_SHORT);
    if (!dev) throw this.required('device');
    this.info.org_name = org;
    this.info.device_name = dev;
    this.bump(2);
    return this.statusNow();
  }

  async loadDemo(visitors: number): Promise<DemoReport> {
    await this.enter('loadDemo', [visitors]);
    const before = this.info.ops;
    const ev = this.demoEvent();
    const arrived = this.fill(ev.id, visitors, 0.3);
    return { event: ev, visitors, arrived, ops: this.info.ops - before };
  }

  // ------------------------------------------------------------ events

  async listEvents(): Promise<EventView[]> {
    await this.enter('listEvents', []);
    const nowLocal = (e: EventView) => this.localOf(this.now(), e.timezone);
    return [...this.events.values()]
      .filter((e) => !e.archived)
      .sort((a, b) => {
        const pa = a.ends_local < nowLocal(a) ? 1 : 0;
        const pb = b.ends_local < nowLocal(b) ? 1 : 0;
        if (pa !== pb) return pa - pb;
        return pa === 0 ? a.starts_at.localeCompare(b.starts_at) : b.starts_at.localeCompare(a.starts_at);
      })
      .map((e) => ({ ...e }));
  }

  async getEvent(id: string): Promise<EventView> {
    await this.enter('getEvent', [id]);
    return { ...this.event(id) };
  }

  async createEvent(input: EventInput): Promise<EventView> {
    await this.enter('createEvent', [input]);
    return { ...this.makeEvent(input) };
  }

  async updateEvent(id: string, input: EventInput): Promise<EventView> {
    await this.enter('updateEvent', [id, input]);
    this.event(id);
    return { ...this.makeEvent(input, id) };
  }

  async archiveEvent(eventId: string): Promise<void> {
    await this.enter('archiveEvent', [eventId]);
    const e = this.event(eventId);
    e.archived = true;
    this.bump();
  }

  async listSessions(eventId: string): Promise<SessionView[]> {
    await this.enter('listSessions', [eventId]);
    this.event(eventId);
    return [...this.sessions.values()]
      .filter((s) => s.event_id === eventId)
      .sort((a, b) => a.starts_at.localeCompare(b.starts_at) || a.title.localeCompare(b.title))
      .map((s) => ({ ...s }));
  }

  async addSession(eventId: string, input: SessionInput): Promise<SessionView> {
    await this.enter('addSession', [eventId, input]);
    return { ...this.makeSession(this.event(eventId), input) };
  }

  async updateSession(id: string, input: SessionInput): Promise<SessionView> {
    await this.enter('updateSession', [id, input]);
    const s = this.session(id);
    return { ...this.makeSession(this.event(s.event_id), input, id) };
  }

  // ------------------------------------------------------------ desk

  async search(eventId: string, query: string, limit: number, sessionId?: string | null): Promise<SearchHit[]> {
    await this.enter('search', [eventId, query, limit, sessionId ?? null]);
    const delay = this.searchDelay(query);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    const ev = this.event(eventId);
    const q = query.slice(0, 200);
    const found: { id: string; quality: string; rank: number }[] = [];
    const code = this.byCode(ev.id, q);
    if (code) found.push({ id: code, quality: 'code', rank: -1 });
    const qt = tokens(q);
    if (qt.length > 0) {
      const ranks = { exact: 0, prefix: 1, typo: 2 } as const;
      for (const v of this.live()) {
        if (v.id === code) continue;
        const vt = tokens(`${v.first_name} ${v.last_name}`);
        // "benali" finds "Ben Ali": adjacent words also count joined.
        const words = [...vt, ...vt.slice(1).map((w, i) => vt[i] + w)];
        let worst = 0;
        let ok = true;
        for (const t of qt) {
          let best = 3;
          for (const w of words) {
            if (w === t) best = Math.min(best, ranks.exact);
            else if (w.startsWith(t)) best = Math.min(best, ranks.prefix);
            else if (t.length >= 4 && (withinOneEdit(t, w) || withinOneEdit(t, w.slice(0, t.length)))) {
              best = Math.min(best, ranks.typo);
            }
          }
          if (best === 3) {
            ok = false;
            break;
          }
          worst = Math.max(worst, best);
        }
        if (ok) found.push({ id: v.id, quality: (['exact', 'prefix', 'typo'] as const)[worst]!, rank: worst });
      }
    }
    const registered = (id: string) => this.regsOf(ev.id, id).length > 0;
    found.sort((a, b) => {
      if (a.rank !== b.rank && (a.rank < 0 || b.rank < 0)) return a.rank - b.rank;
      const ra = registered(a.id) ? 0 : 1;
      const rb = registered(b.id) ? 0 : 1;
      if (ra !== rb) return ra - rb;
      if (a.rank !== b.rank) return a.rank - b.rank;
      const va = this.visitors.get(a.id)!;
      const vb = this.visitors.get(b.id)!;
      return fold(`${va.last_name} ${va.first_name}`).localeCompare(fold(`${vb.last_name} ${vb.first_name}`));
    });
    return found.slice(0, limit).map((f) => {
      const at = this.earliest(ev.id, sessionId ?? null, f.id);
      return {
        visitor: { ...this.visitors.get(f.id)! },
        quality: f.quality,
        registered: registered(f.id),
        arrived_at: at === null ? null : this.localOf(at, ev.timezone),
      };
    });
  }

  private scan(eventId: string, target: CheckInTarget, sessionId: string | null, direction: 'in' | 'out'): CheckInOutcome {
    const ev = this.event(eventId);
    const session = sessionId ? this.session(sessionId) : null;
    if (session && session.event_id !== ev.id) throw this.notFound('session', session.id);
    let root: string;
    if ('visitorId' in target) {
      root = this.visitor(target.visitorId).id;
    } else {
      const found = this.byCode(ev.id, target.code);
      if (!found) {
        const c = target.code.trim().slice(0, 60);
        throw new MockError(
          'checkin.unknown_code',
          this.l(
            `Aucun inscrit ne correspond au code « ${c} ». Inscrire la personne sur place ?`,
            `No registration matches code "${c}". Register the person as a walk-in?`,
          ),
        );
      }
      root = found;
    }
    const previous = this.earliest(ev.id, session?.id ?? null, root);
    const walkIn = direction === 'in' && this.regsOf(ev.id, root).length === 0;
    if (walkIn) {
      const r = this.addReg(ev.id, root, 'walk_in', null, 'desk');
      r.registered_ms = this.now();
    }
    // Strictly increasing times so "the latest" is well defined within one millisecond.
    const last = this.scans.at(-1)?.at_ms ?? 0;
    const at = Math.max(this.now(), last + 1);
    const scan: Scan = {
      id: uid(),
      event_id: ev.id,
      session_id: session?.id ?? null,
      visitor_id: root,
      direction,
      at_ms: at,
      voided: false,
      here: true,
    };
    this.scans.push(scan);
    this.bump();
    const status = direction === 'out' ? 'checked_out' : previous !== null ? 'already_arrived' : 'welcome';
    return {
      status,
      visitor: { ...this.visitor(root) },
      event_id: ev.id,
      session_id: session?.id ?? null,
      checkin_id: scan.id,
      arrived_at: this.localOf(previous ?? at, ev.timezone),
      walk_in_created: walkIn,
      session_count: session ? this.inside(session.id) : null,
      session_capacity: session?.capacity ?? null,
    };
  }

  async checkIn(eventId: string, target: CheckInTarget, sessionId: string | null, method: CheckInMethod): Promise<CheckInOutcome> {
    await this.enter('checkIn', [eventId, target, sessionId, method]);
    return this.scan(eventId, target, sessionId, 'in');
  }

  async checkOut(eventId: string, target: CheckInTarget, sessionId: string | null, method: CheckInMethod): Promise<CheckInOutcome> {
    await this.enter('checkOut', [eventId, target, sessionId, method]);
    return this.scan(eventId, target, sessionId, 'out');
  }

  async undoLast(eventId: string, sessionId: string | null): Promise<string> {
    await this.enter('undoLast', [eventId, sessionId]);
    this.event(eventId);
    const last = [...this.scans]
      .filter((s) => s.here && !s.voided && s.event_id === eventId && s.session_id === sessionId)
      .sort((a, b) => b.at_ms - a.at_ms)[0];
    if (!last) throw new MockError('checkin.nothing_to_undo', this.l('Aucun pointage à annuler.', 'There is no check-in to undo.'));
    last.voided = true;
    this.bump();
    return last.id;
  }

  async eventStats(eventId: string): Promise<EventStats> {
    await this.enter('eventStats', [eventId]);
    const ev = this.event(eventId);
    const pre = new Set<string>();
    const any = new Set<string>();
    for (const r of this.regs) {
      if (r.event_id !== ev.id) continue;
      const v = this.root(r.visitor_id);
      any.add(v);
      if (r.kind === 'pre') pre.add(v);
    }
    const arrivals = new Map<string, number>();
    for (const s of this.scans) {
      if (s.voided || s.direction !== 'in' || s.event_id !== ev.id || s.session_id !== null) continue;
      const v = this.root(s.visitor_id);
      const prev = arrivals.get(v);
      if (prev === undefined || s.at_ms < prev) arrivals.set(v, s.at_ms);
    }
    const hours = new Map<string, number>();
    for (const at of arrivals.values()) {
      const h = `${this.localOf(at, ev.timezone).slice(0, 13)}:00`;
      hours.set(h, (hours.get(h) ?? 0) + 1);
    }
    const arrivedPre = [...arrivals.keys()].filter((v) => pre.has(v)).length;
    const sessions = [...this.sessions.values()]
      .filter((s) => s.event_id === ev.id)
      .sort((a, b) => a.starts_at.localeCompare(b.starts_at))
      .map((s) => ({
        session_id: s.id,
        title: s.title,
        capacity: s.capacity,
        attended: new Set(
          this.scans
            .filter((c) => c.session_id === s.id && c.direction === 'in' && !c.voided)
            .map((c) => this.root(c.visitor_id)),
        ).size,
        inside: this.inside(s.id),
      }));
    return {
      event_id: ev.id,
      registered: any.size,
      pre_registered: pre.size,
      walk_ins: [...any].filter((v) => !pre.has(v)).length,
      arrived: arrivals.size,
      arrived_pre_registered: arrivedPre,
      no_shows: pre.size - arrivedPre,
      sessions,
      per_hour: [...hours.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([hour, n]) => ({ hour, arrivals: n })),
    };
  }

  // ------------------------------------------------------------ people

  async registerWalkIn(w: WalkIn): Promise<WalkInResult> {
    await this.enter('registerWalkIn', [w]);
    const ev = this.event(w.event_id);
    const warnings: Warning[] = [];
    const fields = this.visitorFields(w.visitor, warnings);
    if (!w.consents.some((c) => c.purpose === CONSENT_PROCESSING && c.granted)) throw this.required('consent');
    const v: VisitorView = { id: uid(), badge_code: null, ...fields };
    v.badge_code = `E${v.id.slice(-7).toUpperCase()}`;
    this.visitors.set(v.id, v);
    this.bump();
    const reg = this.addReg(ev.id, v.id, 'walk_in', null, 'desk');
    reg.registered_ms = this.now();
    for (const c of w.consents) {
      this.consents.push({ visitor_id: v.id, purpose: c.purpose, granted: c.granted });
      this.bump();
    }
    const check_in = w.check_in ? this.scan(ev.id, { visitorId: v.id }, null, 'in') : null;
    return { visitor: { ...v }, registration_id: reg.id, warnings, check_in };
  }

  async suggest(field: string, text: string, context: Record<string, string>): Promise<Suggestion[]> {
    await this.enter('suggest', [field, text, context]);
    return [];
  }

  async similar(input: VisitorInput): Promise<Similar[]> {
    await this.enter('similar', [input]);
    const email = str(input.email).trim().toLowerCase();
    const key = nameKey(str(input.first_name), str(input.last_name));
    const phone = str(input.phone).replace(/\D/g, '');
    const out: Similar[] = [];
    for (const v of this.live()) {
      const sameEmail = email !== '' && v.email === email;
      const sameName = key !== '' && nameKey(v.first_name, v.last_name) === key;
      if (!sameEmail && !sameName) continue;
      const reason = sameEmail
        ? 'email'
        : input.birth_year != null && input.birth_year !== '' && v.birth_year === Number(input.birth_year)
          ? 'name_birth_year'
          : phone !== '' && (v.phone ?? '').replace(/\D/g, '').endsWith(phone.slice(1))
            ? 'name_phone'
            : 'name';
      out.push({ visitor: { ...v }, reason });
    }
    const order = (r: string) => (r === 'email' ? 0 : r === 'name' ? 2 : 1);
    return out.sort((a, b) => order(a.reason) - order(b.reason)).slice(0, 20);
  }

  async visitorDetail(id: string): Promise<VisitorDetail> {
    await this.enter('visitorDetail', [id]);
    const v = this.visitor(id);
    const merged = [...this.aliases.keys()].filter((a) => this.root(a) === v.id).sort();
    const registrations = this.regs
      .filter((r) => this.root(r.visitor_id) === v.id)
      .map((r) => {
        const ev = this.events.get(r.event_id)!;
        const at = this.earliest(ev.id, null, v.id);
        return {
          id: r.id,
          event_id: ev.id,
          event_title: ev.title,
          event_starts_local: ev.starts_local,
          kind: r.kind,
          source: r.source,
          ticket_code: r.ticket_code,
          status: r.status,
          arrived_at: at === null ? null : this.localOf(at, ev.timezone),
        };
      })
      .sort((a, b) => b.event_starts_local.localeCompare(a.event_starts_local));
    const latest = new Map<string, boolean>();
    for (const c of this.consents) if (this.root(c.visitor_id) === v.id) latest.set(c.purpose, c.granted);
    return {
      visitor: { ...v },
      merged_ids: merged,
      registrations,
      consents: [...latest.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([purpose, granted]) => ({ purpose, granted })),
    };
  }

  async updateVisitor(id: string, input: VisitorInput): Promise<UpdateVisitorResult> {
    await this.enter('updateVisitor', [id, input]);
    const v = this.visitor(id);
    const warnings: Warning[] = [];
    const fields = this.visitorFields(input, warnings);
    // Like the core: a value refused with a warning is "not given", so the
    // stored one stays.
    for (const w of warnings) delete (fields as Record<string, unknown>)[w.field];
    Object.assign(v, fields);
    this.bump();
    return { visitor: { ...v }, warnings };
  }

  async mergeVisitors(loser: string, winner: string): Promise<MergeResult> {
    await this.enter('mergeVisitors', [loser, winner]);
    const l = this.visitor(loser);
    const w = this.visitor(winner);
    if (l.id === w.id) {
      throw new MockError('merge.same_visitor', this.l('Impossible de fusionner une fiche avec elle-même.', 'A record cannot be merged into itself.'));
    }
    const copied: string[] = [];
    for (const k of ['first_name', 'last_name', 'email', 'phone', 'postcode', 'birth_year', 'situation', 'employment_id', 'notes', 'badge_code'] as const) {
      const wv = w[k];
      const lv = l[k];
      if ((wv === null || wv === '') && lv !== null && lv !== '') {
        (w as unknown as Record<string, unknown>)[k] = lv;
        copied.push(k);
      }
    }
    this.aliases.set(l.id, w.id);
    this.bump(2);
    this.emitStatus();
    return { winner: { ...w }, loser_id: l.id, fields_copied: copied };
  }

  /** Like the core's `duplicate_candidates` (a simpler close-name rule). */
  private pairs(eventId: string | null): { a: VisitorView; b: VisitorView; reason: string; score: number }[] {
    const around = eventId === null ? null : new Set(this.regs.filter((r) => r.event_id === eventId).map((r) => this.root(r.visitor_id)));
    const live = this.live().sort((x, y) => x.id.localeCompare(y.id));
    const out: { a: VisitorView; b: VisitorView; reason: string; score: number }[] = [];
    const digits = (p: string | null) => (p ?? '').replace(/\D/g, '') || null;
    // Only records sharing a name key or an email are compared (like the core).
    const groups = new Map<string, VisitorView[]>();
    for (const v of live) {
      for (const g of [`k:${nameKey(v.first_name, v.last_name)}`, v.email ? `e:${v.email}` : null]) {
        if (!g) continue;
        const members = groups.get(g);
        if (members) members.push(v);
        else groups.set(g, [v]);
      }
    }
    const seen = new Set<string>();
    for (const group of groups.values()) {
      for (let i = 0; i < group.length; i++) {
        for (let j = i + 1; j < group.length; j++) {
          const [a, b] = [group[i]!, group[j]!];
          if (seen.has(`${a.id}|${b.id}`)) continue;
          seen.add(`${a.id}|${b.id}`);
          if (this.dismissed.has(`${a.id}|${b.id}`)) continue;
          if (around && !around.has(a.id) && !around.has(b.id)) continue;
          if (a.birth_year !== null && b.birth_year !== null && a.birth_year !== b.birth_year) continue;
          const sameKey = nameKey(a.first_name, a.last_name) === nameKey(b.first_name, b.last_name);
          const email = a.email !== null && a.email === b.email;
          const phone = digits(a.phone) !== null && digits(a.phone) === digits(b.phone);
          const year = a.birth_year !== null && a.birth_year === b.birth_year;
          let reason: string | null = null;
          let score = 0;
          if (sameKey) {
            const hits = [email && 'name_email', phone && 'name_phone', year && 'name_birth_year'].filter((h): h is string => !!h);
            if (hits.length > 0) {
              reason = hits[0]!;
              score = (reason === 'name_email' ? 95 : reason === 'name_phone' ? 90 : 80) + 2 * (hits.length - 1);
            } else if (!((a.email && b.email) || (digits(a.phone) && digits(b.phone)))) {
              [reason, score] = ['name', 50];
            }
          } else if (email) {
            const ta = tokens(`${a.first_name} ${a.last_name}`);
            const tb = tokens(`${b.first_name} ${b.last_name}`);
            const [short, long] = ta.length <= tb.length ? [ta, tb] : [tb, ta];
            if (short.length > 0 && short.every((t) => long.some((l) => l === t || withinOneEdit(t, l)))) {
              [reason, score] = ['email_close_name', 75 + 2 * (Number(phone) + Number(year))];
            }
          }
          if (reason) out.push({ a, b, reason, score: Math.min(score, 100) });
        }
      }
    }
    return out.sort((x, y) => y.score - x.score || x.a.last_name.localeCompare(y.a.last_name));
  }

  private side(v: VisitorView): DuplicateSide {
    const regs = this.regs
      .filter((r) => this.root(r.visitor_id) === v.id)
      .map((r) => ({ r, ev: this.events.get(r.event_id)! }))
      .sort((x, y) => y.ev.starts_local.localeCompare(x.ev.starts_local));
    const last = regs[0];
    return {
      visitor: { ...v },
      registrations: regs.length,
      arrivals: regs.filter(({ ev }) => this.earliest(ev.id, null, v.id) !== null).length,
      sources: [...new Set(regs.map(({ r }) => r.source))],
      last_event: last ? last.ev.title : null,
      last_event_starts_local: last ? last.ev.starts_local : null,
    };
  }

  async duplicateCandidates(eventId: string | null): Promise<DuplicateView[]> {
    await this.enter('duplicateCandidates', [eventId]);
    if (eventId !== null) this.event(eventId);
    return this.pairs(eventId).map((p) => ({ a: this.side(p.a), b: this.side(p.b), reason: p.reason, score: p.score }));
  }

  async notDuplicate(a: string, b: string): Promise<DismissedPair> {
    await this.enter('notDuplicate', [a, b]);
    const [va, vb] = [this.visitor(a), this.visitor(b)].sort((x, y) => x.id.localeCompare(y.id)) as [VisitorView, VisitorView];
    if (va.id === vb.id) throw this.invalid('id', b);
    this.dismissed.add(`${va.id}|${vb.id}`);
    this.bump();
    this.emitStatus();
    return { a: { ...va }, b: { ...vb } };
  }

  async registrations(eventId: string, filter: RegistrationFilter): Promise<RegistrationPage> {
    await this.enter('registrations', [eventId, filter]);
    const ev = this.event(eventId);
    const byRoot = new Map<string, { kind: RegistrationRow['kind']; ticket: string | null; registered: number }>();
    for (const r of this.regs) {
      if (r.event_id !== ev.id) continue;
      const root = this.root(r.visitor_id);
      const prev = byRoot.get(root);
      if (!prev) byRoot.set(root, { kind: r.kind, ticket: r.ticket_code, registered: r.registered_ms });
      else if (r.kind === 'pre') byRoot.set(root, { kind: 'pre', ticket: r.ticket_code ?? prev.ticket, registered: Math.min(prev.registered, r.registered_ms) });
    }
    const qt = tokens(filter.query);
    const code = filter.query.trim();
    let rows = [...byRoot.entries()].map(([id, r]) => {
      const at = this.earliest(ev.id, null, id);
      const sessionIds = new Set(
        this.scans.filter((s) => s.session_id && !s.voided && s.direction === 'in' && this.root(s.visitor_id) === id).map((s) => s.session_id!),
      );
      return {
        row: {
          visitor: { ...this.visitors.get(id)! },
          kind: r.kind,
          arrived_at: at === null ? null : this.localOf(at, ev.timezone),
          sessions: [...sessionIds].map((s) => this.sessions.get(s)!.title),
          ticket_code: r.ticket,
        } satisfies RegistrationRow,
        at,
        registered: r.registered,
        sessionIds,
      };
    });
    rows = rows.filter(({ row, sessionIds }) => {
      if (filter.show === 'arrived' && row.arrived_at === null) return false;
      if (filter.show === 'not_arrived' && row.arrived_at !== null) return false;
      if (filter.show === 'walk_ins' && row.kind !== 'walk_in') return false;
      if (filter.session_id && !sessionIds.has(filter.session_id)) return false;
      if (qt.length > 0) {
        const words = tokens(`${row.visitor.first_name} ${row.visitor.last_name} ${row.visitor.email ?? ''}`);
        const byName = qt.every((t) => words.some((w) => w.startsWith(t)));
        const byCode = code !== '' && (row.ticket_code === code || row.visitor.badge_code === code.toUpperCase());
        if (!byName && !byCode) return false;
      }
      return true;
    });
    const name = (v: VisitorView) => fold(`${v.last_name} ${v.first_name}`);
    rows.sort((a, b) => {
      if (filter.sort === 'arrival') {
        if (a.at === null && b.at !== null) return 1;
        if (b.at === null && a.at !== null) return -1;
        if (a.at !== b.at) return (b.at ?? 0) - (a.at ?? 0);
      } else if (filter.sort === 'registered' && a.registered !== b.registered) {
        return b.registered - a.registered;
      }
      return name(a.row.visitor).localeCompare(name(b.row.visitor));
    });
    return { total: rows.length, rows: rows.slice(filter.offset, filter.offset + filter.limit).map((r) => r.row) };
  }

  // ------------------------------------------------------------ import / export

  private openImport(path: string): MockFile {
    const p = path.trim();
    if (p === '') throw this.required('path');
    if (/\.(pdf|docx?|png|jpe?g|zip|odt)$/i.test(p)) {
      throw new MockError(
        'import.not_a_spreadsheet',
        this.l(
          "Ce fichier n'est pas un tableur : enregistrez-le en CSV ou en XLSX (Excel) puis recommencez.",
          'This file is not a spreadsheet: save it as CSV or XLSX (Excel) and try again.',
        ),
      );
    }
    const f = this.files[p];
    if (!f) throw new MockError('import.io', this.l('Fichier introuvable : vérifiez le chemin.', 'File not found: check the path.'));
    return f;
  }

  private mappingOf(f: MockFile, given?: ColumnMapping | null): ColumnMapping {
    const m = emptyMapping();
    const src: Record<string, number | null | undefined> = given ? { ...given.fields, ...given, fields: undefined } as never : f.mapping;
    for (const [k, v] of Object.entries(src)) {
      if (v === null || v === undefined || typeof v !== 'number') continue;
      if (v < 0 || v >= f.headers.length) {
        throw new MockError('import.bad_mapping', this.l(`La colonne n° ${v + 1} n'existe pas dans ce fichier.`, `Column number ${v + 1} does not exist in this file.`));
      }
      setMapped(m, k, v);
    }
    if (mapped(m, 'first_name') === null && mapped(m, 'last_name') === null && m.full_name === null) {
      throw new MockError(
        'import.no_name_column',
        this.l(
          'Aucune colonne de nom trouvée : il faut une colonne Prénom, Nom ou Nom complet.',
          'No name column found: a First name, Last name or Full name column is needed.',
        ),
      );
    }
    return m;
  }

  private async runImport(
    eventId: string,
    path: string,
    given: ColumnMapping | null | undefined,
    dry: boolean,
    onProgress?: (p: ImportProgress) => void,
  ): Promise<ImportReport> {
    const ev = this.event(eventId);
    const f = this.openImport(path);
    const m = this.mappingOf(f, given);
    const cell = (row: string[], i: number | null) => (i === null ? '' : (row[i] ?? '').trim());
    const report: ImportReport = {
      event_id: ev.id,
      dry_run: dry,
      detected: { format: f.format, encoding: f.encoding, delimiter: f.delimiter, header_row: f.header_row, headers: [...f.headers], mapping: m },
      rows: 0,
      new_visitors: 0,
      known_visitors: 0,
      already_imported: 0,
      merges_proposed: 0,
      skipped: 0,
      skipped_by_reason: {},
      warnings: 0,
      issues: [],
      issues_not_listed: 0,
    };
    const issue = (i: RowIssue) => (report.issues.length < 1000 ? report.issues.push(i) : report.issues_not_listed++);
    const skip = (line: number, code: string, detail = '') => {
      report.skipped += 1;
      report.skipped_by_reason[code] = (report.skipped_by_reason[code] ?? 0) + 1;
      issue({ line, kind: 'skipped', code, detail, candidates: [] });
    };
    const byEmail = new Map(this.live().filter((v) => v.email).map((v) => [v.email!, v.id]));
    const byName = new Map<string, string[]>();
    for (const v of this.live()) {
      const k = nameKey(v.first_name, v.last_name);
      byName.set(k, [...(byName.get(k) ?? []), v.id]);
    }
    const seen = new Set(this.regs.filter((r) => r.event_id === ev.id && r.source === path).map((r) => r.source_key));
    const step = Math.max(1, Math.ceil(f.rows.length / 20));
    for (let i = 0; i < f.rows.length; i++) {
      const row = f.rows[i]!;
      const line = f.header_row + i + 2;
      report.rows += 1;
      if (onProgress && i % step === 0) {
        onProgress({ bytes_read: Math.floor((f.size * i) / f.rows.length), total_bytes: f.size, rows: i });
        await new Promise((r) => setTimeout(r, 0));
      }
      const status = fold(cell(row, m.status));
      if (/rembourse|refund/.test(status)) {
        skip(line, 'refunded', cell(row, m.status));
        continue;
      }
      if (/annule|cancel/.test(status)) {
        skip(line, 'cancelled', cell(row, m.status));
        continue;
      }
      let first = cell(row, mapped(m, 'first_name'));
      let last = cell(row, mapped(m, 'last_name'));
      if (!first && !last && m.full_name !== null) {
        const parts = cell(row, m.full_name).split(/\s+/).filter(Boolean);
        first = parts[0] ?? '';
        last = parts.slice(1).join(' ');
      }
      if (!first && !last) {
        skip(line, 'no_name');
        continue;
      }
      const key = cell(row, m.source_key) || cell(row, m.ticket_code) || String(line);
      if (seen.has(key)) {
        report.already_imported += 1;
        continue;
      }
      seen.add(key);
      const warnings: Warning[] = [];
      let fields: ReturnType<MockBackend['visitorFields']>;
      try {
        fields = this.visitorFields(
          {
            first_name: first,
            last_name: last,
            email: cell(row, mapped(m, 'email')),
            phone: cell(row, mapped(m, 'phone')),
            postcode: cell(row, mapped(m, 'postcode')),
            birth_year: mapped(m, 'birth_year') === null ? null : Number(cell(row, mapped(m, 'birth_year'))) || null,
            situation: '',
            employment_id: cell(row, mapped(m, 'employment_id')),
            notes: cell(row, mapped(m, 'notes')),
          },
          warnings,
        );
      } catch (e) {
        skip(line, (e as MockError).code);
        continue;
      }
      for (const w of warnings) {
        report.warnings += 1;
        issue({ line, kind: 'warning', code: w.code, detail: w.value, candidates: [] });
      }
      let vid = fields.email ? byEmail.get(fields.email) : undefined;
      if (vid) {
        report.known_visitors += 1;
      } else {
        const k = nameKey(first, last);
        const same = byName.get(k) ?? [];
        if (same.length > 0) {
          report.merges_proposed += 1;
          issue({ line, kind: 'merge_proposed', code: 'same_name', detail: `${first} ${last}`, candidates: same.slice(0, 5) });
        }
        report.new_visitors += 1;
        if (!dry) {
          const v = this.addVisitor(fields);
          vid = v.id;
          byName.set(k, [...same, v.id]);
          if (fields.email) byEmail.set(fields.email, v.id);
        }
      }
      if (!dry && vid) this.addReg(ev.id, vid, 'pre', cell(row, m.ticket_code) || null, path, key);
    }
    onProgress?.({ bytes_read: f.size, total_bytes: f.size, rows: report.rows });
    return report;
  }

  async importPreview(eventId: string, path: string, mapping?: ColumnMapping | null): Promise<ImportPreview> {
    await this.enter('importPreview', [eventId, path, mapping ?? null]);
    const report = await this.runImport(eventId, path, mapping, true);
    const f = this.files[path.trim()]!;
    const m = report.detected.mapping;
    const cell = (row: string[], i: number | null) => (i === null ? '' : (row[i] ?? '').trim());
    const sample: ImportRecord[] = f.rows.slice(0, 8).map((row, i) => {
      let first = cell(row, mapped(m, 'first_name'));
      let last = cell(row, mapped(m, 'last_name'));
      if (!first && !last && m.full_name !== null) {
        const parts = cell(row, m.full_name).split(/\s+/).filter(Boolean);
        first = parts[0] ?? '';
        last = parts.slice(1).join(' ');
      }
      const fields: Record<string, string> = { first_name: first, last_name: last };
      for (const name of Object.keys(m.fields)) {
        if (name !== 'first_name' && name !== 'last_name') fields[name] = cell(row, mapped(m, name));
      }
      return {
        line: f.header_row + i + 2,
        fields: Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== '')),
        situation_raw: '',
        source_key: cell(row, m.source_key),
        ticket_code: cell(row, m.ticket_code),
        registered_at: cell(row, m.registered_at),
        from_payer: false,
      };
    });
    return { report, headers: [...f.headers], sample };
  }

  async importCommit(
    eventId: string,
    path: string,
    mapping: ColumnMapping | null,
    onProgress: (p: ImportProgress) => void,
  ): Promise<ImportReport> {
    await this.enter('importCommit', [eventId, path, mapping]);
    // All or nothing: validate everything with a dry run first.
    await this.runImport(eventId, path, mapping, true);
    return this.runImport(eventId, path, mapping, false, onProgress);
  }

  async exportEvent(eventId: string, format: ExportFormat, path: string): Promise<ExportReport> {
    await this.enter('exportEvent', [eventId, format, path]);
    const ev = this.event(eventId);
    if (path.trim() === '') throw this.required('path');
    if (path.endsWith('/')) {
      throw new MockError(
        'export.failed',
        this.l(`L'export a échoué : ${path} est un dossier. Aucun fichier partiel n'a été laissé.`, `The export failed: ${path} is a folder. No partial file was left behind.`),
      );
    }
    const people = new Set(this.regs.filter((r) => r.event_id === ev.id).map((r) => this.root(r.visitor_id)));
    return { path: path.trim(), rows: people.size, format };
  }

  // ------------------------------------------------------------ sync

  async syncStatus(): Promise<SyncView> {
    await this.enter('syncStatus', []);
    return this.syncView();
  }

  async syncEnroll(url: string, code: string, deviceName: string | null): Promise<SyncView> {
    await this.enter('syncEnroll', [url, code, deviceName]);
    const link = scannedLink(code) ?? scannedLink(url);
    const hubUrl = (link ? link.hub || url : url).trim().replace(/\/+$/, '');
    const typed = (link ? link.code : code).trim();
    if (hubUrl === '') {
      throw new MockError(
        'input.required',
        this.l('Indiquez l’adresse du serveur, par exemple https://hub.exemple.fr:8787.', 'Enter the hub’s address, for example https://hub.example.org:8787.'),
        'url',
      );
    }
    if (typed === '') {
      throw new MockError(
        'input.required',
        this.l('Indiquez le code d’inscription donné par l’administrateur (ou scannez son QR code).', 'Enter the enrolment code the administrator gave you (or scan its QR code).'),
        'code',
      );
    }
    const dev = this.info.org_name === null ? this.text('device', deviceName ?? '', MAX_SHORT) : this.info.device_name;
    if (!dev) throw this.required('device');
    if (!/^https?:\/\/\S+$/.test(hubUrl)) {
      throw new MockError(
        'sync.bad_url',
        this.l(`Adresse de serveur invalide : ${hubUrl}. Exemple : https://hub.exemple.fr:8787`, `Invalid hub URL: ${hubUrl}. Example: https://hub.example.org:8787`),
        'url',
      );
    }
    if (!this.hub.online || hubUrl !== this.hub.url) throw this.offline();
    const norm = (c: string) => c.replace(/[-\s]/g, '').toUpperCase();
    const i = this.hub.codes.findIndex((c) => norm(c) === norm(typed));
    if (i < 0) {
      throw new MockError(
        'enroll.unknown_code',
        this.l('Code d’inscription inconnu : vérifiez-le ou demandez-en un nouveau.', 'Unknown enrolment code: check it or ask for a new one.'),
        'code',
      );
    }
    this.hub.codes.splice(i, 1);
    if (this.info.org_name === null) {
      this.info.org_name = this.hub.orgName;
      this.info.device_name = dev;
      this.bump(1);
    }
    this.syncState = { ...this.syncState, enrolled: true, hub_url: this.hub.url, org_name: this.hub.orgName };
    this.emitStatus();
    this.backgroundSync();
    return this.syncView();
  }

  async readEnrolmentLink(text: string): Promise<EnrolmentLink | null> {
    await this.enter('readEnrolmentLink', [text]);
    return scannedLink(text);
  }

  async syncNow(): Promise<SyncView> {
    await this.enter('syncNow', []);
    if (!this.syncState.enrolled) {
      throw new MockError(
        'sync.not_enrolled',
        this.l('Cet ordinateur n’est relié à aucun serveur.', 'This laptop is not enrolled with a hub.'),
      );
    }
    this.backgroundSync();
    return this.syncView();
  }

  async quitApp(): Promise<void> {
    await this.enter('quitApp', []);
    this.quitRequested = true;
  }

  onSyncStatus(handler: (view: SyncView) => void): Promise<() => void> {
    this.statusListeners.add(handler);
    return Promise.resolve(() => this.statusListeners.delete(handler));
  }

  onDataChanged(handler: () => void): Promise<() => void> {
    this.dataListeners.add(handler);
    return Promise.resolve(() => this.dataListeners.delete(handler));
  }

  onCloseRequested(handler: (request: CloseRequest) => void): Promise<() => void> {
    this.closeListeners.add(handler);
    return Promise.resolve(() => this.closeListeners.delete(handler));
  }

  // ------------------------------------------------------------ stand peers

  async peerShareStart(): Promise<PeerShareView> {
    await this.enter('peerShareStart', []);
    if (this.info.org_name === null) {
      throw new MockError('store.not_initialised', this.l('Ce poste n’est pas encore configuré.', 'This laptop is not set up yet.'));
    }
    this.sharing ??= {
      code: '3141-5926',
      addresses: ['192.168.1.20:41234'],
      expires_at_ms: this.now() + 10 * 60_000,
      discovery_error: null,
    };
    return this.sharing;
  }

  async peerShareStop(): Promise<void> {
    await this.enter('peerShareStop', []);
    this.sharing = null;
  }

  async peerJoin(code: string, address: string | null, deviceName: string | null): Promise<PeerJoinView> {
    await this.enter('peerJoin', [code, address, deviceName]);
    const digits = code.replace(/\D/g, '');
    if (digits.length !== 8 || /[^\d\s-]/.test(code)) {
      throw new MockError(
        'peer.bad_code',
        this.l(
          'Code de jumelage invalide : tapez les 8 chiffres affichés sur l’ordinateur qui partage (par exemple 4827-1953).',
          'Invalid pairing code: type the 8 digits shown on the sharing laptop (e.g. 4827-1953).',
        ),
        'code',
      );
    }
    const dev = this.info.org_name === null ? this.text('device', deviceName ?? '', MAX_SHORT) : this.info.device_name;
    if (!dev) throw this.required('device');
    if (!this.peer.found && !address) {
      throw new MockError(
        'peer.not_found',
        this.l('Aucun ordinateur ne partage sur le réseau local.', 'No laptop is sharing on the local network.'),
        'address',
      );
    }
    if (digits !== this.peer.code.replace(/\D/g, '')) {
      throw new MockError(
        'peer.wrong_code',
        this.l(
          'Code de jumelage incorrect : rien n’a été échangé. Vérifiez le code affiché sur l’ordinateur qui partage.',
          'Wrong pairing code: nothing was exchanged. Check the code shown on the sharing laptop.',
        ),
        'code',
      );
    }
    const joinedOrg = this.info.org_name === null;
    if (joinedOrg) {
      this.info.org_name = this.hub.orgName;
      this.info.device_name = dev;
    }
    const pulled = this.peer.ops;
    const pushed = this.info.unsynced_ops;
    this.peer.ops = 0;
    this.info.ops += pulled;
    if (pulled > 0) for (const h of this.dataListeners) h();
    const name = this.peer.name;
    return {
      peer_device_name: name,
      peer_addr: address ?? '192.168.1.20:41234',
      joined_org: joinedOrg,
      pulled,
      pushed,
      message: this.l(`Échange terminé avec ${name} : ${pulled} opérations reçues, ${pushed} envoyées.`, `Exchange with ${name} done: ${pulled} operations received, ${pushed} sent.`),
    };
  }

  onPeerEvent(handler: (event: PeerEventView) => void): Promise<() => void> {
    this.peerListeners.add(handler);
    return Promise.resolve(() => this.peerListeners.delete(handler));
  }

  /** A laptop joined this sharing one (what the Rust side emits). */
  peerJoined(name: string, received: number, sent: number): void {
    const event: PeerEventView = {
      event: 'joined',
      message: this.l(`${name} a rejoint : ${sent} opérations envoyées, ${received} reçues.`, `${name} joined: ${sent} operations sent, ${received} received.`),
      device_name: name,
      received,
      sent,
    };
    this.info.ops += received;
    for (const h of this.peerListeners) h(event);
    if (received > 0) for (const h of this.dataListeners) h();
  }

  /** Sharing ended by itself (the code expired). */
  peerClosed(): void {
    this.sharing = null;
    const event: PeerEventView = {
      event: 'closed',
      message: this.l('Ce code de jumelage a expiré. Relancez le partage pour obtenir un nouveau code.', 'This pairing code has expired. Start sharing again to get a new code.'),
      device_name: null,
      received: 0,
      sent: 0,
    };
    for (const h of this.peerListeners) h(event);
  }

  // ------------------------------------------------------------ sync test helpers

  syncView(): SyncView {
    const s = this.syncState;
    return {
      ...s,
      // Rust keeps the error in both languages: it follows `setLanguage`.
      error: s.error ? { ...s.error, message: this.offline().message } : null,
      unsynced_ops: s.enrolled ? this.info.unsynced_ops : 0,
      clock_off: s.skew_ms !== null && Math.abs(s.skew_ms) > SKEW_WARN_MS,
      duplicates: this.pairs(null).length,
    };
  }

  private offline(): MockError {
    return new MockError(
      'sync.offline',
      this.l(
        'Le serveur est injoignable. Rien n’est perdu : les opérations restent sur cet ordinateur et partiront dès qu’il répondra.',
        'The hub cannot be reached. Nothing is lost: the operations stay on this laptop and leave as soon as it answers.',
      ),
    );
  }

  private emitStatus(): void {
    const v = this.syncView();
    for (const h of this.statusListeners) h(v);
  }

  /** What the background task does: one sync with the hub, then the events. */
  backgroundSync(): void {
    if (!this.syncState.enrolled) return;
    const now = this.now();
    if (this.hub.online) {
      const pulled = this.hub.pending;
      this.hub.pending = 0;
      this.info.ops += pulled;
      this.info.unsynced_ops = 0;
      this.syncState = { ...this.syncState, online: true, last_success_ms: now, last_attempt_ms: now, skew_ms: this.hub.skewMs, error: null };
      this.emitStatus();
      if (pulled > 0) for (const h of this.dataListeners) h();
    } else {
      const e = this.offline();
      this.syncState = { ...this.syncState, online: false, last_attempt_ms: now, error: { code: 'sync.offline', message: e.message, field: null } };
      this.emitStatus();
    }
  }

  /** Another laptop checked `visitorId` in; this one learns it at its next sync. */
  otherLaptopCheckIn(eventId: string, visitorId: string): void {
    const last = this.scans.at(-1)?.at_ms ?? 0;
    this.scans.push({
      id: uid(),
      event_id: eventId,
      session_id: null,
      visitor_id: this.root(visitorId),
      direction: 'in',
      at_ms: Math.max(this.now(), last + 1),
      voided: false,
      here: false,
    });
    this.hub.pending += 1;
  }

  /** The hub goes away or comes back (the next background sync notices). */
  setHubOnline(online: boolean): void {
    this.hub.online = online;
  }

  /** The window's close button: true when it closes at once, else the UI is asked. */
  requestClose(): boolean {
    const v = this.syncView();
    if (this.quitRequested || !v.enrolled || v.unsynced_ops === 0) return true;
    for (const h of this.closeListeners) h({ unsynced_ops: v.unsynced_ops });
    return false;
  }

  // ------------------------------------------------------------ dialogs

  async pickOpenFile(): Promise<string | null> {
    await this.enter('pickOpenFile', []);
    return this.openFile;
  }

  async pickSaveFile(defaultName: string): Promise<string | null> {
    await this.enter('pickSaveFile', [defaultName]);
    return this.saveFile === undefined ? `/home/escale/${defaultName}` : this.saveFile;
  }
}

/**
 * The mock's stand-in for Rust's `EnrolmentLink::parse` (the app asks Rust
 * through `read_enrolment_link`): enough for the links the fake hub's tests type.
 */
function scannedLink(text: string): EnrolmentLink | null {
  const t = text.trim();
  if (!/^escale:\/\/enroll\?/i.test(t)) return null;
  const params = new URLSearchParams(t.slice(t.indexOf('?') + 1));
  const get = (name: string) => [...params].find(([key]) => key.toLowerCase() === name)?.[1].trim() ?? '';
  return { hub: get('hub'), code: get('code') };
}
