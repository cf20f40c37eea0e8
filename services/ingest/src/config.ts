import { z } from 'zod';
import {
  bool,
  ConfigError,
  defineConfigSection,
  integer,
  loadConfig,
  nonEmpty,
  type Env,
  type FieldIssue,
  variable,
} from '@mesh-momentum/common';
import { httpServerSettings, httpServerVariables } from '@mesh-momentum/service-kit';
import type { GatewayFile } from './gateway-file.ts';

/** Shortest person-id key accepted: 32 characters (128 bits as hex, more as random text). */
const PERSON_ID_KEY_MIN_LENGTH = 32;

/**
 * The ingest gateway's variables (`MM_INGEST_*`). Tokens, webhook secrets, mappings and pollers live in
 * one file (`MM_INGEST_CONFIG_FILE`, see gateway-file.ts): they are many, structured and secret.
 */
export const INGEST_SECTION = defineConfigSection({
  name: 'ingest',
  prefix: 'MM_INGEST_',
  variables: {
    MM_INGEST_HTTP_HOST: variable(
      nonEmpty,
      '127.0.0.1',
      'Address the ingest gateway listens on; loopback only unless set (0.0.0.0 for every interface).',
    ),
    MM_INGEST_HTTP_PORT: variable(
      integer(0, 65_535),
      '8088',
      'Port of the ingest API: events, webhooks and admin endpoints (0: any free port).',
    ),
    MM_INGEST_OPS_PORT: variable(
      integer(0, 65_535),
      '9465',
      "Port of the gateway's /healthz, /readyz and /metrics, on MM_INGEST_HTTP_HOST (0: any free port).",
    ),
    MM_INGEST_CONFIG_FILE: variable(
      z.string(),
      '',
      'YAML or JSON file with API tokens (hashed), webhook secrets, generic mappings and pollers; empty: no tokens, no webhooks.',
    ),
    MM_INGEST_IDENTITY_FILE: variable(
      z.string(),
      '',
      'Identity mapping file of the adapters (docs/adapters/identity.md); empty: conventions only.',
    ),
    MM_INGEST_BODY_LIMIT_BYTES: variable(
      integer(1_024, 64 * 1024 * 1024),
      '1048576',
      'Largest request body accepted; larger ones are refused with 413, bytes.',
    ),
    MM_INGEST_BATCH_MAX_EVENTS: variable(
      integer(1, 100_000),
      '5000',
      'Most events in one POST /v1/events/batch.',
    ),
    MM_INGEST_ACK_TIMEOUT_MS: variable(
      integer(100, 600_000),
      '5000',
      'Longest a request waits for Kafka to acknowledge its events before answering 503 (under GitHub’s 10 s), ms.',
    ),
    MM_INGEST_RATE_LIMIT_MAX: variable(
      integer(1, 10_000_000),
      '6000',
      'Per rate-limit window: events one API token may send (a batch counts its events), deliveries one webhook may make once verified, and failed webhook verifications one client address may make; more are answered 429.',
    ),
    MM_INGEST_RATE_LIMIT_WINDOW_MS: variable(
      integer(100, 86_400_000),
      '60000',
      'Length of the rate-limit window, counted in Redis across gateway instances, ms.',
    ),
    MM_INGEST_WEBHOOK_MAX_EVENTS: variable(
      integer(1, 100_000),
      '1000',
      'Most events one webhook delivery may map to (an OpenMetadata batch, a generic mapping over a list); more are refused with 413 MM_ERR_INGEST_TOO_MANY_EVENTS.',
    ),
    MM_INGEST_DELIVERY_TTL_SECONDS: variable(
      integer(60, 90 * 86_400),
      '604800',
      'How long a webhook delivery is remembered in Redis, so a replay within it is answered as a duplicate; keep it at most MM_PROCESSOR_DEDUP_WINDOW_DAYS, s.',
    ),
    MM_INGEST_WEBHOOK_MAX_AGE_SECONDS: variable(
      integer(0, 90 * 86_400),
      '604800',
      'A GitHub delivery whose signed time (release published_at, archive updated_at) is older than this is ignored as a replay; keep it at most MM_INGEST_DELIVERY_TTL_SECONDS; 0: never (a demo replaying history), s.',
    ),
    MM_INGEST_UNMAPPED_MAX: variable(
      integer(1, 100_000),
      '1000',
      'Most unmapped tool entities kept for GET /v1/admin/unmapped (the most recently seen win).',
    ),
    ...httpServerVariables('MM_INGEST_'),
    MM_INGEST_PERSON_ID_KEY: variable(
      z.string().refine((v) => v === '' || v.length >= PERSON_ID_KEY_MIN_LENGTH, {
        message: `must be at least ${PERSON_ID_KEY_MIN_LENGTH} characters (e.g. openssl rand -hex 32)`,
      }),
      '',
      'Secret HMAC key turning OpenMetadata user ids into person ids; required with that webhook. A new key, new ids.',
      true,
    ),
    MM_INGEST_POLLERS: variable(
      bool,
      'true',
      'Run the pollers the config file defines (Backstage, Data Mesh Manager); false: webhooks and API only.',
    ),
  },
  build: (get) => ({
    httpHost: get('MM_INGEST_HTTP_HOST'),
    httpPort: get('MM_INGEST_HTTP_PORT'),
    opsPort: get('MM_INGEST_OPS_PORT'),
    configFile: get('MM_INGEST_CONFIG_FILE') || undefined,
    identityFile: get('MM_INGEST_IDENTITY_FILE') || undefined,
    bodyLimitBytes: get('MM_INGEST_BODY_LIMIT_BYTES'),
    batchMaxEvents: get('MM_INGEST_BATCH_MAX_EVENTS'),
    ackTimeoutMs: get('MM_INGEST_ACK_TIMEOUT_MS'),
    rateLimitMax: get('MM_INGEST_RATE_LIMIT_MAX'),
    rateLimitWindowMs: get('MM_INGEST_RATE_LIMIT_WINDOW_MS'),
    deliveryTtlSeconds: get('MM_INGEST_DELIVERY_TTL_SECONDS'),
    webhookMaxEvents: get('MM_INGEST_WEBHOOK_MAX_EVENTS'),
    webhookMaxAgeSeconds: get('MM_INGEST_WEBHOOK_MAX_AGE_SECONDS'),
    unmappedMax: get('MM_INGEST_UNMAPPED_MAX'),
    ...httpServerSettings('MM_INGEST_', get),
    pollers: get('MM_INGEST_POLLERS'),
    personIdKey: get('MM_INGEST_PERSON_ID_KEY') || undefined,
  }),
});

