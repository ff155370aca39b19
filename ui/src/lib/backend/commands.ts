// The one mapping of the Backend's methods to the app's commands: names,
// argument shapes and events, over a Transport (Tauri's IPC in the app,
// tauri.ts; the UI bridge in the component tests, bridge.ts). Owned by
// desk-backend.
//
// - Command names are typed by the generated `CommandName`, event names by
//   `EventName` (bindings/), and a Rust test (src-tauri/tests/bindings.rs)
//   checks that the names passed to `call(...)` below are exactly the
//   registered commands: keep the `this.call<T>('name', …)` form so that
//   test can read them.
// - Arguments are camelCase here; Tauri maps them to the Rust snake_case
//   parameters. Optional arguments are sent as null, never left out.
// - Every rejection is a `BackendError` `{code, message, field}` with the
//   message already translated by Rust (see `setLanguage`).
import type { Backend } from './backend';
import type { CommandName } from './bindings/CommandName';
import type { EventName } from './bindings/EventName';
import type {
  AppStatus,
  AssignInput,
  BadgeSize,
  Board,
  Coworker,
  EndedUse,
  JoinInput,
  Moved,
  Occupancy,
  PassInput,
  PassView,
  PrintQuota,
  DocumentPrinted,
  Skipped,
  StationInput,
  StationSettings,
  StationView,
  TicketView,
  UseView,
  BadgesReport,
  Batch,
  CertificatePreview,
  CertificatesReport,
  BackendError,
  CheckInMethod,
  CheckInOutcome,
  CheckInTarget,
  CloseRequest,
  ColumnMapping,
  DemoReport,
  EnrolmentLink,
  DismissedPair,
  DuplicatePage,
  EventInput,
  EventStats,
  EventView,
  ExportFormat,
  ExportReport,
  ImportPreview,
  ImportProgress,
  ImportReport,
  JobProgress,
  Lang,
  LockState,
  MediationFilter,
  MediationInput,
  MediationView,
  MergeResult,
  OrgIdentity,
  OrgImage,
  PeerEventView,
  PeerJoinView,
  PeerShareView,
  Printer,
  RegistrationFilter,
  RegistrationPage,
  Report,
  ReportFormat,
  ReportQuery,
  SearchHit,
  SessionInput,
  SessionView,
  SignedIn,
  Similar,
  Suggestion,
  StaffChange,
  StaffInput,
  StaffView,
  AuditEntry,
  AuditFilter,
  ConsentInput,
  Retention,
  RetentionPreview,
  SyncView,
  UpdateVisitorResult,
  VisitorDetail,
  VisitorInput,
  WalkIn,
  WalkInResult,
  Written,
} from './types';

/** The event `import_commit` emits while it reads (Rust `PROGRESS_EVENT`). */
const IMPORT_PROGRESS: EventName = 'import-progress';
/** The event a long batch emits as it goes (Rust `jobs::PROGRESS_EVENT`). */
const JOB_PROGRESS: EventName = 'job-progress';
/** Events of the background sync and of closing (Rust `sync.rs`, `commands/sync.rs`). */
const SYNC_STATUS: EventName = 'sync-status';
const DATA_CHANGED: EventName = 'data-changed';
const CLOSE_REQUESTED: EventName = 'close-requested';
/** This laptop moved its displaced station sessions (Rust `sync::STATIONS_MOVED_EVENT`). */
const STATIONS_MOVED: EventName = 'stations-moved';
/** The sharing laptop's events (Rust `commands/peer.rs`). */
const PEER_EVENT: EventName = 'peer-event';

/** Arguments of a command, camelCase (Tauri maps them to the Rust parameters). */
export type CommandArgs = Record<string, unknown>;

/**
 * How commands reach the app and its events come back: Tauri's `invoke` and
 * `listen` in the app (tauri.ts), the UI bridge's pipes in the component
 * tests (bridge.ts). `invoke` rejects with what Rust sent.
 */
export interface Transport {
  invoke<T>(command: CommandName, args?: CommandArgs): Promise<T>;
  /** Resolves to an unsubscribe function. */
  listen<T>(event: EventName, handler: (payload: T) => void): Promise<() => void>;
}

/** What an "open file" dialog offers. */
export type OpenKind = 'spreadsheet' | 'image' | 'pdf';

