import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll } from 'vitest';
import type { AddressInfo } from 'node:net';
import type { RedisClient } from '@mesh-momentum/store';
import { DEFAULT_ALERTING_CONFIG, type AlertingConfig, type Notification } from '@mesh-momentum/alerting';
import { Alerter, webhookChannel, type AlerterConfig, type Channel } from '@mesh-momentum/alerter';
import { createLogger } from '@mesh-momentum/common';
import { DEFAULT_SCORING_CONFIG, type ScoringEvent } from '@mesh-momentum/scoring';
import { DEFAULT_HTTP_SERVER_SETTINGS } from '@mesh-momentum/service-kit';
import type { KeySpace } from '@mesh-momentum/store';
import { ScoreStore } from '@mesh-momentum/store-writer';
import { byDomain } from './store-harness.ts';

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;

/** A receiver started before the describe block's tests and stopped after them. */
export function receiverForBlock(): Receiver {
  const receiver = new Receiver();
  beforeAll(async () => {
    await receiver.start();
  });
  afterAll(async () => receiver.stop());
  return receiver;
}

/** A real HTTP receiver: records every request (headers and parsed body). */
export class Receiver {
  readonly requests: { headers: IncomingHttpHeaders; body: { data: Notification } }[] = [];
  #server: Server | undefined;
  /** Status answered while set (e.g. 503 for a dead endpoint). */
  failWith: number | undefined;
  url = '';

  async start(): Promise<this> {
    this.#server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        if (this.failWith !== undefined) {
          res.writeHead(this.failWith).end('down');
          return;
        }
        this.requests.push({ headers: req.headers, body: JSON.parse(body) as { data: Notification } });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/hook`;
    return this;
  }

  /** Idempotency keys received, with how often each arrived. */
  keys(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const r of this.requests) {
      const key = r.headers['idempotency-key'] as string;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  }

  alerts(status?: 'firing' | 'resolved') {
    return this.requests
      .flatMap((r) => r.body.data.alerts)
      .filter((a) => status === undefined || a.status === status);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }
}

export function alerterConfig(
  overrides: Partial<AlerterConfig> = {},
  alerting: Partial<AlertingConfig> = {},
): AlerterConfig {
  return {
    httpHost: '127.0.0.1',
    httpPort: 0,
    ...DEFAULT_HTTP_SERVER_SETTINGS,
    evaluationIntervalMs: HOUR_MS,
    alerting: { ...DEFAULT_ALERTING_CONFIG, ...alerting },
    alertmanagerUrl: undefined,
    webhookUrl: undefined,
    webhookSecrets: [],
    chatWebhookUrl: undefined,
    chatFormat: 'slack',
    kafkaTopic: undefined,
    deliveryTimeoutMs: 2_000,
    retryBaseMs: MINUTE_MS,
    retryMaxMs: HOUR_MS,
    deliveryMaxAgeMs: DAY_MS,
    leaseTtlMs: 60_000,
    adminWrites: true,
    adminTokens: [],
    ...overrides,
  };
}

/** Rules with short `for` and `keep_firing_for` so a scenario moves in hours. */
export function rules(forMs: number, keepFiringForMs: number, productAlerts = true): AlertingConfig['rules'] {
  return DEFAULT_ALERTING_CONFIG.rules.map((r) => ({
    ...r,
    forMs,
    keepFiringForMs,
    enabled: r.scopeKind === 'product' ? productAlerts : r.enabled,
  }));
}

export function makeAlerter(
  redis: RedisClient,
  prefix: string,
  config: AlerterConfig,
  instanceId: string,
  channels?: readonly Channel[],
): Alerter {
  return new Alerter({
    config,
    redis,
    keyPrefix: prefix,
    channels:
      channels ??
      (config.webhookUrl
        ? [webhookChannel(config.webhookUrl, config.webhookSecrets, config.deliveryTimeoutMs)]
        : []),
    logger: createLogger({ name: 'alerter-test', level: 'warn' }),
    instanceId,
  });
}

/**
 * The processor's part, without Kafka: applies events through the real store writer and refreshes
 * every score as of a simulated instant, as the processor's periodic refresh does.
 */
export class ScoreDriver {
  readonly #store: ScoreStore;
  #epoch = 0;
  #offset = 0;

  constructor(redis: RedisClient, ks: KeySpace) {
    this.#store = new ScoreStore(redis, ks, DEFAULT_SCORING_CONFIG);
  }

  async apply(events: readonly ScoringEvent[], asOfMs: number): Promise<void> {
    if (this.#epoch === 0) this.#epoch = await this.#store.takeEpoch('alerter-test', 0);
    await this.#store.applyPartitionBatch({
      topic: 'alerter-test',
      partition: 0,
      epoch: this.#epoch,
      asOfMs,
      byDomain: byDomain(events, this.#offset),
    });
    this.#offset += events.length;
    await this.#store.refreshMesh(asOfMs);
  }

  /** Every score rewritten as of `asOfMs`. */
  async refresh(asOfMs: number): Promise<void> {
    await this.#store.refreshOwned(asOfMs, () => this.#epoch);
    await this.#store.refreshMesh(asOfMs);
  }
}

let counter = 0;
/** A momentum-building event (a consumer onboarded) of a product at `timeMs`. */
export function onboarded(domain: string, productId: string, timeMs: number): ScoringEvent {
  counter += 1;
  return {
    id: `ev-${counter}-${timeMs}`,
    source: 'urn:alerter-test',
    timeMs,
    domain,
    type: 'ConsumerOnboarded',
    productId,
    consumerTeam: `team-${counter}`,
  } as ScoringEvent;
}

/** Events every `everyDays` from `fromMs` to `toMs` (inclusive of the start). */
export function rhythm(
  domain: string,
  productId: string,
  fromMs: number,
  toMs: number,
  everyDays: number,
): ScoringEvent[] {
  const out: ScoringEvent[] = [];
  for (let t = fromMs; t <= toMs; t += everyDays * DAY_MS) out.push(onboarded(domain, productId, t));
  return out;
}

export { AlerterProcess } from './service-process.ts';
