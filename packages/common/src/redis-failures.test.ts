import { describe, expect, it } from 'vitest';
import { ErrorCodes, StoreReplyError, StoreUnavailableError } from './errors.ts';
import { redisCall, redisFailure, redisFailureKind } from './redis-failures.ts';

/**
 * The classification on the shapes ioredis gives (an error reply is a `ReplyError` carrying Redis' text;
 * a lost connection is a plain Error or a socket error). test/integration/redis-failures.test.ts checks
 * the same against a real Redis: WRONGTYPE, a script error, a refused and a silent connection.
 */
const reply = (text: string) => Object.assign(new Error(text), { name: 'ReplyError' });
const socket = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code });

describe('redisFailureKind', () => {
  it.each([
    'WRONGTYPE Operation against a key holding the wrong kind of value',
    "ERR user_script:3: Script attempted to access nonexistent global variable 'x' script: 9f2e…",
    'NOSCRIPT No matching script. Please use EVAL.',
    "CROSSSLOT Keys in request don't hash to the same slot",
    'NOPERM User reader has no permissions to run the hset command',
    'ERR unknown command',
    'EXECABORT Transaction discarded because of previous errors.',
  ])('calls the reply %s permanent', (text) => {
    expect(redisFailureKind(reply(text))).toBe('permanent');
  });

  it.each([
    "OOM command not allowed when used memory > 'maxmemory'.",
    "READONLY You can't write against a read only replica.",
    'LOADING Redis is loading the dataset in memory',
    'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSCRIPT.',
    'MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to no.',
    'CLUSTERDOWN The cluster is down',
    'TRYAGAIN Multiple keys request during rehashing of slot',
    'NOREPLICAS Not enough good replicas to write.',
    'MOVED 3999 127.0.0.1:6381',
    'ASK 3999 127.0.0.1:6381',
    'MISCONF Redis is configured to save RDB snapshots, but it is currently not able to persist on disk.',
    'ERR max number of clients reached',
  ])('calls the reply %s transient', (text) => {
    expect(redisFailureKind(reply(text))).toBe('transient');
  });

  it('calls a lost, refused or silent connection transient', () => {
    expect(redisFailureKind(new Error('Connection is closed.'))).toBe('transient');
    expect(redisFailureKind(new Error('Command timed out'))).toBe('transient');
    expect(redisFailureKind(socket('ECONNREFUSED'))).toBe('transient');
    expect(redisFailureKind(socket('ECONNRESET'))).toBe('transient');
    const retries = Object.assign(new Error('Reached the max retries per request limit (which is 3).'), {
      name: 'MaxRetriesPerRequestError',
    });
    expect(redisFailureKind(retries)).toBe('transient');
    // A cluster whose slots keep moving: ioredis gives up with a plain Error, not a reply.
    expect(redisFailureKind(new Error('Too many Cluster redirections. Last error: MOVED 1 x:1'))).toBe(
      'transient',
    );
  });
});

describe('redisFailure', () => {
  it('makes a transient failure MM_ERR_STORE_UNAVAILABLE (retriable, 503) naming what failed', () => {
    const cause = socket('ECONNREFUSED');
    const error = redisFailure(cause, 'reading the targets');
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error).toMatchObject({
      code: ErrorCodes.STORE_UNAVAILABLE,
      retriable: true,
      httpStatus: 503,
      message: 'reading the targets: connect ECONNREFUSED 127.0.0.1:1',
      cause,
    });
  });

  it('makes a permanent failure MM_ERR_STORE_REPLY (not retriable)', () => {
    const error = redisFailure(reply('WRONGTYPE Operation against a key'), 'claiming a delivery');
    expect(error).toBeInstanceOf(StoreReplyError);
    expect(error).toMatchObject({ code: ErrorCodes.STORE_REPLY, retriable: false });
  });

  it('passes our own errors on unchanged: coded ones, and bugs of the code around the call', () => {
    const coded = new StoreReplyError('already classified');
    expect(redisFailure(coded, 'x')).toBe(coded);
    const bug = new TypeError("Cannot read properties of undefined (reading 'x')");
    expect(redisFailure(bug, 'x')).toBe(bug);
    const badJson = new SyntaxError('Unexpected token');
    expect(redisFailure(badJson, 'x')).toBe(badJson);
  });

  it('redisCall answers the work, or throws its failure classified', async () => {
    await expect(redisCall('x', async () => 42)).resolves.toBe(42);
    await expect(
      redisCall('reading a hash', () => Promise.reject(reply('WRONGTYPE Operation'))),
    ).rejects.toMatchObject({ code: ErrorCodes.STORE_REPLY, message: 'reading a hash: WRONGTYPE Operation' });
  });
});
