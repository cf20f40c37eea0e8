import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';

/**
 * Produce requests as kafkajs encodes them, for varied records and headers, to check that the patched
 * encoder (patches/kafkajs@2.2.4.patch) writes the same bytes as kafkajs 2.2.4 unpatched. The bytes of
 * the unpatched kafkajs are kept in fixtures/kafkajs-produce-golden.json; to write that file again:
 *
 *   pnpm patch kafkajs@2.2.4 --ignore-existing --edit-dir /tmp/kafkajs-unpatched
 *   node packages/kafka/src/kafkajs-encoding.test-support.ts /tmp/kafkajs-unpatched
 *
 * Every case runs kafkajs' own modules: the default partitioner, the grouping per partition, the topic
 * data, the Produce v7 request (v3's encoding) and the request framing. Inputs are fixed and the clock
 * is pinned, so the bytes are deterministic.
 */

/** Loads a kafkajs module by its path inside the package, e.g. `src/protocol/encoder`. */
export type KafkajsLoader = (path: string) => unknown;

export const GOLDEN_FILE = new URL('./fixtures/kafkajs-produce-golden.json', import.meta.url);

/** Stored whole up to this size; larger requests are stored as their SHA-256 and length. */
const MAX_STORED_BYTES = 32_768;
const PINNED_NOW_MS = Date.UTC(2026, 10, 1, 10, 0, 0);

export interface GoldenEntry {
  readonly length: number;
  readonly sha256: string;
  /** The bytes, base64, when at most MAX_STORED_BYTES long. */
  readonly base64?: string;
}

export function goldenEntry(bytes: Buffer): GoldenEntry {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return bytes.length <= MAX_STORED_BYTES
    ? { length: bytes.length, sha256, base64: bytes.toString('base64') }
    : { length: bytes.length, sha256 };
}

type Headers = Record<string, string | Buffer | (string | Buffer)[]>;
interface Message {
  key?: string | Buffer | null;
  value: string | Buffer | null;
  headers?: Headers;
  partition?: number;
  timestamp?: string;
}

/** Deterministic pseudo-random numbers (mulberry32), so inputs vary without a seed file. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function bytes(next: () => number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  for (let i = 0; i < length; i++) buffer[i] = Math.floor(next() * 256);
  return buffer;
}

/** Records shaped like the SDK's: domain key, Confluent-framed value, seven CloudEvents headers. */
function sdkLikeMessages(count: number): Message[] {
  const next = random(21);
  const types = ['ChampionGained', 'UseCaseDelivered', 'DataProductPublished', 'QualityIncidentOpened'];
  return Array.from({ length: count }, (_, i) => ({
    key: `domain-${(i * 7) % 24}`,
    value: bytes(next, 120 + Math.floor(next() * 300)),
    headers: {
      ce_specversion: '1.0',
      ce_id: `0193f0c2-${i.toString(16).padStart(4, '0')}-7abc-8def-0123456789ab`,
      ce_source: 'urn:meshmomentum:sdk',
      ce_type: types[i % types.length] as string,
      ce_time: new Date(PINNED_NOW_MS - i * 1_000).toISOString(),
      ce_subject: `p-${i.toString(36)}-9f2c`,
      'content-type': 'application/avro',
    },
  }));
}

