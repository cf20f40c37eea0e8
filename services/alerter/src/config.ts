import { z } from 'zod';
import { DEFAULT_ALERTING_CONFIG, type AlertingConfig, type GroupBy } from '@mesh-momentum/alerting';
import { ConfigError, type Env, type FieldIssue } from '@mesh-momentum/common';

/**
 * The alerter's variables, in the shape of `defineConfigSection` (briefs: configuration by section):
 * when that lands in @mesh-momentum/common this object moves into it unchanged and `loadAlerterConfig`
 * becomes `loadConfig(env, ALERTER_SECTION)`.
 */
const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be between ${min} and ${max}`);
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const httpUrlOrEmpty = z.union([z.literal(''), z.url({ protocol: /^https?$/ })]);
const DAY_MS = 86_400_000;

export const ALERTER_VARIABLES = {
  MM_ALERTER_HTTP_HOST: {
    schema: z.string().min(1),
    default: '127.0.0.1',
    doc: "Address of the alerter's HTTP server (health, metrics, silences).",
  },
  MM_ALERTER_HTTP_PORT: {
    schema: integer(0, 65_535),
    default: '8091',
    doc: "Port of the alerter's HTTP server (0: any free port).",
  },
  MM_ALERTER_EVALUATION_INTERVAL_MS: {
    schema: integer(1_000, DAY_MS),
    default: '60000',
    doc: 'Time between evaluations of every scope, ms.',
  },
  MM_ALERTER_FOR_MS: {
    schema: integer(0, 30 * DAY_MS),
    default: String(DEFAULT_ALERTING_CONFIG.rules[0]?.forMs),
    doc: 'A stall must hold this long before its alert fires (`for`), ms.',
  },
  MM_ALERTER_KEEP_FIRING_FOR_MS: {
    schema: integer(0, 30 * DAY_MS),
    default: String(DEFAULT_ALERTING_CONFIG.rules[0]?.keepFiringForMs),
    doc: 'A firing alert stays firing this long after its stall stops holding (`keep_firing_for`), ms.',
  },
  MM_ALERTER_REPEAT_INTERVAL_MS: {
    schema: integer(60_000, 365 * DAY_MS),
    default: String(DEFAULT_ALERTING_CONFIG.repeatIntervalMs),
    doc: 'A firing alert is notified again after this long, ms.',
  },
  MM_ALERTER_GROUP_BY: {
    schema: z.enum(['domain', 'ownerTeam']),
    default: 'domain',
    doc: 'One notification per `domain` or per product `ownerTeam`.',
  },
  MM_ALERTER_PRODUCT_ALERTS: {
    schema: bool,
    default: 'true',
    doc: 'Alert on data products too, not only domains and the mesh.',
  },
  MM_ALERTER_DASHBOARD_URL: {
    schema: z.url({ protocol: /^https?$/ }),
    default: DEFAULT_ALERTING_CONFIG.dashboardBaseUrl,
    doc: 'Base URL of the dashboard, for the link in every notification.',
  },
  MM_ALERTER_ALERTMANAGER_URL: {
    schema: httpUrlOrEmpty,
    default: '',
    doc: 'Alertmanager base URL (e.g. http://127.0.0.1:19094); empty: not used.',
  },
  MM_ALERTER_ALERTMANAGER_RESEND_MS: {
    schema: integer(1_000, DAY_MS),
    default: String(DEFAULT_ALERTING_CONFIG.alertmanagerResendMs),
    doc: 'Firing alerts are re-posted to Alertmanager this often, ms.',
  },
  MM_ALERTER_WEBHOOK_URL: {
    schema: httpUrlOrEmpty,
    default: '',
    doc: 'Generic JSON webhook receiving every notification; empty: not used.',
    secret: true,
  },
  MM_ALERTER_WEBHOOK_SECRET: {
    schema: z.string(),
    default: '',
    doc: 'Standard Webhooks secrets (`whsec_…`, space-separated) that sign the JSON webhook; empty: unsigned.',
    secret: true,
  },
  MM_ALERTER_CHAT_WEBHOOK_URL: {
    schema: httpUrlOrEmpty,
    default: '',
    doc: 'Chat incoming-webhook URL (Slack, Mattermost, ...); empty: not used.',
    secret: true,
  },
  MM_ALERTER_KAFKA_TOPIC: {
    schema: z.union([
      z.literal(''),
      z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, 'must be a Kafka topic name'),
    ]),
    default: '',
    doc: 'Kafka topic receiving one Avro `MomentumAlert` per alert of each notification (created if missing); empty: not used.',
  },
  MM_ALERTER_DELIVERY_TIMEOUT_MS: {
    schema: integer(100, 120_000),
    default: '5000',
    doc: 'Bound of one delivery attempt, ms.',
  },
  MM_ALERTER_RETRY_BASE_MS: {
    schema: integer(10, 3_600_000),
    default: '1000',
    doc: 'First retry delay of a failed delivery; doubles per attempt, ms.',
  },
  MM_ALERTER_RETRY_MAX_MS: {
    schema: integer(10, DAY_MS),
    default: '300000',
    doc: 'Longest retry delay, ms.',
  },
  MM_ALERTER_DELIVERY_MAX_AGE_MS: {
    schema: integer(1_000, 30 * DAY_MS),
    default: String(DAY_MS),
    doc: 'A delivery still failing this long after it was decided is given up, ms.',
  },
  MM_ALERTER_LEASE_TTL_MS: {
    schema: integer(1_000, 600_000),
    default: '15000',
    doc: 'Notifier lease; another instance takes over within about this long after the holder dies, ms.',
  },
} as const;

export type AlerterVariable = keyof typeof ALERTER_VARIABLES;

export interface AlerterConfig {
  readonly httpHost: string;
  readonly httpPort: number;
  readonly evaluationIntervalMs: number;
  readonly alerting: AlertingConfig;
  readonly alertmanagerUrl: string | undefined;
  readonly webhookUrl: string | undefined;
  readonly webhookSecrets: readonly string[];
  readonly chatWebhookUrl: string | undefined;
  readonly kafkaTopic: string | undefined;
  readonly deliveryTimeoutMs: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  readonly deliveryMaxAgeMs: number;
  readonly leaseTtlMs: number;
}

/** The `MM_ALERTER_*` part of the environment, validated and frozen; the rest is left to `loadConfig`. */
export function loadAlerterConfig(env: Env): AlerterConfig {
  const issues: FieldIssue[] = [];
  const values: Record<string, unknown> = {};
  for (const name of Object.keys(env)) {
    if (name.startsWith('MM_ALERTER_') && !(name in ALERTER_VARIABLES))
      issues.push({ field: name, reason: 'unknown variable' });
  }
  for (const [name, spec] of Object.entries(ALERTER_VARIABLES)) {
    const result = (spec.schema as z.ZodType).safeParse(env[name] ?? spec.default);
    if (result.success) values[name] = result.data;
    else issues.push({ field: name, reason: result.error.issues.map((i) => i.message).join(', ') });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  const get = <K extends AlerterVariable>(k: K) =>
    values[k] as z.output<(typeof ALERTER_VARIABLES)[K]['schema']>;
  const optional = (v: string) => (v === '' ? undefined : v.replace(/\/+$/, ''));
  const rules = DEFAULT_ALERTING_CONFIG.rules.map((r) => ({
    ...r,
    forMs: get('MM_ALERTER_FOR_MS'),
    keepFiringForMs: get('MM_ALERTER_KEEP_FIRING_FOR_MS'),
    enabled: r.scopeKind === 'product' ? get('MM_ALERTER_PRODUCT_ALERTS') : r.enabled,
  }));
  return Object.freeze({
    httpHost: get('MM_ALERTER_HTTP_HOST'),
    httpPort: get('MM_ALERTER_HTTP_PORT'),
    evaluationIntervalMs: get('MM_ALERTER_EVALUATION_INTERVAL_MS'),
    alerting: Object.freeze({
      ...DEFAULT_ALERTING_CONFIG,
      rules,
      repeatIntervalMs: get('MM_ALERTER_REPEAT_INTERVAL_MS'),
      groupBy: get('MM_ALERTER_GROUP_BY') as GroupBy,
      dashboardBaseUrl: get('MM_ALERTER_DASHBOARD_URL'),
      alertmanagerResendMs: get('MM_ALERTER_ALERTMANAGER_RESEND_MS'),
    }),
    alertmanagerUrl: optional(get('MM_ALERTER_ALERTMANAGER_URL')),
    webhookUrl: optional(get('MM_ALERTER_WEBHOOK_URL')),
    webhookSecrets: get('MM_ALERTER_WEBHOOK_SECRET')
      .split(/\s+/)
      .filter((s) => s !== ''),
    chatWebhookUrl: optional(get('MM_ALERTER_CHAT_WEBHOOK_URL')),
    kafkaTopic: get('MM_ALERTER_KAFKA_TOPIC') || undefined,
    deliveryTimeoutMs: get('MM_ALERTER_DELIVERY_TIMEOUT_MS'),
    retryBaseMs: get('MM_ALERTER_RETRY_BASE_MS'),
    retryMaxMs: get('MM_ALERTER_RETRY_MAX_MS'),
    deliveryMaxAgeMs: get('MM_ALERTER_DELIVERY_MAX_AGE_MS'),
    leaseTtlMs: get('MM_ALERTER_LEASE_TTL_MS'),
  });
}

/** The environment without the alerter's variables, for the shared `loadConfig` (until sections land). */
export function withoutAlerterVariables(env: Env): Env {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('MM_ALERTER_')));
}