/** The OS file dialogs (not commands: Tauri's dialog plugin in the app). */
export interface Dialogs {
  /** "Open file": spreadsheets (CSV/XLSX) or images (PNG/JPEG); null when cancelled. */
  pickOpenFile(kind?: OpenKind): Promise<string | null>;
  /** "Save as", starting from `defaultName`; null when cancelled. */
  pickSaveFile(defaultName: string): Promise<string | null>;
}

/**
 * Rust rejects with an `ErrorBody`; Tauri itself rejects with a string when
 * the arguments do not deserialize (a bug on this side): make that a
 * `BackendError` too, so the UI handles one shape.
 */
function toBackendError(e: unknown): BackendError {
  if (typeof e === 'object' && e !== null && 'code' in e && 'message' in e) {
    return e as BackendError;
  }
  return { code: 'internal', message: String(e), field: null };
}

function targetArgs(target: CheckInTarget): { visitorId: string | null; code: string | null } {
  return 'visitorId' in target
    ? { visitorId: target.visitorId, code: null }
    : { visitorId: null, code: target.code };
}

export class CommandBackend implements Backend {
  constructor(
    private readonly transport: Transport,
    private readonly dialogs: Dialogs,
  ) {}

  private async call<T>(command: CommandName, args?: CommandArgs): Promise<T> {
    try {
      return await this.transport.invoke<T>(command, args);
    } catch (e) {
      throw toBackendError(e);
    }
  }

  // ------------------------------------------------------------ app

  status(): Promise<AppStatus> {
    return this.call<AppStatus>('status');
  }

  setLanguage(lang: Lang): Promise<void> {
    return this.call<void>('set_language', { lang });
  }

  firstRun(orgName: string, deviceName: string, lang: Lang): Promise<AppStatus> {
    return this.call<AppStatus>('first_run', { orgName, deviceName, lang });
  }

  loadDemo(visitors: number): Promise<DemoReport> {
    return this.call<DemoReport>('load_demo', { visitors });
  }

  // ------------------------------------------------------------ staff accounts and the lock

  lockState(): Promise<LockState> {
    return this.call<LockState>('lock_state');
  }

  unlock(name: string, pin: string): Promise<SignedIn> {
    return this.call<SignedIn>('unlock', { name, pin });
  }

  unlockBadge(code: string): Promise<SignedIn> {
    return this.call<SignedIn>('unlock_badge', { code });
  }

  lock(): Promise<void> {
    return this.call<void>('lock');
  }

  touch(): Promise<boolean> {
    return this.call<boolean>('touch');
  }

  addStaff(input: StaffInput): Promise<StaffView> {
    return this.call<StaffView>('add_staff', { input });
  }

  updateStaff(staff: string, change: StaffChange): Promise<StaffView> {
    return this.call<StaffView>('update_staff', { staff, change });
  }

  staffList(): Promise<StaffView[]> {
    return this.call<StaffView[]>('staff_list');
  }

  setLockMinutes(minutes: number): Promise<number> {
    return this.call<number>('set_lock_minutes', { minutes });
  }

  // ------------------------------------------------------------ privacy

  auditLog(filter: AuditFilter): Promise<AuditEntry[]> {
    return this.call<AuditEntry[]>('audit_log', { filter });
  }

  exportAudit(filter: AuditFilter, path: string): Promise<number> {
    return this.call<number>('export_audit', { filter, path });
  }

  auditRetentionDays(): Promise<number> {
    return this.call<number>('audit_retention_days');
  }

  setAuditRetentionDays(days: number): Promise<number> {
    return this.call<number>('set_audit_retention_days', { days });
  }

  exportVisitorData(visitorId: string, path: string): Promise<number> {
    return this.call<number>('export_visitor_data', { visitorId, path });
  }

  setConsent(visitorId: string, consent: ConsentInput): Promise<void> {
    return this.call<void>('set_consent', { visitorId, consent });
  }

  eraseVisitor(visitorId: string): Promise<string[]> {
    return this.call<string[]>('erase_visitor', { visitorId });
  }

  anonymiseVisitor(visitorId: string): Promise<string> {
    return this.call<string>('anonymise_visitor', { visitorId });
  }

  retentionPreview(): Promise<RetentionPreview> {
    return this.call<RetentionPreview>('retention_preview');
  }

  setRetention(months: number, walkinMonths: number): Promise<Retention> {
    return this.call<Retention>('set_retention', { months, walkinMonths });
  }

  anonymiseDue(): Promise<number> {
    return this.call<number>('anonymise_due');
  }

  // ------------------------------------------------------------ events

  listEvents(): Promise<EventView[]> {
    return this.call<EventView[]>('list_events');
  }

