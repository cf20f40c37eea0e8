import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { redisCall, StoreReplyError, StoreUnavailableError } from '@mesh-momentum/common';
import { keys, MESH_REF, MomentumReader } from '@mesh-momentum/store';
import { freePort, startSilentServer, type SilentServer } from '@mesh-momentum/testing';
import { storeHarness } from './support/store-harness.ts';

/**
 * The one classification of Redis failures (`redisFailure`, packages/common) on what a real Redis and
 * real dead connections answer, through the reader every reader of ours uses: a key of the wrong type
 * and a script error are permanent (MM_ERR_STORE_REPLY, not retriable); a refused and a silent
 * connection are transient (MM_ERR_STORE_UNAVAILABLE, retriable, 503).
 */
describe('Redis failures, classified', () => {
  const harness = storeHarness('redis-failures');
  const { ks } = harness;
  let silent: SilentServer;
  const clients: Redis[] = [];

  /** A client as bounded as the services' (a command fails within ~300 ms), to `port`. */
  const boundedClient = (port: number) => {
    const client = new Redis({
      port,
      lazyConnect: true,
      connectTimeout: 300,
      commandTimeout: 300,
      maxRetriesPerRequest: 1,
      retryStrategy: () => 50,
    });
    client.on('error', () => undefined);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    silent = await startSilentServer();
  });

  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await silent?.close();
  });

  it('a key of the wrong type is permanent: the read fails with MM_ERR_STORE_REPLY', async () => {
    await harness.redis().set(keys.meshScore(ks), 'not a hash');
    const read = new MomentumReader(harness.redis(), { prefix: ks.prefix }).snapshotOf(ks.namespace);
    const error = await read.score(MESH_REF).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreReplyError);
    expect(error).toMatchObject({ code: 'MM_ERR_STORE_REPLY', retriable: false });
    expect((error as Error).message).toMatch(/WRONGTYPE/);
  });

  it('a script error is permanent', async () => {
    const error = await redisCall('running a script', () =>
      harness.redis().eval('return nosuch.field', 0),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'MM_ERR_STORE_REPLY', retriable: false });
  });

  it('a refused connection is transient: MM_ERR_STORE_UNAVAILABLE, retriable, 503', async () => {
    const reader = new MomentumReader(boundedClient(await freePort()), { prefix: ks.prefix });
    const error = await reader.snapshot().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error).toMatchObject({ code: 'MM_ERR_STORE_UNAVAILABLE', retriable: true, httpStatus: 503 });
  });

  it('a Redis that accepts the connection and never answers is transient', async () => {
    const client = boundedClient(silent.port);
    const reader = new MomentumReader(client, { prefix: ks.prefix });
    const error = await reader
      .snapshotOf(ks.namespace)
      .domains()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'MM_ERR_STORE_UNAVAILABLE', retriable: true });
    expect(silent.accepted).toBeGreaterThan(0);
  });
});
