import Sqlite from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryFailedError } from 'typeorm';
import { DomainError } from '../common/errors/domain-error.js';
import { toErrorResponse } from '../common/http/error-response.js';
import { databaseFaultCause } from './database-fault.js';

function pgError(code: string, message = 'server said no'): Error {
  return Object.assign(new Error(message), { code });
}

describe('databaseFaultCause', () => {
  it('recognises a real SQLITE_FULL from SQLite itself, through the TypeORM wrapper', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rts-fault-'));
    const db = new Sqlite(join(dir, 'full.sqlite'));
    try {
      db.exec('CREATE TABLE t (v BLOB)');
      db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true })}`);
      let thrown: unknown;
      try {
        db.prepare('INSERT INTO t VALUES (randomblob(100000))').run();
      } catch (error) {
        thrown = error;
      }
      expect((thrown as { code?: string }).code).toBe('SQLITE_FULL');
      expect(databaseFaultCause(thrown)).toBe('out_of_space');
      expect(databaseFaultCause(new QueryFailedError('INSERT', [], thrown as Error))).toBe('out_of_space');
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [new Sqlite.SqliteError('disk I/O error', 'SQLITE_IOERR_WRITE'), 'io_error'],
    [new Sqlite.SqliteError('attempt to write a readonly database', 'SQLITE_READONLY'), 'read_only'],
    [new Sqlite.SqliteError('database is locked', 'SQLITE_BUSY'), 'timeout'],
    [pgError('57014', 'canceling statement due to statement timeout'), 'timeout'],
    [pgError('57P01', 'terminating connection due to administrator command'), 'unavailable'],
    [pgError('53100', 'could not extend file'), 'out_of_space'],
    [pgError('53300', 'too many connections'), 'out_of_space'],
    [pgError('08006'), 'unavailable'],
    [pgError('25006', 'cannot execute UPDATE in a read-only transaction'), 'read_only'],
    [pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'), 'unavailable'],
    [pgError('ECONNRESET', 'read ECONNRESET'), 'unavailable'],
    [new Error('timeout exceeded when trying to connect'), 'timeout'],
    [new Error('Connection terminated due to connection timeout'), 'timeout'],
    [new Error('Query read timeout'), 'timeout'],
    [new Error('Connection terminated unexpectedly'), 'unavailable'],
  ])('%s is %s', (error, cause) => {
    expect(databaseFaultCause(error)).toBe(cause);
  });

  it.each([
    [new Error('boom')],
    [pgError('23505', 'duplicate key value violates unique constraint')],
    [new Sqlite.SqliteError('UNIQUE constraint failed', 'SQLITE_CONSTRAINT_UNIQUE')],
    [new Sqlite.SqliteError('database disk image is malformed', 'SQLITE_CORRUPT')],
    [new DomainError('invalid_grant', 'no')],
    ['a string'],
  ])('%s is not a database fault (a bug stays a 500)', (error) => {
    expect(databaseFaultCause(error)).toBeUndefined();
  });
});

describe('toErrorResponse for a database fault', () => {
  const full = new QueryFailedError('INSERT', [], new Sqlite.SqliteError('database or disk is full at /var/lib/secret.db', 'SQLITE_FULL'));

  it('is 503 temporarily_unavailable in the RFC 6749 shape on the OAuth endpoints, with Retry-After', () => {
    const response = toErrorResponse(full, 'oauth', 'req-1', 7);
    expect(response).toMatchObject({ status: 503, headers: { 'retry-after': '7' }, fault: false, databaseFault: 'out_of_space' });
    expect(response.body).toEqual({ error: 'temporarily_unavailable', error_description: 'The database is out of space; retry later' });
  });

  it('is 503 in the usual {error, message} shape elsewhere, and never repeats the driver message', () => {
    const response = toErrorResponse(full, 'api', 'req-2');
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.body).toEqual({ error: 'temporarily_unavailable', message: 'The database is out of space; retry later' });
    expect(JSON.stringify(response.body)).not.toMatch(/secret|SQLITE/);
  });

  it('leaves other errors a generic 500', () => {
    expect(toErrorResponse(new Error('boom'), 'api', 'req-3')).toMatchObject({ status: 500, fault: true });
  });
});
