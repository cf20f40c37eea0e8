/**
 * @mesh-momentum/alerting — the alerter's pure logic: lifecycle, fingerprints, silences, grouping,
 * evidence and channel payloads, and the alert-state contract (Redis keys, stored records, what a reader
 * shows). No I/O and no clock: services/alerter wires it to Redis and HTTP.
 */
export * from './types.ts';
export * from './config.ts';
export * from './fingerprint.ts';
export * from './evidence.ts';
export * from './lifecycle.ts';
export * from './silences.ts';
export * from './silence-request.ts';
export * from './pauses.ts';
export * from './pause-request.ts';
export * from './grouping.ts';
export * from './engine.ts';
export * from './payloads/alertmanager.ts';
export * from './payloads/avro.ts';
export * from './payloads/webhook.ts';
export * from './payloads/chat.ts';
export * from './payloads/markup.ts';
export * from './contract/index.ts';