export type IngestSettings = ReturnType<typeof INGEST_SECTION.build>;

/** Every variable at its default, parsed (tests, tools). */
export function defaultIngestSettings(): IngestSettings {
  return loadIngestConfig({}).ingest;
}
export type IngestConfig = ReturnType<typeof loadIngestConfig>;

export function loadIngestConfig(env: Env = process.env) {
  return loadConfig(env, INGEST_SECTION);
}

/**
 * Variables that become required by what the config file configures, and the settings that must agree:
 * checked at start-up, so a gateway never runs half-configured. Throws ConfigError naming each variable.
 */
export function checkSettingsForFile(
  settings: IngestSettings,
  file: Pick<GatewayFile, 'openmetadata'>,
): void {
  const issues: FieldIssue[] = [];
  if (file.openmetadata !== undefined && settings.personIdKey === undefined) {
    issues.push({
      field: 'MM_INGEST_PERSON_ID_KEY',
      reason:
        'required when the config file configures webhooks.openmetadata: the secret key that pseudonymises OpenMetadata user ids (e.g. openssl rand -hex 32)',
    });
  }
  // A delivery accepted as fresh must be remembered until it is stale: else a replay of it in between
  // is neither a duplicate in the ledger nor ignored as stale.
  if (settings.webhookMaxAgeSeconds > settings.deliveryTtlSeconds) {
    issues.push({
      field: 'MM_INGEST_WEBHOOK_MAX_AGE_SECONDS',
      reason: `must be at most MM_INGEST_DELIVERY_TTL_SECONDS (${settings.deliveryTtlSeconds}), the ledger's memory of a delivery`,
    });
  }
  if (issues.length > 0) throw new ConfigError(issues);
}
