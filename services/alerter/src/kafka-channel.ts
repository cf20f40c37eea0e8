import { readFileSync } from 'node:fs';
import avro from 'avsc';
import type { Producer } from 'kafkajs';
import { ALERT_SCHEMA_NAME, alertRecords, type Notification } from '@mesh-momentum/alerting';
import { frame, type RegistryClient } from '@mesh-momentum/events';
import { withDeadline } from '@mesh-momentum/service-kit';
import type { Channel } from './channels.ts';
import { DeliveryFailedError } from './errors.ts';

/** schemas/alerts/MomentumAlert.avsc, found from src/ and dist/ alike (both two levels below the package). */
const SCHEMA_TEXT = readFileSync(
  new URL('../../../schemas/alerts/MomentumAlert.avsc', import.meta.url),
  'utf8',
);

/** Header carrying the notification's idempotency key on every record. */
export const IDEMPOTENCY_HEADER = 'mm_idempotency-key';

/**
 * The alerts topic: one Avro record (Confluent wire format, schema registered under its record-name
 * subject) per alert of a notification, keyed by fingerprint so each alert's history stays ordered.
 * The record id (`<idempotency key>:<fingerprint>`) lets consumers drop a redelivery.
 *
 * Each send is bounded by `timeoutMs` (service-kit's `withDeadline`): a broker that accepts connections
 * and never answers makes it fail as retriable, and the outbox retries it with back-off, instead of
 * holding the delivery loop (kafkajs' idempotent producer retries a silent broker without end). A send
 * abandoned that way cannot be cancelled; while it is still pending, the next send fails at once instead
 * of queueing behind it, so a hung broker costs one pending send, not one per retry.
 */
export function kafkaChannel(
  producer: Producer,
  registry: RegistryClient,
  topic: string,
  timeoutMs: number,
): Channel {
  const type = avro.Type.forSchema(JSON.parse(SCHEMA_TEXT) as avro.Schema);
  let schemaId: Promise<number> | undefined;
  /** A send that missed its deadline and has not settled yet. */
  let abandoned: Promise<unknown> | undefined;

  const produce = async (notification: Notification): Promise<void> => {
    // Registered once per process; a failed registration is tried again at the next delivery.
    schemaId ??= registry.register(ALERT_SCHEMA_NAME, SCHEMA_TEXT).catch((error: unknown) => {
      schemaId = undefined;
      throw error;
    });
    const id = await schemaId;
    await producer.send({
      topic,
      acks: -1,
      messages: alertRecords(notification).map((record) => ({
        key: record.fingerprint,
        value: frame(id, type.toBuffer(record)),
        headers: { [IDEMPOTENCY_HEADER]: notification.idempotencyKey },
      })),
    });
  };

  return {
    name: 'kafka',
    send: async (notification: Notification) => {
      if (abandoned !== undefined) {
        throw new DeliveryFailedError('kafka', 'an earlier send is still waiting for the broker', {
          retriable: true,
        });
      }
      const work = produce(notification);
      let timedOut = false;
      try {
        await withDeadline(work, timeoutMs, () => {
          timedOut = true;
          return new DeliveryFailedError('kafka', `no answer within ${timeoutMs} ms`, { retriable: true });
        });
      } catch (error) {
        if (timedOut) {
          const settled = work.then(
            () => undefined,
            () => undefined,
          );
          abandoned = settled;
          void settled.then(() => {
            if (abandoned === settled) abandoned = undefined;
          });
        }
        if (error instanceof DeliveryFailedError) throw error;
        const retriable = (error as { retriable?: boolean }).retriable ?? true;
        throw new DeliveryFailedError('kafka', (error as Error).message, { retriable, cause: error });
      }
    },
  };
}
