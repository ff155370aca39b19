// The one interface the UI talks to. Components receive a Backend and never
// call `invoke` themselves; tests pass MockBackend instead of TauriBackend.
//
// Each method mirrors one Rust command (snake_case name in the comment).
// Every method rejects with a `BackendError` `{ code, message, field? }`
// whose message is already translated by Rust (see `setLanguage`).
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
  CheckInMethod,
  CloseRequest,
  CheckInOutcome,
  CheckInTarget,
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

export interface Backend {
  // ------------------------------------------------------------ app

  /** `status`: version, data dir, organisation/laptop names (null before first run), op counts. */
  status(): Promise<AppStatus>;
  /** `set_language`: language of the messages Rust sends (errors, export headers). */
  setLanguage(lang: Lang): Promise<void>;
  /** `first_run`: names the organisation and this laptop; fails with store.already_initialised. */
  firstRun(orgName: string, deviceName: string, lang: Lang): Promise<AppStatus>;
  /** `load_demo`: creates a "[DÉMO]" event (series "demo") with `visitors` synthetic people. */
  loadDemo(visitors: number): Promise<DemoReport>;

  // ------------------------------------------------------------ staff accounts and the lock

  /** `lock_state`: locked or who is signed in, whether the first account is still to be created, the staff names to pick from (no visitor's). */
  lockState(): Promise<LockState>;
  /** `unlock`: signs in by name and PIN; auth.wrong_pin (never says which was wrong), auth.throttled after repeated wrong tries. */
  unlock(name: string, pin: string): Promise<SignedIn>;
  /** `unlock_badge`: signs in with the code a staff badge's scan typed. */
  unlockBadge(code: string): Promise<SignedIn>;
  /** `lock`: signs out at once; every command then fails with auth.locked until the next unlock. */
  lock(): Promise<void>;
  /** `touch`: someone is working (pushes back the core's idle lock); false when the app locked itself meanwhile. */
  touch(): Promise<boolean>;
  /** `add_staff`: a new account (the first one, a coordinator's, signs its owner in); staff.name_taken, auth.pin_format. */
  addStaff(input: StaffInput): Promise<StaffView>;
  /** `update_staff`: changes an account (id or name): name, role, PIN, badge ("" removes it), disabled; staff.last_coordinator. */
  updateStaff(staff: string, change: StaffChange): Promise<StaffView>;
  /** `staff_list`: every account, active ones first (coordinators only). */
  staffList(): Promise<StaffView[]>;
  /** `set_lock_minutes`: idle minutes (1–240) before every laptop of the organisation locks itself. */
  setLockMinutes(minutes: number): Promise<number>;

  // ------------------------------------------------------------ privacy (coordinators)

  /** `audit_log`: who viewed, edited, exported, certified, merged, anonymised, erased — newest first. */
  auditLog(filter: AuditFilter): Promise<AuditEntry[]>;
  /** `export_audit`: the entries `filter` selects as CSV for French Excel at `path`; how many. */
  exportAudit(filter: AuditFilter, path: string): Promise<number>;
  /** `audit_retention_days`: days the audit log keeps its entries. */
  auditRetentionDays(): Promise<number>;
  /** `set_audit_retention_days`: 30 to 3650 days. */
  setAuditRetentionDays(days: number): Promise<number>;
  /** `export_visitor_data`: everything held on a person (right of access) at `path`: `.json`, else a PDF; rows handed over. */
  exportVisitorData(visitorId: string, path: string): Promise<number>;
  /** `set_consent`: a person's answer for one purpose (withdrawn or given). */
  setConsent(visitorId: string, consent: ConsentInput): Promise<void>;
  /** `erase_visitor`: erases a person and everyone merged into them, for good; the ids erased. */
  eraseVisitor(visitorId: string): Promise<string[]>;
  /** `anonymise_visitor`: who the person was goes (names, contacts, codes, notes), the figures stay. */
  anonymiseVisitor(visitorId: string): Promise<string>;
  /** `retention_preview`: who retention will anonymise, and when. */
  retentionPreview(): Promise<RetentionPreview>;
  /** `set_retention`: months after the last visit (1–120), and the shorter one for name-only walk-ins. */
  setRetention(months: number, walkinMonths: number): Promise<Retention>;
  /** `anonymise_due`: anonymises now everyone whose period has passed; how many. */
  anonymiseDue(): Promise<number>;

  // ------------------------------------------------------------ events