  getEvent(id: string): Promise<EventView> {
    return this.call<EventView>('get_event', { id });
  }

  createEvent(input: EventInput): Promise<EventView> {
    return this.call<EventView>('create_event', { input });
  }

  updateEvent(id: string, input: EventInput): Promise<EventView> {
    return this.call<EventView>('update_event', { id, input });
  }

  archiveEvent(eventId: string): Promise<void> {
    return this.call<void>('archive_event', { eventId });
  }

  listSessions(eventId: string): Promise<SessionView[]> {
    return this.call<SessionView[]>('list_sessions', { eventId });
  }

  addSession(eventId: string, input: SessionInput): Promise<SessionView> {
    return this.call<SessionView>('add_session', { eventId, input });
  }

  updateSession(id: string, input: SessionInput): Promise<SessionView> {
    return this.call<SessionView>('update_session', { id, input });
  }

  // ------------------------------------------------------------ desk

  search(eventId: string, query: string, limit: number, sessionId: string | null = null): Promise<SearchHit[]> {
    return this.call<SearchHit[]>('search', { eventId, query, limit, sessionId });
  }

  checkIn(
    eventId: string,
    target: CheckInTarget,
    sessionId: string | null,
    method: CheckInMethod,
  ): Promise<CheckInOutcome> {
    return this.call<CheckInOutcome>('check_in', { eventId, ...targetArgs(target), sessionId, method });
  }

  checkOut(
    eventId: string,
    target: CheckInTarget,
    sessionId: string | null,
    method: CheckInMethod,
  ): Promise<CheckInOutcome> {
    return this.call<CheckInOutcome>('check_out', { eventId, ...targetArgs(target), sessionId, method });
  }

  undoLast(eventId: string, sessionId: string | null): Promise<string> {
    return this.call<string>('undo_last', { eventId, sessionId });
  }

  eventStats(eventId: string): Promise<EventStats> {
    return this.call<EventStats>('event_stats', { eventId });
  }

  // ------------------------------------------------------------ people

  registerWalkIn(walkIn: WalkIn): Promise<WalkInResult> {
    return this.call<WalkInResult>('register_walk_in', { walkIn });
  }

  similar(input: VisitorInput): Promise<Similar[]> {
    return this.call<Similar[]>('similar', { input });
  }

  suggest(field: string, text: string, context: Record<string, string>): Promise<Suggestion[]> {
    return this.call<Suggestion[]>('suggest_values', { field, text, context });
  }

  visitorDetail(id: string): Promise<VisitorDetail> {
    return this.call<VisitorDetail>('visitor_detail', { id });
  }

  updateVisitor(id: string, input: VisitorInput): Promise<UpdateVisitorResult> {
    return this.call<UpdateVisitorResult>('update_visitor', { id, input });
  }

  mergeVisitors(loser: string, winner: string): Promise<MergeResult> {
    return this.call<MergeResult>('merge_visitors', { loser, winner });
  }

  duplicateCandidates(eventId: string | null, offset = 0, limit = 20): Promise<DuplicatePage> {
    return this.call<DuplicatePage>('duplicate_candidates', { eventId, offset, limit });
  }

  notDuplicate(a: string, b: string): Promise<DismissedPair> {
    return this.call<DismissedPair>('not_duplicate', { a, b });
  }

  registrations(eventId: string, filter: RegistrationFilter): Promise<RegistrationPage> {
    return this.call<RegistrationPage>('registrations', { eventId, filter });
  }

  // ------------------------------------------------------------ import / export

  importPreview(eventId: string, path: string, mapping: ColumnMapping | null = null): Promise<ImportPreview> {
    return this.call<ImportPreview>('import_preview', { eventId, path, mapping });
  }

  async importCommit(
    eventId: string,
    path: string,
    mapping: ColumnMapping | null,
    onProgress: (p: ImportProgress) => void,
  ): Promise<ImportReport> {
    const unlisten = await this.transport.listen<ImportProgress>(IMPORT_PROGRESS, onProgress);
    try {
      return await this.call<ImportReport>('import_commit', { eventId, path, mapping });
    } finally {
      unlisten();
    }
  }

  exportEvent(eventId: string, format: ExportFormat, path: string): Promise<ExportReport> {
    return this.call<ExportReport>('export_event', { eventId, format, path });
  }

  // ------------------------------------------------------------ sync

  syncStatus(): Promise<SyncView> {
    return this.call<SyncView>('sync_status');
  }

