import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import type { Notification } from '@mesh-momentum/alerting';
import { chatChannel, kafkaChannel, webhookChannel } from '@mesh-momentum/alerter';
import { RegistryClient, registryOptionsFrom } from '@mesh-momentum/events';
import { isolatedConfig, startSilentServer, type SilentServer } from '@mesh-momentum/testing';
import {
  alerterConfig,
  DAY_MS,
  makeAlerter,
  receiverForBlock,
  rhythm,
  rules,
  ScoreDriver,
} from './support/alerter-harness.ts';
import { storeHarness } from './support/store-harness.ts';

/**
 * Receivers that accept connections and never answer (packages/testing's silent server): a Kafka broker
 * that went silent after the producer connected, a chat webhook that hangs. Every send ends within its
 * bound as a retriable failure, and a live channel beside them is delivered at once.
 */
const TIMEOUT_MS = 800;
const LAST = Date.UTC(2026, 0, 5) + 26 * 7 * DAY_MS;

/**
 * A producer on the real Kafka whose broker can be made to go silent: kafkajs opens every broker
 * connection through `socketFactory`, so `silence()` stops reading the open connections (the broker's
 * answers never arrive) and sends any new one to a port that accepts and never answers.
 */
class SwitchableKafka {
  readonly #sockets = new Set<Socket>();
  #silentPort: number | undefined;
  readonly kafka: Kafka;

  constructor(brokers: string[], clientId: string) {
    this.kafka = new Kafka({
      brokers,
      clientId,
      logLevel: logLevel.NOTHING,
      requestTimeout: 30_000,
      socketFactory: ({ host, port, onConnect }) => {
        const socket = connect({ host, port: this.#silentPort ?? port }, onConnect);
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        return socket;
      },
    });
  }

  silence(port: number): void {
    this.#silentPort = port;
    for (const socket of this.#sockets) socket.pause();
  }

  close(): void {
    for (const socket of this.#sockets) socket.destroy();
  }
}

const notification = (key: string): Notification => ({
  idempotencyKey: key,
  groupKey: 'domain=ops',
  groupLabels: { domain: 'ops' },
  status: 'firing',
  decidedAtMs: LAST,
  alerts: [
    {
      fingerprint: '0123456789abcdef',
      status: 'firing',
      labels: {
        alertname: 'DomainMomentumStalled',
        domain: 'ops',
        scope_kind: 'domain',
        severity: 'warning',
      },
      annotations: { summary: 'Momentum of domain ops stalled' },
      startsAtMs: LAST,
      evidence: {
        rule: 'DomainMomentumStalled',
        findings: [],
        momentum: 8,
        trend7: -2,
        trend30: -9,
        topEvents: [],
        dashboardUrl: 'http://127.0.0.1:8090/#/domain/ops',
        asOfMs: LAST,
      },
      repeat: false,
    },
  ],
});

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const began = Date.now();
  const value = await work;
  return { value, ms: Date.now() - began };
}

describe('alerter channels that never answer', () => {
  const config = isolatedConfig(inject('services'), { name: 'alerter-dead-kafka' });
  const topic = `${config.topics.events}.alerts`;
  const harness = storeHarness('alerter-dead-channels');
  const receiver = receiverForBlock();
  let silent: SilentServer;
  let switchable: SwitchableKafka;
  let producer: Producer;

  beforeAll(async () => {
    silent = await startSilentServer();
    const admin = new Kafka({ brokers: [...config.kafka.brokers], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic }], waitForLeaders: true });
    await admin.disconnect();
    switchable = new SwitchableKafka([...config.kafka.brokers], config.kafka.clientId);
    // As services/alerter/src/service.ts builds it: idempotent, which retries a silent broker without end.
    producer = switchable.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
  });

  afterAll(async () => {
    // The abandoned send keeps kafkajs waiting on the silent connections: cut them.
    switchable?.close();
    await Promise.race([producer?.disconnect(), new Promise((r) => setTimeout(r, 2_000))]);
    await silent?.close();
  });

  it('a Kafka broker that goes silent: the send fails as retriable within its bound, and the next one at once', async () => {
    const registry = new RegistryClient(registryOptionsFrom(config));
    const channel = kafkaChannel(producer, registry, topic, TIMEOUT_MS);
    await channel.send(notification('mmn_live'), LAST); // the broker answers

    switchable.silence(silent.port);
    const first = await timed(channel.send(notification('mmn_silent'), LAST).catch((e: unknown) => e));
    expect(first.value).toMatchObject({ code: 'MM_ERR_DELIVERY_FAILED', retriable: true, channel: 'kafka' });
    expect(String((first.value as Error).message)).toContain(`no answer within ${TIMEOUT_MS} ms`);
    expect(first.ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(first.ms).toBeLessThan(TIMEOUT_MS + 1_000);
    // The abandoned send still waits inside kafkajs: the next one does not queue behind it.
    const second = await timed(channel.send(notification('mmn_next'), LAST).catch((e: unknown) => e));
    expect(second.value).toMatchObject({ code: 'MM_ERR_DELIVERY_FAILED', retriable: true });
    expect(String((second.value as Error).message)).toContain('still waiting for the broker');
    expect(second.ms).toBeLessThan(100);
  });

  it('a silent Kafka and a silent chat never hold the webhook; both are retried with back-off', async () => {
    const redis = harness.redis();
    const silentChat = await startSilentServer();
    try {
      const alerterCfg = alerterConfig(
        { webhookUrl: receiver.url, deliveryTimeoutMs: TIMEOUT_MS },
        { rules: rules(0, 0, false) },
      );
      const registry = new RegistryClient(registryOptionsFrom(config));
      const kafka = kafkaChannel(producer, registry, topic, TIMEOUT_MS);
      const channels = [
        kafka,
        chatChannel(`http://127.0.0.1:${silentChat.port}/chat`, 'slack', TIMEOUT_MS),
        webhookChannel(receiver.url, [], TIMEOUT_MS),
      ];
      const alerter = makeAlerter(redis, harness.ks.prefix, alerterCfg, 'dead', channels);
      const driver = new ScoreDriver(redis, harness.ks);
      await driver.apply(rhythm('ops', 'ops.orders', LAST - 180 * DAY_MS, LAST, 7), LAST);
      const t = LAST + 40 * DAY_MS;
      await driver.refresh(t);

      const { value: decided, ms } = await timed(alerter.tick(t));
      expect(decided.length).toBeGreaterThan(0);
      // One delivery bound for the whole step, not one per dead channel or per delivery.
      expect(ms).toBeLessThan(TIMEOUT_MS + 1_500);
      expect(receiver.requests).toHaveLength(decided.length);
      expect(silentChat.accepted).toBeGreaterThan(0);
      const waiting = await alerter.store.due(Number.MAX_SAFE_INTEGER, 100);
      expect(waiting.map((d) => d.channel).sort()).toEqual(decided.flatMap(() => ['chat', 'kafka']).sort());
      for (const d of waiting) {
        expect(d.attempts).toBe(1);
        expect(d.lastError).toMatch(/no answer|still waiting for the broker/);
      }
    } finally {
      await silentChat.close();
    }
  });
});