  /** `list_events`: not archived, upcoming and current first. */
  listEvents(): Promise<EventView[]>;
  /** `get_event` */
  getEvent(id: string): Promise<EventView>;
  /** `create_event` */
  createEvent(input: EventInput): Promise<EventView>;
  /** `update_event` */
  updateEvent(id: string, input: EventInput): Promise<EventView>;
  /** `archive_event`: hides the event from the list (the demo event can be removed this way). */
  archiveEvent(eventId: string): Promise<void>;
  /** `list_sessions` */
  listSessions(eventId: string): Promise<SessionView[]>;
  /** `add_session` */
  addSession(eventId: string, input: SessionInput): Promise<SessionView>;
  /** `update_session` */
  updateSession(id: string, input: SessionInput): Promise<SessionView>;

  // ------------------------------------------------------------ desk

  /**
   * `search`: the desk search (accent/case-insensitive, one typo; an exact
   * badge/ticket code comes first with quality "code"). With `sessionId`,
   * `arrived_at` is the arrival at that session.
   */
  search(eventId: string, query: string, limit: number, sessionId?: string | null): Promise<SearchHit[]>;
  /** `check_in`: never counts twice ("already_arrived"); unknown code → checkin.unknown_code. */
  checkIn(
    eventId: string,
    target: CheckInTarget,
    sessionId: string | null,
    method: CheckInMethod,
  ): Promise<CheckInOutcome>;
  /** `check_out`: a session check-out (hours on certificates). */
  checkOut(
    eventId: string,
    target: CheckInTarget,
    sessionId: string | null,
    method: CheckInMethod,
  ): Promise<CheckInOutcome>;
  /** `undo_last`: voids this laptop's latest check-in here; returns its id. checkin.nothing_to_undo otherwise. */
  undoLast(eventId: string, sessionId: string | null): Promise<string>;
  /** `event_stats`: counters, sessions (inside/capacity), arrivals per hour. */
  eventStats(eventId: string): Promise<EventStats>;

  // ------------------------------------------------------------ people

  /** `register_walk_in`: visitor + registration + consents (+ check-in) in one transaction. */
  registerWalkIn(walkIn: WalkIn): Promise<WalkInResult>;
  /** `similar`: live records that look like the same person. */
  similar(input: VisitorInput): Promise<Similar[]>;
  /**
   * `suggest_values`: what to offer while a visitor field is typed (a town
   * from its name or the postcode already typed); each suggestion sets one
   * or more fields. Empty for fields that suggest nothing.
   */
  suggest(field: string, text: string, context: Record<string, string>): Promise<Suggestion[]>;
  /** `visitor_detail`: fields, registrations across events, consents, merged ids. */
  visitorDetail(id: string): Promise<VisitorDetail>;
  /** `update_visitor`: only changed fields are written; bad optional values come back as warnings. */
  updateVisitor(id: string, input: VisitorInput): Promise<UpdateVisitorResult>;
  /** `merge_visitors`: `loser` becomes an alias of `winner`. */
  mergeVisitors(loser: string, winner: string): Promise<MergeResult>;
  /**
   * `duplicate_candidates`: a page (`limit` pairs from `offset`, at most
   * 100) of the pairs of records that are probably one person (typically
   * registered on two laptops), most certain first, and how many there are;
   * with `eventId`, only pairs where one side is registered at that event.
   */
  duplicateCandidates(eventId: string | null, offset?: number, limit?: number): Promise<DuplicatePage>;
  /** `not_duplicate`: the two are different people; the pair is not proposed again (on any laptop). */
  notDuplicate(a: string, b: string): Promise<DismissedPair>;
  /** `registrations`: one page of an event's registrations. */
  registrations(eventId: string, filter: RegistrationFilter): Promise<RegistrationPage>;

  // ------------------------------------------------------------ import / export

  /** `import_preview`: dry run with the detected (or given) mapping, plus the file's first rows. */
  importPreview(eventId: string, path: string, mapping?: ColumnMapping | null): Promise<ImportPreview>;
  /** `import_commit`: the real import, all or nothing; `onProgress` is called while reading. */
  importCommit(
    eventId: string,
    path: string,
    mapping: ColumnMapping | null,
    onProgress: (p: ImportProgress) => void,
  ): Promise<ImportReport>;
  /** `export_event`: CSV for French Excel or XLSX, written atomically to `path`. */
  exportEvent(eventId: string, format: ExportFormat, path: string): Promise<ExportReport>;

  // ------------------------------------------------------------ sync