/** Keys, values, headers and timestamps of every shape kafkajs accepts, over three partitions. */
function variedMessages(): Message[] {
  const next = random(7);
  const keys = [null, undefined, '', 'ascii-key', 'ünïcødé ✓ 🚀', Buffer.from([0, 255, 128, 7])];
  // Lengths at the edges of one- and two-byte varints; one value needs three (16384 bytes).
  const valueSizes = [0, 1, 63, 64, 127, 128, 300];
  const headerSets: (Headers | undefined)[] = [
    undefined,
    {},
    { a: 'b' },
    { 'ünï-name': 'välue ✓', binary: Buffer.from([1, 2, 3, 250]) },
    { repeated: ['one', Buffer.from('two'), ''], empty: [] },
    { empty: '', emptyBuffer: Buffer.alloc(0) },
    // 64 headers: the count's zig-zag varint takes two bytes.
    Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`h${i}`, `v${'x'.repeat(i % 3)}`])),
  ];
  // Numeric text, as kafkajs documents it. kafkajs sorts them as text, so the batch's first timestamp is
  // 1000000000000 and the last two are earlier: deltas on both sides of the 32-bit boundary, both signs.
  const timestamps = [
    undefined,
    '1700000000000',
    '1000000000000',
    '1000000050000',
    '1002147483647',
    '1002147483648',
    '997852516352',
    '997852516351',
  ];
  const messages: Message[] = [];
  for (let i = 0; i < 60; i++) {
    const size = i === 18 ? 16_384 : (valueSizes[i % valueSizes.length] as number);
    const value =
      i % 11 === 5 ? null : i % 4 === 1 ? `text value ${i} ✓ ${'é'.repeat(size % 50)}` : bytes(next, size);
    const headers = headerSets[i % headerSets.length];
    const timestamp = timestamps[i % timestamps.length];
    messages.push({
      key: keys[i % keys.length] as Message['key'],
      value,
      partition: i % 3,
      ...(headers ? { headers } : {}),
      ...(timestamp ? { timestamp } : {}),
    });
  }
  return messages;
}

/**
 * One produce request through kafkajs' own steps: partitioner, grouping, topic data, sequence numbers
 * per partition as the send loop sets them, the Produce v7 request and the framing with header.
 */
async function encodeProduce(
  load: KafkajsLoader,
  messages: readonly Message[],
  options: { transactionalId?: string; compression?: number; partitions?: number } = {},
): Promise<Buffer> {
  const group = load('src/producer/groupMessagesPerPartition') as (args: object) => Record<string, Message[]>;
  const createTopicData = load('src/producer/createTopicData') as (
    data: object[],
  ) => { partitions: { partition: number; messages: Message[]; firstSequence?: number }[] }[];
  const Long = load('src/utils/long') as { fromValue: (v: string) => unknown };
  const { Partitioners } = load('index') as { Partitioners: { DefaultPartitioner: () => unknown } };

  const topic = 'golden.events';
  const partitionMetadata = Array.from({ length: options.partitions ?? 6 }, (_, partitionId) => ({
    partitionId,
    leader: partitionId % 2,
  }));
  const messagesPerPartition = group({
    topic,
    partitionMetadata,
    messages,
    partitioner: Partitioners.DefaultPartitioner(),
  });
  const topicData = createTopicData([
    { topic, partitions: Object.keys(messagesPerPartition), messagesPerPartition },
  ]);
  for (const { partitions } of topicData) {
    for (const entry of partitions) entry.firstSequence = 1_000 * entry.partition;
  }
  return frameRequest(load, 'src/protocol/requests/produce/v7/request', {
    acks: -1,
    timeout: 30_000,
    transactionalId: options.transactionalId,
    producerId: Long.fromValue('4242'),
    producerEpoch: 3,
    compression: options.compression ?? 0,
    topicData,
  });
}

/** The request of kafkajs' module `path` built from `args`, framed with its header as sent. */
async function frameRequest(load: KafkajsLoader, path: string, args: object): Promise<Buffer> {
  const request = (load(path) as (args: object) => object)(args);
  const frame = load('src/protocol/request') as (args: object) => Promise<{ buffer: Buffer }>;
  const framed = await frame({ correlationId: 17, clientId: 'golden-client', request });
  return Buffer.from(framed.buffer);
}

/** A "compression" codec that returns the records as they are, so compressed batches are deterministic. */
const IDENTITY_CODEC = () => ({
  compress: async (encoder: { buffer: Buffer }) => Buffer.from(encoder.buffer),
  decompress: async (buffer: Buffer) => buffer,
});

