import { readFileSync } from 'node:fs';
import avro from 'avsc';
import type { Producer } from 'kafkajs';
import { ALERT_SCHEMA_NAME, alertRecords, type Notification } from '@mesh-momentum/alerting';
import { frame, type RegistryClient } from '@mesh-momentum/events';
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
 */
export function kafkaChannel(producer: Producer, registry: RegistryClient, topic: string): Channel {
  const type = avro.Type.forSchema(JSON.parse(SCHEMA_TEXT) as avro.Schema);
  let schemaId: Promise<number> | undefined;
  return {
    name: 'kafka',
    send: async (notification: Notification) => {
      try {
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
      } catch (error) {
        const retriable = (error as { retriable?: boolean }).retriable ?? true;
        throw new DeliveryFailedError('kafka', (error as Error).message, { retriable, cause: error });
      }
    },
  };
}
