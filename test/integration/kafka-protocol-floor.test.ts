import { describe, expect, inject, it } from 'vitest';
import { describeFloorViolations, negotiateApis, PROJECT_KAFKA_APIS } from '@mesh-momentum/kafka';
import {
  brokerApiVersions,
  KAFKAJS_API_KEYS,
  KAFKAJS_REQUEST_VERSIONS,
} from './support/kafka-api-versions.ts';

/**
 * The early warning for a Kafka that raises a protocol floor (KIP-896 removed old versions in 4.0; the
 * tightest for kafkajs 2.2.4 is DeleteTopics, whose v1 is the 4.x minimum): every API the project calls
 * is negotiated against the running broker as kafkajs would, and the test names each one the broker
 * would refuse.
 */
describe('Kafka protocol floor', () => {
  it('every API the project calls is sent at a version the running broker accepts', async () => {
    const brokers = inject('services').kafkaBrokers.split(',');
    for (const broker of brokers) {
      const versions = await brokerApiVersions(broker);
      const negotiations = negotiateApis(
        PROJECT_KAFKA_APIS,
        KAFKAJS_API_KEYS,
        KAFKAJS_REQUEST_VERSIONS,
        versions,
      );
      console.warn(
        `protocol floor at ${broker}: ` +
          negotiations
            .map(
              (n) =>
                `${n.api} v${n.sent ?? '-'} [${n.broker?.minVersion ?? '-'}..${n.broker?.maxVersion ?? '-'}]`,
            )
            .join(', '),
      );
      expect(describeFloorViolations(negotiations), `APIs ${broker} would refuse`).toEqual([]);
      // The broker answered for every API the project needs (a real answer, not an empty table).
      expect(negotiations.every((n) => n.broker !== undefined)).toBe(true);
    }
  });
});
