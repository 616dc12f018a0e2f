/**
 * Why the database could not serve a request, when the reason is on its side and a retry
 * soon may succeed: the labels of the `database_faults_total` metric.
 */
export type DatabaseFaultCause = 'unavailable' | 'timeout' | 'out_of_space' | 'read_only' | 'io_error';

const SQLITE_CAUSES: [RegExp, DatabaseFaultCause][] = [
  [/^SQLITE_FULL$/, 'out_of_space'],
  [/^SQLITE_READONLY/, 'read_only'],
  [/^SQLITE_IOERR/, 'io_error'],
  [/^SQLITE_(BUSY|LOCKED)/, 'timeout'],
  [/^SQLITE_CANTOPEN/, 'unavailable'],
];

/** PostgreSQL SQLSTATE codes and classes (appendix A of its manual). */
function postgresCause(code: string): DatabaseFaultCause | undefined {
  if (code === '57014') return 'timeout'; // query_canceled: statement_timeout
  if (code === '55P03') return 'timeout'; // lock_not_available: lock_timeout
  if (code === '25P03') return 'timeout'; // idle_in_transaction_session_timeout
  if (code === '25006') return 'read_only'; // read_only_sql_transaction: a standby after failover
  if (code === '58030') return 'io_error';
  if (code === '53100') return 'out_of_space'; // disk_full
  if (code.startsWith('53')) return 'out_of_space'; // insufficient resources: memory, connections
  if (code.startsWith('08')) return 'unavailable'; // connection exception
  if (/^57P0[1-4]$/.test(code)) return 'unavailable'; // shutdown, crash, cannot connect now
  return undefined;
}

const NETWORK_CAUSES: Record<string, DatabaseFaultCause> = {
  ECONNREFUSED: 'unavailable',
  ECONNRESET: 'unavailable',
  EPIPE: 'unavailable',
  EHOSTUNREACH: 'unavailable',
  ENETUNREACH: 'unavailable',
  ENOTFOUND: 'unavailable',
  EAI_AGAIN: 'unavailable',
  ETIMEDOUT: 'timeout',
};

/** node-postgres and pg-pool say these in words, without a code. */
const MESSAGE_CAUSES: [RegExp, DatabaseFaultCause][] = [
  [/^timeout exceeded when trying to connect$/, 'timeout'],
  [/^Connection terminated due to connection timeout$/, 'timeout'],
  [/^Query read timeout$/, 'timeout'],
  [/^Connection terminated( unexpectedly)?$/, 'unavailable'],
  [/^Client has encountered a connection error and is not queryable$/, 'unavailable'],
  [/^Client was closed and is not queryable$/, 'unavailable'],
];

/**
 * The cause when `error` (or the driver error it wraps) says the database is unreachable,
 * too slow, full or read-only; undefined for anything else, which stays a bug (500).
 */
export function databaseFaultCause(error: unknown): DatabaseFaultCause | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current !== null && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const candidate = current as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown };
    const code = typeof candidate.code === 'string' ? candidate.code : undefined;
    if (code !== undefined) {
      if (code.startsWith('SQLITE_')) {
        const match = SQLITE_CAUSES.find(([pattern]) => pattern.test(code));
        if (match) return match[1];
      } else if (/^[0-9A-Z]{5}$/.test(code)) {
        const cause = postgresCause(code);
        if (cause) return cause;
      }
      if (NETWORK_CAUSES[code]) return NETWORK_CAUSES[code];
    }
    if (typeof candidate.message === 'string') {
      const match = MESSAGE_CAUSES.find(([pattern]) => pattern.test(candidate.message as string));
      if (match) return match[1];
    }
    current = candidate.driverError ?? candidate.cause;
  }
  return undefined;
}

/** The message a client sees: what happened, never the driver's own words (paths, hosts). */
export const FAULT_MESSAGES: Record<DatabaseFaultCause, string> = {
  unavailable: 'The database is unavailable; retry later',
  timeout: 'The database did not answer in time; retry later',
  out_of_space: 'The database is out of space; retry later',
  read_only: 'The database is read-only; retry later',
  io_error: 'The database could not write; retry later',
};