/** Runs `fn` with Date.now pinned (kafkajs stamps batches of messages without a timestamp with it). */
async function withPinnedClock<T>(fn: () => Promise<T>): Promise<T> {
  const realNow = Date.now;
  Date.now = () => PINNED_NOW_MS;
  try {
    return await fn();
  } finally {
    Date.now = realNow;
  }
}

/** Every case's encoded request, by name, with the kafkajs that `load` loads. */
export async function encodeGoldenCases(load: KafkajsLoader): Promise<Record<string, Buffer>> {
  const { CompressionTypes, CompressionCodecs } = load('index') as {
    CompressionTypes: Record<string, number>;
    CompressionCodecs: Record<number, unknown>;
  };
  const lz4 = CompressionTypes['LZ4'] as number;
  const previousCodec = CompressionCodecs[lz4];
  CompressionCodecs[lz4] = IDENTITY_CODEC;
  try {
    return await withPinnedClock(async () => ({
      'sdk-like records, 6 partitions': await encodeProduce(load, sdkLikeMessages(40)),
      'varied keys, values, headers and timestamps': await encodeProduce(load, variedMessages()),
      'varied records, transactional, compressed (identity codec)': await encodeProduce(
        load,
        variedMessages(),
        { transactionalId: 'golden-tx', compression: lz4 },
      ),
      '20,000 small records on one partition': await encodeProduce(
        load,
        Array.from({ length: 20_000 }, (_, i) => ({
          key: 'one-key',
          value: `v${i}`,
          headers: { n: `${i}` },
        })),
        { partitions: 1 },
      ),
      '2,000 sdk-like records, 6 partitions': await encodeProduce(load, sdkLikeMessages(2_000)),
      // Every request is framed by the same module: one that is not a produce request.
      'metadata v6 request': await frameRequest(load, 'src/protocol/requests/metadata/v6/request', {
        topics: ['golden.events', 'ünï.topic'],
        allowAutoTopicCreation: false,
      }),
    }));
  } finally {
    CompressionCodecs[lz4] = previousCodec;
  }
}

/** Keys for the partitioner's murmur2 (Java-compatible), of every length remainder and byte range. */
export function partitionerKeys(): (string | Buffer)[] {
  const next = random(99);
  const keys: (string | Buffer)[] = ['', 'a', 'ab', 'abc', '21', 'foobar', 'ünïcødé ✓ 🚀'];
  for (let i = 0; i < 200; i++) {
    keys.push(i % 2 === 0 ? `domain-${i}-${'k'.repeat(i % 13)}` : bytes(next, i % 37));
  }
  return keys;
}

/** The default partitioner's murmur2 of every key of `partitionerKeys()`. */
export function murmur2Of(load: KafkajsLoader): number[] {
  const murmur2 = load('src/producer/partitioners/default/murmur2') as (key: string | Buffer) => number;
  return partitionerKeys().map((key) => murmur2(key));
}

/** Writes the golden file from the kafkajs source directory given as the first argument. */
async function writeGoldenFile(kafkajsDir: string): Promise<void> {
  const require = createRequire(join(kafkajsDir, 'package.json'));
  const load: KafkajsLoader = (path) => require(join(kafkajsDir, path)) as unknown;
  const cases = await encodeGoldenCases(load);
  const golden = {
    generatedWith: 'kafkajs 2.2.4, unpatched (see kafkajs-encoding.test-support.ts)',
    requests: Object.fromEntries(Object.entries(cases).map(([name, buffer]) => [name, goldenEntry(buffer)])),
    murmur2: murmur2Of(load),
  };
  // Formatted as `pnpm lint` (prettier) expects it.
  const file = fileURLToPath(GOLDEN_FILE);
  const prettierOptions = await prettier.resolveConfig(file);
  writeFileSync(file, await prettier.format(JSON.stringify(golden), { ...prettierOptions, filepath: file }));
  process.stdout.write(`wrote ${file}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: node kafkajs-encoding.test-support.ts <unpatched kafkajs directory>');
  await writeGoldenFile(dir);
}
