// The only file that calls Tauri's `invoke`: one method per Rust command
// (src-tauri/src/commands/). Owned by desk-backend.
//
// - Command names are typed by the generated `CommandName` (bindings/), and a
//   Rust test (src-tauri/tests/bindings.rs) checks that the names passed to
//   `call(...)` below are exactly the registered commands: keep the
//   `call<T>('name', …)` form so that test can read them.
// - Arguments are camelCase here; Tauri maps them to the Rust snake_case
//   parameters. Optional arguments are sent as null, never left out.
// - Every rejection is a `BackendError` `{code, message, field}` with the
//   message already translated by Rust (see `setLanguage`).
import { invoke, type InvokeArgs } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import { open, save } from '@tauri-apps/plugin-dialog';
import type { Backend } from './backend';
import type { CommandName } from './bindings/CommandName';
import type {
  AppStatus,
  BackendError,
  CheckInMethod,
  CheckInOutcome,
  CheckInTarget,
  CloseRequest,
  ColumnMapping,
  DemoReport,
  EnrolmentLink,
  DismissedPair,
  DuplicateView,
  EventInput,
  EventStats,
  EventView,
  ExportFormat,
  ExportReport,
  ImportPreview,
  ImportProgress,
  ImportReport,
  Lang,
  MergeResult,
  PeerEventView,
  PeerJoinView,
  PeerShareView,
  RegistrationFilter,
  RegistrationPage,
  SearchHit,
  SessionInput,
  SessionView,
  Similar,
  Suggestion,
  SyncView,
  UpdateVisitorResult,
  VisitorDetail,
  VisitorInput,
  WalkIn,
  WalkInResult,
} from './types';

/** The Tauri event `import_commit` emits while it reads (Rust `PROGRESS_EVENT`). */
const IMPORT_PROGRESS = 'import-progress';
/** Events of the background sync and of closing (Rust `sync.rs`, `commands/sync.rs`). */
const SYNC_STATUS = 'sync-status';
const DATA_CHANGED = 'data-changed';
const CLOSE_REQUESTED = 'close-requested';
/** The sharing laptop's events (Rust `commands/peer.rs`). */
const PEER_EVENT = 'peer-event';

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

async function call<T>(command: CommandName, args?: InvokeArgs): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toBackendError(e);
  }
}

function targetArgs(target: CheckInTarget): { visitorId: string | null; code: string | null } {
  return 'visitorId' in target
    ? { visitorId: target.visitorId, code: null }
    : { visitorId: null, code: target.code };
}

export class TauriBackend implements Backend {
  // ------------------------------------------------------------ app

  status(): Promise<AppStatus> {
    return call<AppStatus>('status');
  }

  setLanguage(lang: Lang): Promise<void> {
    return call<void>('set_language', { lang });
  }

  firstRun(orgName: string, deviceName: string, lang: Lang): Promise<AppStatus> {
    return call<AppStatus>('first_run', { orgName, deviceName, lang });
  }

  loadDemo(visitors: number): Promise<DemoReport> {
    return call<DemoReport>('load_demo', { visitors });
  }

  // ------------------------------------------------------------ events

  listEvents(): Promise<EventView[]> {
    return call<EventView[]>('list_events');
  }

  getEvent(id: string): Promise<EventView> {
    return call<EventView>('get_event', { id });
  }

  createEvent(input: EventInput): Promise<EventView> {
    return call<EventView>('create_event', { input });
  }

  updateEvent(id: string, input: EventInput): Promise<EventView> {
    return call<EventView>('update_event', { id, input });
  }

  archiveEvent(eventId: string): Promise<void> {
    return call<void>('archive_event', { eventId });
  }

  listSessions(eventId: string): Promise<SessionView[]> {
    return call<SessionView[]>('list_sessions', { eventId });
  }

  addSession(eventId: string, input: SessionInput): Promise<SessionView> {
    return call<SessionView>('add_session', { eventId, input });
  }

  updateSession(id: string, input: SessionInput): Promise<SessionView> {
    return call<SessionView>('update_session', { id, input });
  }

  // ------------------------------------------------------------ desk

  search(eventId: string, query: string, limit: number, sessionId: string | null = null): Promise<SearchHit[]> {
    return call<SearchHit[]>('search', { eventId, query, limit, sessionId });
  }

  checkIn(
    eventId: string,
    target: CheckInTarget,
    sessionId: string | null,
    method: CheckInMethod,
  ): Promise<CheckInOutcome> {
    return call<CheckInOutcome>('check_in', { eventId, ...targetArgs(target), sessionId, method });
  }

  checkOut(
    eventId: string,
    target: CheckInTarget,
    sessionId: string | null,
    method: CheckInMethod,
  ): Promise<CheckInOutcome> {
    return call<CheckInOutcome>('check_out', { eventId, ...targetArgs(target), sessionId, method });
  }

  undoLast(eventId: string, sessionId: string | null): Promise<string> {
    return call<string>('undo_last', { eventId, sessionId });
  }

