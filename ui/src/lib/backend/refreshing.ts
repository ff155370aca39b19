// Wraps a Backend so that every call that writes to the log is followed by a
// callback (the status bar's "operations to sync" count stays current)
// without each screen having to remember it.
import type { Backend } from './backend';

const WRITES: ReadonlySet<string> = new Set<keyof Backend>([
  'firstRun',
  'loadDemo',
  'addStaff',
  'updateStaff',
  'setLockMinutes',
  'createEvent',
  'updateEvent',
  'archiveEvent',
  'addSession',
  'updateSession',
  'checkIn',
  'checkOut',
  'undoLast',
  'registerWalkIn',
  'updateVisitor',
  'mergeVisitors',
  'notDuplicate',
  'importCommit',
  'addMediation',
  'deleteMediation',
  'addStation',
  'updateStation',
  'setStationOutOfOrder',
  'retireStation',
  'assignStation',
  'extendStationUse',
  'endStationUse',
  'moveStationUse',
  'settleStations',
  'joinQueue',
  'callNext',
  'skipTicket',
  'leaveQueue',
  'recordPrint',
  'grantPages',
  'printDocument',
  'setStationSettings',
  'addPass',
  'deletePass',
]);

export function afterWrites(backend: Backend, onWrite: () => void): Backend {
  return new Proxy(backend, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => unknown;
      if (typeof prop !== 'string' || !WRITES.has(prop)) return fn.bind(target);
      return async (...args: unknown[]) => {
        const result = await fn.apply(target, args);
        onWrite();
        return result;
      };
    },
  });
}
