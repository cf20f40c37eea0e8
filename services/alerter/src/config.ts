import { z } from 'zod';
import {
  CHAT_FORMATS,
  DEFAULT_ALERTING_CONFIG,
  type AlertingConfig,
  type ChatFormat,
} from '@mesh-momentum/alerting';
import {
  bool,
  ConfigError,
  defineConfigSection,
  integer,
  loadConfig,
  nonEmpty,
  topicName,
  url,
  variable,
  type Config,
  type Env,
} from '@mesh-momentum/common';
import {
  adminTokenList,
  assertAdminWritesProtected,
  httpServerSettings,
  httpServerVariables,
  type HttpServerSettings,
  type StoredToken,
} from '@mesh-momentum/service-kit';

const DAY_MS = 86_400_000;
const HTTP = ['http:', 'https:'];
/** An http(s) URL, or empty for "not used". */
const optionalHttpUrl = z.union([z.literal(''), url({ protocols: HTTP })]);
const defaultRule = DEFAULT_ALERTING_CONFIG.rules[0];
/** `whsec_` + padded base64, as packages/webhook-auth decodes it (checked at start-up, not at the first send). */
const STANDARD_WEBHOOK_SECRET = /^whsec_(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** What the alerter builds from its variables (`HttpServerSettings`: its HTTP server's proxies and timeouts). */
export interface AlerterConfig extends HttpServerSettings {
  readonly httpHost: string;
  readonly httpPort: number;
  readonly evaluationIntervalMs: number;
  readonly alerting: AlertingConfig;
  readonly alertmanagerUrl: string | undefined;
  readonly webhookUrl: string | undefined;
  readonly webhookSecrets: readonly string[];
  readonly chatWebhookUrl: string | undefined;
  readonly chatFormat: ChatFormat;
  readonly kafkaTopic: string | undefined;
  readonly deliveryTimeoutMs: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  readonly deliveryMaxAgeMs: number;
  readonly leaseTtlMs: number;
  /** Whether the silences and pauses API accepts writes; false: read-only (writes answer 403). */
  readonly adminWrites: boolean;
  /** Tokens the writes need (Bearer); none: writes open, which is allowed on loopback only. */
  readonly adminTokens: readonly StoredToken[];
}

const optional = (v: string) => (v === '' ? undefined : v.replace(/\/+$/, ''));

/** The alerter's own variables (`MM_ALERTER_*`); the shared ones live in packages/common. */
export const ALERTER_SECTION = defineConfigSection({
  name: 'alerter',
  prefix: 'MM_ALERTER_',
  variables: {
    MM_ALERTER_HTTP_HOST: variable(
      nonEmpty,
      '127.0.0.1',
      "Address the alerter's HTTP server (health, metrics, silences) binds to.",
    ),
    MM_ALERTER_HTTP_PORT: variable(
      integer(0, 65_535),
      '8091',
      "Port of the alerter's /healthz, /readyz, /metrics and /api (0: any free port).",
    ),
    ...httpServerVariables('MM_ALERTER_'),
    MM_ALERTER_EVALUATION_INTERVAL_MS: variable(
      integer(1_000, DAY_MS),
      '60000',
      'Time between two evaluations of every scope, ms.',
    ),
    MM_ALERTER_FOR_MS: variable(
      integer(0, 30 * DAY_MS),
      String(defaultRule?.forMs),
      'A stall must hold this long before its alert fires (`for`), ms.',
    ),
    MM_ALERTER_KEEP_FIRING_FOR_MS: variable(
      integer(0, 30 * DAY_MS),
      String(defaultRule?.keepFiringForMs),
      'A firing alert stays firing this long after its stall stopped holding (`keep_firing_for`, against flapping), ms.',
    ),
    MM_ALERTER_REPEAT_INTERVAL_MS: variable(
      integer(60_000, 365 * DAY_MS),
      String(DEFAULT_ALERTING_CONFIG.repeatIntervalMs),
      'A firing alert is notified again after this long without a notification, ms.',
    ),
    MM_ALERTER_GROUP_BY: variable(
      z.enum(['domain', 'ownerTeam']),
      'domain',
      'One notification per `domain` or per product `ownerTeam`.',
    ),
    MM_ALERTER_PRODUCT_ALERTS: variable(
      bool,
      'true',
      'Alert on data products too, not only on domains and the mesh.',
    ),
    MM_ALERTER_DASHBOARD_URL: variable(
      url({ protocols: HTTP }),
      DEFAULT_ALERTING_CONFIG.dashboardBaseUrl,
      'Base URL of the dashboard, for the link in every notification.',
    ),
    MM_ALERTER_ALERTMANAGER_URL: variable(
      optionalHttpUrl,
      '',
      'Alertmanager base URL (local: http://127.0.0.1:19094); empty: not used.',
    ),
    MM_ALERTER_ALERTMANAGER_RESEND_MS: variable(
      integer(1_000, DAY_MS),
      String(DEFAULT_ALERTING_CONFIG.alertmanagerResendMs),
      'Firing alerts are re-posted to Alertmanager this often (their endsAt lies 4 periods ahead), ms.',
    ),
    MM_ALERTER_WEBHOOK_URL: variable(
      optionalHttpUrl,
      '',
      'Generic JSON webhook receiving every notification; empty: not used.',
      true,
    ),
    MM_ALERTER_WEBHOOK_SECRET: variable(
      z
        .string()
        .refine(
          (v) => v.split(/\s+/).every((secret) => secret === '' || STANDARD_WEBHOOK_SECRET.test(secret)),
          {
            message: 'each secret must be whsec_ followed by padded base64',
          },
        ),
      '',
      'Standard Webhooks secrets (`whsec_…`, space-separated) signing the JSON webhook; empty: unsigned.',
      true,
    ),
    MM_ALERTER_CHAT_WEBHOOK_URL: variable(
      optionalHttpUrl,
      '',
      'Chat incoming-webhook URL (Slack, Mattermost, ...); empty: not used.',
      true,
    ),
    MM_ALERTER_CHAT_FORMAT: variable(
      z.enum(CHAT_FORMATS),
      'slack',
      'Markup of the chat text, escaped by its rules: `slack` (Slack mrkdwn, Slack-compatible hooks) or `markdown` (Mattermost, Rocket.Chat, Teams).',
    ),
    MM_ALERTER_KAFKA_TOPIC: variable(
      z.union([z.literal(''), topicName]),
      '',
      'Topic receiving one Avro `MomentumAlert` per alert of each notification (created when missing); empty: not used.',
    ),
    MM_ALERTER_DELIVERY_TIMEOUT_MS: variable(
      integer(100, 120_000),
      '5000',
      'Bound of one delivery attempt, ms.',
    ),
    MM_ALERTER_RETRY_BASE_MS: variable(
      integer(10, 3_600_000),
      '1000',
      'First retry delay of a failed delivery; doubles per attempt, ms.',
    ),
    MM_ALERTER_RETRY_MAX_MS: variable(
      integer(10, DAY_MS),
      '300000',
      'Longest retry delay of a failed delivery, ms.',
    ),
    MM_ALERTER_DELIVERY_MAX_AGE_MS: variable(
      integer(1_000, 30 * DAY_MS),
      String(DAY_MS),
      'A delivery still failing this long after it was decided is given up, ms.',
    ),
    MM_ALERTER_ADMIN_WRITES: variable(
      bool,
      'true',
      'Whether the silences and pauses API accepts writes (POST, DELETE); false: read-only (writes answer 403).',
    ),
    MM_ALERTER_ADMIN_TOKENS: variable(
      adminTokenList,
      '',
      'Admin tokens silence and pause writes need (Bearer): <id>=sha256:<salt>:<digest>, comma-separated, from pnpm admin:token <id>; empty: writes open, loopback only.',
    ),
    MM_ALERTER_LEASE_TTL_MS: variable(
      integer(1_000, 600_000),
      '15000',
      'Notifier lease, renewed every third of it: another instance takes over this long after the holder died (≥ 2 × delivery timeout), ms.',
    ),
  },
  build: (get): AlerterConfig => {
    // The lease must outlast a send by a renewal period or two: a send starts only while the lease is
    // held for the send's whole bound, and the lease renews every TTL/3.
    if (get('MM_ALERTER_LEASE_TTL_MS') < 2 * get('MM_ALERTER_DELIVERY_TIMEOUT_MS')) {
      throw new ConfigError([
        {
          field: 'MM_ALERTER_LEASE_TTL_MS',
          reason:
            'must be at least twice MM_ALERTER_DELIVERY_TIMEOUT_MS (a send starts only while the lease outlasts it)',
        },
      ]);
    }
    // Silences and pauses change who hears of a stall: anyone who reaches the API must prove who they
    // are, unless only this machine can reach it.
    if (get('MM_ALERTER_ADMIN_WRITES')) {
      assertAdminWritesProtected({
        host: get('MM_ALERTER_HTTP_HOST'),
        hostVariable: 'MM_ALERTER_HTTP_HOST',
        tokens: get('MM_ALERTER_ADMIN_TOKENS'),
        tokensVariable: 'MM_ALERTER_ADMIN_TOKENS',
      });
    }
    const rules = DEFAULT_ALERTING_CONFIG.rules.map((r) => ({
      ...r,
      forMs: get('MM_ALERTER_FOR_MS'),
      keepFiringForMs: get('MM_ALERTER_KEEP_FIRING_FOR_MS'),
      enabled: r.scopeKind === 'product' ? get('MM_ALERTER_PRODUCT_ALERTS') : r.enabled,
    }));
    return Object.freeze({
      httpHost: get('MM_ALERTER_HTTP_HOST'),
      httpPort: get('MM_ALERTER_HTTP_PORT'),
      ...httpServerSettings('MM_ALERTER_', get),
      evaluationIntervalMs: get('MM_ALERTER_EVALUATION_INTERVAL_MS'),
      alerting: Object.freeze({
        ...DEFAULT_ALERTING_CONFIG,
        rules,
        repeatIntervalMs: get('MM_ALERTER_REPEAT_INTERVAL_MS'),
        groupBy: get('MM_ALERTER_GROUP_BY'),
        dashboardBaseUrl: get('MM_ALERTER_DASHBOARD_URL'),
        alertmanagerResendMs: get('MM_ALERTER_ALERTMANAGER_RESEND_MS'),
      }),
      alertmanagerUrl: optional(get('MM_ALERTER_ALERTMANAGER_URL')),
      webhookUrl: optional(get('MM_ALERTER_WEBHOOK_URL')),
      webhookSecrets: get('MM_ALERTER_WEBHOOK_SECRET')
        .split(/\s+/)
        .filter((s) => s !== ''),
      chatWebhookUrl: optional(get('MM_ALERTER_CHAT_WEBHOOK_URL')),
      chatFormat: get('MM_ALERTER_CHAT_FORMAT'),
      kafkaTopic: get('MM_ALERTER_KAFKA_TOPIC') || undefined,
      deliveryTimeoutMs: get('MM_ALERTER_DELIVERY_TIMEOUT_MS'),
      retryBaseMs: get('MM_ALERTER_RETRY_BASE_MS'),
      retryMaxMs: get('MM_ALERTER_RETRY_MAX_MS'),
      deliveryMaxAgeMs: get('MM_ALERTER_DELIVERY_MAX_AGE_MS'),
      leaseTtlMs: get('MM_ALERTER_LEASE_TTL_MS'),
      adminWrites: get('MM_ALERTER_ADMIN_WRITES'),
      adminTokens: Object.freeze([...get('MM_ALERTER_ADMIN_TOKENS')]),
    });
  },
});

/** The alerter's configuration: the shared variables and its own section, under `alerter`. */
export type AlerterServiceConfig = Config & { readonly alerter: AlerterConfig };

export function loadAlerterConfig(env: Env = process.env): AlerterServiceConfig {
  return loadConfig(env, ALERTER_SECTION);
}