  syncEnroll(url: string, code: string, deviceName: string | null): Promise<SyncView> {
    return this.call<SyncView>('sync_enroll', { url, code, deviceName });
  }

  readEnrolmentLink(text: string): Promise<EnrolmentLink | null> {
    return this.call<EnrolmentLink | null>('read_enrolment_link', { text });
  }

  syncNow(): Promise<SyncView> {
    return this.call<SyncView>('sync_now');
  }

  quitApp(): Promise<void> {
    return this.call<void>('quit_app');
  }

  onSyncStatus(handler: (view: SyncView) => void): Promise<() => void> {
    return this.transport.listen<SyncView>(SYNC_STATUS, handler);
  }

  onDataChanged(handler: () => void): Promise<() => void> {
    return this.transport.listen<null>(DATA_CHANGED, () => handler());
  }

  onStationsMoved(handler: (moved: Moved[]) => void): Promise<() => void> {
    return this.transport.listen<Moved[]>(STATIONS_MOVED, handler);
  }

  onCloseRequested(handler: (request: CloseRequest) => void): Promise<() => void> {
    return this.transport.listen<CloseRequest>(CLOSE_REQUESTED, handler);
  }

  // ------------------------------------------------------------ stand peers (no hub)

  peerShareStart(): Promise<PeerShareView> {
    return this.call<PeerShareView>('peer_share_start');
  }

  peerShareStop(): Promise<void> {
    return this.call<void>('peer_share_stop');
  }

  peerJoin(code: string, address: string | null, deviceName: string | null): Promise<PeerJoinView> {
    return this.call<PeerJoinView>('peer_join', { code, address, deviceName });
  }

  onPeerEvent(handler: (event: PeerEventView) => void): Promise<() => void> {
    return this.transport.listen<PeerEventView>(PEER_EVENT, handler);
  }

  standSetEnabled(enabled: boolean): Promise<SyncView> {
    return this.call<SyncView>('stand_set_enabled', { enabled });
  }

  // ------------------------------------------------------------ certificates

  certificatePreview(visitorId: string, eventId: string, lang: Lang): Promise<CertificatePreview> {
    return this.call<CertificatePreview>('certificate_preview', { visitorId, eventId, lang });
  }

  printCertificates(
    eventId: string,
    visitorIds: string[] | null,
    printer: string,
    copies: number,
    lang: Lang,
    batch?: Batch,
  ): Promise<CertificatesReport> {
    return this.following(batch, (job) =>
      this.call<CertificatesReport>('print_certificates', { eventId, visitorIds, printer, copies, lang, job }),
    );
  }

  saveCertificates(eventId: string, visitorIds: string[] | null, path: string, split: boolean, lang: Lang, batch?: Batch): Promise<CertificatesReport> {
    return this.following(batch, (job) => this.call<CertificatesReport>('save_certificates', { eventId, visitorIds, path, split, lang, job }));
  }

  cancelJob(job: string): Promise<boolean> {
    return this.call<boolean>('cancel_job', { job });
  }

  /** Runs `start` with the batch's id, its `job-progress` events going to the batch while it runs. */
  private async following<T>(batch: Batch | undefined, start: (job: string | null) => Promise<T>): Promise<T> {
    if (!batch) return start(null);
    const unlisten = await this.transport.listen<JobProgress>(JOB_PROGRESS, (p) => {
      if (p.job === batch.job) batch.onProgress(p);
    });
    try {
      return await start(batch.job);
    } finally {
      unlisten();
    }
  }

  printBadges(eventId: string, visitorIds: string[] | null, size: BadgeSize, start: number, printer: string, copies: number): Promise<BadgesReport> {
    return this.call<BadgesReport>('print_badges', { eventId, visitorIds, size, start, printer, copies });
  }

  saveBadges(eventId: string, visitorIds: string[] | null, size: BadgeSize, start: number, path: string): Promise<BadgesReport> {
    return this.call<BadgesReport>('save_badges', { eventId, visitorIds, size, start, path });
  }

  listPrinters(): Promise<Printer[]> {
    return this.call<Printer[]>('list_printers');
  }

  orgIdentity(): Promise<OrgIdentity> {
    return this.call<OrgIdentity>('org_identity');
  }

  setOrgIdentity(identity: OrgIdentity): Promise<OrgIdentity> {
    return this.call<OrgIdentity>('set_org_identity', { identity });
  }