  eventStats(eventId: string): Promise<EventStats> {
    return call<EventStats>('event_stats', { eventId });
  }

  // ------------------------------------------------------------ people

  registerWalkIn(walkIn: WalkIn): Promise<WalkInResult> {
    return call<WalkInResult>('register_walk_in', { walkIn });
  }

  similar(input: VisitorInput): Promise<Similar[]> {
    return call<Similar[]>('similar', { input });
  }

  suggest(field: string, text: string, context: Record<string, string>): Promise<Suggestion[]> {
    return call<Suggestion[]>('suggest_values', { field, text, context });
  }

  visitorDetail(id: string): Promise<VisitorDetail> {
    return call<VisitorDetail>('visitor_detail', { id });
  }

  updateVisitor(id: string, input: VisitorInput): Promise<UpdateVisitorResult> {
    return call<UpdateVisitorResult>('update_visitor', { id, input });
  }

  mergeVisitors(loser: string, winner: string): Promise<MergeResult> {
    return call<MergeResult>('merge_visitors', { loser, winner });
  }

  duplicateCandidates(eventId: string | null): Promise<DuplicateView[]> {
    return call<DuplicateView[]>('duplicate_candidates', { eventId });
  }

  notDuplicate(a: string, b: string): Promise<DismissedPair> {
    return call<DismissedPair>('not_duplicate', { a, b });
  }

  registrations(eventId: string, filter: RegistrationFilter): Promise<RegistrationPage> {
    return call<RegistrationPage>('registrations', { eventId, filter });
  }

  // ------------------------------------------------------------ import / export

  importPreview(eventId: string, path: string, mapping: ColumnMapping | null = null): Promise<ImportPreview> {
    return call<ImportPreview>('import_preview', { eventId, path, mapping });
  }

  async importCommit(
    eventId: string,
    path: string,
    mapping: ColumnMapping | null,
    onProgress: (p: ImportProgress) => void,
  ): Promise<ImportReport> {
    const unlisten = await listen<ImportProgress>(IMPORT_PROGRESS, (event) => onProgress(event.payload));
    try {
      return await call<ImportReport>('import_commit', { eventId, path, mapping });
    } finally {
      unlisten();
    }
  }

  exportEvent(eventId: string, format: ExportFormat, path: string): Promise<ExportReport> {
    return call<ExportReport>('export_event', { eventId, format, path });
  }

  // ------------------------------------------------------------ sync

  syncStatus(): Promise<SyncView> {
    return call<SyncView>('sync_status');
  }

  syncEnroll(url: string, code: string, deviceName: string | null): Promise<SyncView> {
    return call<SyncView>('sync_enroll', { url, code, deviceName });
  }

  readEnrolmentLink(text: string): Promise<EnrolmentLink | null> {
    return call<EnrolmentLink | null>('read_enrolment_link', { text });
  }

  syncNow(): Promise<SyncView> {
    return call<SyncView>('sync_now');
  }

  quitApp(): Promise<void> {
    return call<void>('quit_app');
  }

  onSyncStatus(handler: (view: SyncView) => void): Promise<() => void> {
    return listen<SyncView>(SYNC_STATUS, (event) => handler(event.payload));
  }

  onDataChanged(handler: () => void): Promise<() => void> {
    return listen(DATA_CHANGED, () => handler());
  }

  onCloseRequested(handler: (request: CloseRequest) => void): Promise<() => void> {
    return listen<CloseRequest>(CLOSE_REQUESTED, (event) => handler(event.payload));
  }

  // ------------------------------------------------------------ stand peers (no hub)

  peerShareStart(): Promise<PeerShareView> {
    return call<PeerShareView>('peer_share_start');
  }

  peerShareStop(): Promise<void> {
    return call<void>('peer_share_stop');
  }

  peerJoin(code: string, address: string | null, deviceName: string | null): Promise<PeerJoinView> {
    return call<PeerJoinView>('peer_join', { code, address, deviceName });
  }

  onPeerEvent(handler: (event: PeerEventView) => void): Promise<() => void> {
    return listen<PeerEventView>(PEER_EVENT, (event) => handler(event.payload));
  }

  // ------------------------------------------------------------ dialogs

  async pickOpenFile(): Promise<string | null> {
    const chosen = await open({
      multiple: false,
      directory: false,
      filters: [{ name: 'CSV / Excel', extensions: ['csv', 'xlsx', 'txt', 'tsv'] }],
    });
    return typeof chosen === 'string' ? chosen : null;
  }

  async pickSaveFile(defaultName: string): Promise<string | null> {
    const xlsx = defaultName.toLowerCase().endsWith('.xlsx');
    const chosen = await save({
      defaultPath: defaultName,
      filters: [xlsx ? { name: 'Excel', extensions: ['xlsx'] } : { name: 'CSV', extensions: ['csv'] }],
    });
    return chosen ?? null;
  }
}