  /** `sync_status`: the background sync's state (also pushed through `onSyncStatus`). */
  syncStatus(): Promise<SyncView>;
  /**
   * `sync_enroll`: enrols this laptop with the hub (`url`, one-time `code`, or
   * the text of the code's QR code in either box). `deviceName` names a laptop
   * that was never set up (it joins the hub's organisation). Errors carry
   * `field` "url", "code" or "device". The first sync then starts by itself.
   */
  syncEnroll(url: string, code: string, deviceName: string | null): Promise<SyncView>;
  /**
   * `read_enrolment_link`: the hub's URL (empty when the link has none) and the
   * code in the text of an enrolment QR code as a scanner types it, or null
   * when `text` is not such a link. Rust reads it (`EnrolmentLink`): the UI does not parse.
   */
  readEnrolmentLink(text: string): Promise<EnrolmentLink | null>;
  /** `sync_now`: syncs at once and resolves when done; a failed sync resolves too, with `error` set. */
  syncNow(): Promise<SyncView>;
  /** `quit_app`: closes the app for real (after the close warning). */
  quitApp(): Promise<void>;
  /** The `sync-status` event: the sync state changed. Resolves to an unsubscribe function. */
  onSyncStatus(handler: (view: SyncView) => void): Promise<() => void>;
  /** The `data-changed` event: the store changed (this app, the CLI on the same data directory, a sync, a stand peer): reload what is shown. */
  onDataChanged(handler: () => void): Promise<() => void>;
  /**
   * The `stations-moved` event: after other laptops' operations arrived,
   * this laptop moved the sessions it gave that lost their station to an
   * earlier assignment (who, from where, to where — or nowhere free yet).
   */
  onStationsMoved(handler: (moved: Moved[]) => void): Promise<() => void>;
  /** The `close-requested` event: the window was asked to close with operations not yet on the hub. */
  onCloseRequested(handler: (request: CloseRequest) => void): Promise<() => void>;

  // ------------------------------------------------------------ stand peers (no hub)

  /** `peer_share_start`: shares on the local network; the code to show (the running one if any). */
  peerShareStart(): Promise<PeerShareView>;
  /** `peer_share_stop` */
  peerShareStop(): Promise<void>;
  /**
   * `peer_join`: joins the laptop showing `code` (found on the network, or at
   * `address` "192.168.1.20:41234") and exchanges what each lacks. Errors carry
   * `field` "code", "address" or "device".
   */
  peerJoin(code: string, address: string | null, deviceName: string | null): Promise<PeerJoinView>;
  /** The `peer-event` event: a laptop joined this one (or failed to), or sharing ended. */
  onPeerEvent(handler: (event: PeerEventView) => void): Promise<() => void>;
  /** `stand_set_enabled`: live sync with the stand's other laptops on or off (kept); the view after. */
  standSetEnabled(enabled: boolean): Promise<SyncView>;

  // ------------------------------------------------------------ certificates

  /** `certificate_preview`: one person's certificate at an event, not yet issued, and its page as SVG. */
  certificatePreview(visitorId: string, eventId: string, lang: Lang): Promise<CertificatePreview>;
  /**
   * `print_certificates`: issues and prints (one job, `copies` of each page)
   * the certificates of `visitorIds` at the event, or of everyone who
   * arrived when null. Rejects with printer.* when the printer refuses.
   * With a `batch`, its progress comes to `batch.onProgress` and
   * `cancelJob(batch.job)` stops it until the job goes to the printer (the
   * report then says `cancelled`).
   */
  printCertificates(
    eventId: string,
    visitorIds: string[] | null,
    printer: string,
    copies: number,
    lang: Lang,
    batch?: Batch,
  ): Promise<CertificatesReport>;
  /** `save_certificates`: issues and saves as PDF (one file, or one per person in a folder with `split`). */
  saveCertificates(eventId: string, visitorIds: string[] | null, path: string, split: boolean, lang: Lang, batch?: Batch): Promise<CertificatesReport>;
  /** `cancel_job`: asks the batch started as `job` to stop; false when it ended already. */
  cancelJob(job: string): Promise<boolean>;
  /**
   * `print_badges`: name badges of `visitorIds` (everyone registered when
   * null) on a label size; `start` is a sheet's first free label (1: top left).
   */
  printBadges(eventId: string, visitorIds: string[] | null, size: BadgeSize, start: number, printer: string, copies: number): Promise<BadgesReport>;
  /** `save_badges`: the same, as one PDF at `path`. */
  saveBadges(eventId: string, visitorIds: string[] | null, size: BadgeSize, start: number, path: string): Promise<BadgesReport>;
  /** `list_printers`: the system's printers, the default first. */
  listPrinters(): Promise<Printer[]>;
  /** `org_identity`: the organisation as certificates print it. */
  orgIdentity(): Promise<OrgIdentity>;
  /** `set_org_identity`: changes it (synced to every laptop). */
  setOrgIdentity(identity: OrgIdentity): Promise<OrgIdentity>;
  /** `set_event_certificate`: an event's partner and certificate text (null leaves one as it is, "" removes it). */
  setEventCertificate(eventId: string, partner: string | null, text: string | null): Promise<void>;
  /** `set_org_image`: the logo or the signature from an image file (PNG/JPEG, made small); null removes it. */
  setOrgImage(which: OrgImage, path: string | null): Promise<OrgIdentity>;

  // ------------------------------------------------------------ mediation and reports