  setEventCertificate(eventId: string, partner: string | null, text: string | null): Promise<void> {
    return this.call<void>('set_event_certificate', { eventId, partner, text });
  }

  setOrgImage(which: OrgImage, path: string | null): Promise<OrgIdentity> {
    return this.call<OrgIdentity>('set_org_image', { which, path });
  }

  // ------------------------------------------------------------ mediation and reports

  addMediation(input: MediationInput): Promise<MediationView> {
    return this.call<MediationView>('add_mediation', { input });
  }

  listMediations(filter: MediationFilter): Promise<MediationView[]> {
    return this.call<MediationView[]>('list_mediations', { filter });
  }

  deleteMediation(id: string): Promise<void> {
    return this.call<void>('delete_mediation', { id });
  }

  report(query: ReportQuery): Promise<Report> {
    return this.call<Report>('report', { query });
  }

  saveReport(query: ReportQuery, format: ReportFormat, path: string): Promise<Written> {
    return this.call<Written>('save_report', { query, format, path });
  }

  // ------------------------------------------------------------ stations, waiting list, prints, coworking

  stationBoard(): Promise<Board> {
    return this.call<Board>('station_board');
  }

  addStation(input: StationInput): Promise<StationView> {
    return this.call<StationView>('add_station', { input });
  }

  updateStation(station: string, input: StationInput): Promise<StationView> {
    return this.call<StationView>('update_station', { station, input });
  }

  setStationOutOfOrder(station: string, out: boolean): Promise<StationView> {
    return this.call<StationView>('set_station_out_of_order', { station, out });
  }

  retireStation(station: string): Promise<void> {
    return this.call<void>('retire_station', { station });
  }

  assignStation(input: AssignInput): Promise<UseView> {
    return this.call<UseView>('assign_station', { input });
  }

  extendStationUse(id: string, minutes: number | null): Promise<UseView> {
    return this.call<UseView>('extend_station_use', { id, minutes });
  }

  endStationUse(id: string): Promise<EndedUse> {
    return this.call<EndedUse>('end_station_use', { id });
  }

  moveStationUse(id: string, to: string | null): Promise<UseView> {
    return this.call<UseView>('move_station_use', { id, to });
  }

  settleStations(): Promise<Moved[]> {
    return this.call<Moved[]>('settle_stations');
  }

  joinQueue(input: JoinInput): Promise<TicketView> {
    return this.call<TicketView>('join_queue', { input });
  }

  callNext(): Promise<TicketView> {
    return this.call<TicketView>('call_next');
  }

  skipTicket(ticket: string): Promise<Skipped> {
    return this.call<Skipped>('skip_ticket', { ticket });
  }

  leaveQueue(ticket: string): Promise<TicketView> {
    return this.call<TicketView>('leave_queue', { ticket });
  }

  printQuota(visitorId: string): Promise<PrintQuota> {
    return this.call<PrintQuota>('print_quota', { visitorId });
  }

  recordPrint(visitorId: string, pages: number): Promise<PrintQuota> {
    return this.call<PrintQuota>('record_print', { visitorId, pages });
  }

  grantPages(visitorId: string, pages: number): Promise<PrintQuota> {
    return this.call<PrintQuota>('grant_pages', { visitorId, pages });
  }

  printDocument(visitorId: string, path: string, printer: string, copies: number): Promise<DocumentPrinted> {
    return this.call<DocumentPrinted>('print_document', { visitorId, path, printer, copies });
  }

  stationSettings(): Promise<StationSettings> {
    return this.call<StationSettings>('station_settings');
  }

  setStationSettings(settings: StationSettings): Promise<StationSettings> {
    return this.call<StationSettings>('set_station_settings', { settings });
  }

  coworker(visitorId: string): Promise<Coworker> {
    return this.call<Coworker>('coworker', { visitorId });
  }

  addPass(input: PassInput): Promise<PassView> {
    return this.call<PassView>('add_pass', { input });
  }

  deletePass(id: string): Promise<void> {
    return this.call<void>('delete_pass', { id });
  }

  coworkOccupancy(): Promise<Occupancy> {
    return this.call<Occupancy>('cowork_occupancy');
  }

  // ------------------------------------------------------------ dialogs

  pickOpenFile(kind: OpenKind = 'spreadsheet'): Promise<string | null> {
    return this.dialogs.pickOpenFile(kind);
  }

  pickSaveFile(defaultName: string): Promise<string | null> {
    return this.dialogs.pickSaveFile(defaultName);
  }
}
