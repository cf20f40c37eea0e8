import { createRequire } from 'node:module';
import type { BrokerApiRange } from '@mesh-momentum/kafka';

/**
 * kafkajs' own view of the protocol: its request tables (which versions of each API it implements) and
 * the ApiVersions answer of a broker, read through kafkajs' Broker and connection classes, so the
 * versions are exactly those kafkajs negotiates with. These modules are kafkajs internals (2.2.4, no
 * `exports` map); the protocol-floor test is what notices if they move.
 */
const require = createRequire(import.meta.url);

interface KafkajsBroker {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  versions: Record<number, BrokerApiRange> | null;
}
type BrokerClass = new (options: { connectionPool: unknown; logger: unknown }) => KafkajsBroker;
type ConnectionPoolClass = new (options: Record<string, unknown>) => unknown;

const Broker = require('kafkajs/src/broker') as BrokerClass;
const ConnectionPool = require('kafkajs/src/network/connectionPool') as ConnectionPoolClass;
const socketFactory = require('kafkajs/src/network/socketFactory') as () => unknown;
const { createLogger, LEVELS } = require('kafkajs/src/loggers') as {
  createLogger(options: { level: number; logCreator: () => () => void }): unknown;
  LEVELS: { NOTHING: number };
};

/** kafkajs' API name to API key table. */
export const KAFKAJS_API_KEYS = require('kafkajs/src/protocol/requests/apiKeys') as Record<string, number>;

/** The request versions kafkajs implements, per API name. */
export const KAFKAJS_REQUEST_VERSIONS: Record<string, readonly string[]> = Object.fromEntries(
  Object.entries(
    (require('kafkajs/src/protocol/requests') as { requests: Record<string, { versions: string[] }> })
      .requests,
  ).map(([name, definition]) => [name, definition.versions]),
);

/** The broker's ApiVersions answer (key to min/max version), as kafkajs' connection receives it. */
export async function brokerApiVersions(hostPort: string): Promise<Record<number, BrokerApiRange>> {
  const [host, port] = hostPort.split(':');
  // Silent: a failure surfaces as the thrown error.
  const logger = createLogger({ level: LEVELS.NOTHING, logCreator: () => () => undefined });
  const connectionPool = new ConnectionPool({
    host,
    port: Number(port),
    logger,
    socketFactory: socketFactory(),
    clientId: 'mesh-momentum-protocol-floor',
    connectionTimeout: 5_000,
    requestTimeout: 10_000,
  });
  const broker = new Broker({ connectionPool, logger });
  await broker.connect();
  try {
    if (!broker.versions) throw new Error(`no ApiVersions answer from ${hostPort}`);
    return broker.versions;
  } finally {
    await broker.disconnect();
  }
}