  /** `add_mediation`: records help given (anonymous without a visitor); themes required. */
  addMediation(input: MediationInput): Promise<MediationView>;
  /** `list_mediations`: entries newest first (by person, event, dates). */
  listMediations(filter: MediationFilter): Promise<MediationView[]>;
  /** `delete_mediation`: an entry made by mistake leaves the log and the figures. */
  deleteMediation(id: string): Promise<void>;
  /** `report`: every figure of an event, a series or a period — exact (for the screen). */
  report(query: ReportQuery): Promise<Report>;
  /** `save_report`: the report as PDF, CSV or XLSX with small counts hidden, or la Coop's activity file. */
  saveReport(query: ReportQuery, format: ReportFormat, path: string): Promise<Written>;

  // ------------------------------------------------------------ stations, waiting list, prints, coworking

  /**
   * `station_board`: every station (free, busy with the first name of the
   * person on it, or out of order), the sessions displaced by another
   * laptop's earlier assignment, today's waiting list with estimated waits,
   * and the counts. Time left is computed at `board.now`: reload to move it.
   */
  stationBoard(): Promise<Board>;
  /** `add_station`: a public computer (name unique; the stand when no place). */
  addStation(input: StationInput): Promise<StationView>;
  /** `update_station`: renames, moves or re-equips the station (id or name). */
  updateStation(station: string, input: StationInput): Promise<StationView>;
  /** `set_station_out_of_order`: out of order (or back in service); a person on it stays. */
  setStationOutOfOrder(station: string, out: boolean): Promise<StationView>;
  /** `retire_station`: leaves the board; its sessions stay in the figures. */
  retireStation(station: string): Promise<void>;
  /**
   * `assign_station`: gives the person the station named (or the first free
   * one). station.busy names the next free station; station.none_free: offer
   * the waiting list; station.already_seated. A ticket of theirs is closed.
   */
  assignStation(input: AssignInput): Promise<UseView>;
  /** `extend_station_use`: more time for a running session (15 minutes when null). */
  extendStationUse(id: string, minutes: number | null): Promise<UseView>;
  /** `end_station_use`: ends a session; what the mediation entry is pre-filled with. */
  endStationUse(id: string): Promise<EndedUse>;
  /** `move_station_use`: to the station named, or the first free one (station.none_free). */
  moveStationUse(id: string, to: string | null): Promise<UseView>;
  /** `settle_stations`: moves this laptop's displaced sessions to free stations. */
  settleStations(): Promise<Moved[]>;
  /** `join_queue`: a ticket on today's waiting list (queue.already_waiting). */
  joinQueue(input: JoinInput): Promise<TicketView>;
  /** `call_next`: calls the first person waiting (queue.empty when nobody is). */
  callNext(): Promise<TicketView>;
  /** `skip_ticket`: absent once keeps the place, twice leaves the list; calls the next. */
  skipTicket(ticket: string): Promise<Skipped>;
  /** `leave_queue`: off the list (gave up, left). */
  leaveQueue(ticket: string): Promise<TicketView>;
  /** `print_quota`: pages printed today against the person's quota. */
  printQuota(visitorId: string): Promise<PrintQuota>;
  /** `record_print`: pages printed for the person (print.quota_exceeded beyond the quota). */
  recordPrint(visitorId: string, pages: number): Promise<PrintQuota>;
  /** `grant_pages`: more pages for the person today. */
  grantPages(visitorId: string, pages: number): Promise<PrintQuota>;
  /** `print_document`: prints the person's own PDF on `printer`; its pages times the copies count against their quota (refused before sending when over it). */
  printDocument(visitorId: string, path: string, printer: string, copies: number): Promise<DocumentPrinted>;
  /** `station_settings`: minutes per place, print quota, coworking seats (defaults applied). */
  stationSettings(): Promise<StationSettings>;
  /** `set_station_settings`: changes them (synced to every laptop). */
  setStationSettings(settings: StationSettings): Promise<StationSettings>;
  /** `coworker`: the person's coworking status and passes (today's first). */
  coworker(visitorId: string): Promise<Coworker>;
  /** `add_pass`: a day pass (default) or a membership; sets the status when given. */
  addPass(input: PassInput): Promise<PassView>;
  /** `delete_pass`: a pass made by mistake. */
  deletePass(id: string): Promise<void>;
  /** `cowork_occupancy`: people in the coworking space now, against its seats. */
  coworkOccupancy(): Promise<Occupancy>;

  // ------------------------------------------------------------ dialogs

  /** Native "open file" dialog (CSV/XLSX, PNG/JPEG images, or a PDF to print); null when cancelled. */
  pickOpenFile(kind?: 'spreadsheet' | 'image' | 'pdf'): Promise<string | null>;
  /** Native "save as" dialog; null when cancelled. */
  pickSaveFile(defaultName: string): Promise<string | null>;
}
