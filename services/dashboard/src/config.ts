import { z } from 'zod';
import {
  bool,
  ConfigError,
  defineConfigSection,
  integer,
  loadConfig,
  nonEmpty,
  variable,
  type Config,
  type Env,
} from '@mesh-momentum/common';
import {
  adminTokenList,
  assertAdminWritesProtected,
  httpServerSettings,
  httpServerVariables,
} from '@mesh-momentum/service-kit';

/** The dashboard's own variables (`MM_DASHBOARD_*`); the shared ones (Redis, log level) live in packages/common. */
export const DASHBOARD_SECTION = defineConfigSection({
  name: 'dashboard',
  prefix: 'MM_DASHBOARD_',
  variables: {
    MM_DASHBOARD_HTTP_HOST: variable(
      nonEmpty,
      '127.0.0.1',
      'Address the dashboard (web UI, read API, /healthz, /readyz, /metrics) binds to.',
    ),
    MM_DASHBOARD_HTTP_PORT: variable(integer(0, 65_535), '8090', 'Port of the dashboard (0: any free port).'),
    ...httpServerVariables('MM_DASHBOARD_'),
    MM_DASHBOARD_REFRESH_MS: variable(
      integer(100, 600_000),
      '5000',
      'How often the dashboard re-reads the scores without a change notification (catches missed notifications and the processor tick), ms.',
    ),
    MM_DASHBOARD_DEBOUNCE_MS: variable(
      integer(0, 10_000),
      '100',
      'How long the dashboard gathers change notifications before it re-reads the changed domains, ms.',
    ),
    MM_DASHBOARD_ANSWER_CACHE_ENTRIES: variable(
      integer(1, 1_000_000),
      '1000',
      'List answers (overview, scope pages, leaderboards, stalled; JSON or CSV) the dashboard keeps per snapshot generation, least recently used dropped first.',
    ),
    MM_DASHBOARD_ANSWER_CACHE_BYTES: variable(
      integer(1_048_576, 4_294_967_296),
      '67108864',
      'Bytes of list answers the dashboard keeps at most (a page of 1000 scopes is ~600 kB), bytes.',
    ),
    MM_DASHBOARD_TARGET_WRITES: variable(
      bool,
      'true',
      'Whether PUT and DELETE /api/targets are served; false: a read-only dashboard (writes answer 403).',
    ),
    MM_DASHBOARD_ADMIN_TOKENS: variable(
      adminTokenList,
      '',
      'Admin tokens target writes need (Bearer): comma-separated <id>=sha256:<salt>:<digest> from pnpm admin:token <id>; empty: writes open, loopback only.',
    ),
    MM_DASHBOARD_READ_TOKENS: variable(
      adminTokenList,
      '',
      'Tokens (Bearer) that may read the API (/api/...), as MM_DASHBOARD_ADMIN_TOKENS writes them; admin tokens read too. Set, or with MM_DASHBOARD_AUTH_USER_HEADER: reads need one of the two; both empty: reads open.',
    ),
    MM_DASHBOARD_AUTH_USER_HEADER: variable(
      z.union([
        z.literal(''),
        z
          .string()
          .regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name')
          // A header every proxied request carries (or the client sets) would let everyone in.
          .refine(
            (name) =>
              !/^(x-forwarded-(for|proto|host|port)|forwarded|host|authorization|cookie)$/i.test(name),
            'must be the header the auth proxy sets to the signed-in user, not one every request carries',
          ),
      ]),
      '',
      'Header an auth proxy (oauth2-proxy: X-Forwarded-User or X-Auth-Request-Email) sets to the signed-in user, believed only from MM_DASHBOARD_TRUST_PROXY; it lets reads through and attributes target writes. Empty: none.',
    ),
    MM_DASHBOARD_SSE_MAX_CLIENTS: variable(
      integer(1, 1_000_000),
      '1000',
      'Live-update streams (GET /api/events) the dashboard serves at once; more are refused with 503 and Retry-After.',
    ),
    MM_DASHBOARD_SSE_MAX_PER_CLIENT: variable(
      integer(1, 1_000_000),
      '10',
      'Live-update streams one client address (behind a trusted proxy: the client before it) may hold at once; more are refused with 429 and Retry-After.',
    ),
    MM_DASHBOARD_SSE_HIGH_WATER_BYTES: variable(
      integer(16_384, 268_435_456),
      '1048576',
      'Unsent bytes a live-update stream may hold when the next event is due; a client that far behind is dropped (it reconnects and reloads), bytes.',
    ),
    MM_DASHBOARD_METRICS_PRODUCTS: variable(
      integer(0, 100_000),
      '0',
      'Data products GET /metrics/scores exports for Prometheus, those of highest momentum first (the mesh and every domain always are); 0: none. Each costs 8 series.',
    ),
    MM_DASHBOARD_SSE_HEARTBEAT_MS: variable(
      integer(1_000, 300_000),
      '15000',
      'Interval of the keep-alive comment on live-update streams, so proxies keep idle streams open, ms.',
    ),
  },
  build: (get) => ({
    httpHost: get('MM_DASHBOARD_HTTP_HOST'),
    httpPort: get('MM_DASHBOARD_HTTP_PORT'),
    ...httpServerSettings('MM_DASHBOARD_', get),
    refreshMs: get('MM_DASHBOARD_REFRESH_MS'),
    debounceMs: get('MM_DASHBOARD_DEBOUNCE_MS'),
    targetWrites: get('MM_DASHBOARD_TARGET_WRITES'),
    metricsProducts: get('MM_DASHBOARD_METRICS_PRODUCTS'),
    adminTokens: get('MM_DASHBOARD_ADMIN_TOKENS'),
    readTokens: get('MM_DASHBOARD_READ_TOKENS'),
    authUserHeader: get('MM_DASHBOARD_AUTH_USER_HEADER').toLowerCase() || undefined,
    answerCache: {
      maxEntries: get('MM_DASHBOARD_ANSWER_CACHE_ENTRIES'),
      maxBytes: get('MM_DASHBOARD_ANSWER_CACHE_BYTES'),
    },
    sse: {
      maxClients: get('MM_DASHBOARD_SSE_MAX_CLIENTS'),
      maxPerClient: get('MM_DASHBOARD_SSE_MAX_PER_CLIENT'),
      highWaterBytes: get('MM_DASHBOARD_SSE_HIGH_WATER_BYTES'),
      heartbeatMs: get('MM_DASHBOARD_SSE_HEARTBEAT_MS'),
    },
  }),
});

export type DashboardConfig = ReturnType<(typeof DASHBOARD_SECTION)['build']>;

/** The dashboard's configuration: the shared variables and its own section, under `dashboard`. */
export type DashboardServiceConfig = Config & { readonly dashboard: DashboardConfig };

/**
 * Loads and validates the configuration. A dashboard that serves target writes to anyone beyond
 * loopback (a host other than 127.0.0.1/::1/localhost, writes on, no admin token) is refused here, at
 * start-up, with a ConfigError naming MM_DASHBOARD_ADMIN_TOKENS. So is an auth proxy's user header
 * without the proxies it may come from (anyone could set it), and a token id in both token lists.
 */
export function loadDashboardConfig(env: Env = process.env): DashboardServiceConfig {
  const config = loadConfig(env, DASHBOARD_SECTION);
  const { dashboard } = config;
  if (dashboard.authUserHeader !== undefined && dashboard.trustProxy.addresses.length === 0) {
    throw new ConfigError([
      {
        field: 'MM_DASHBOARD_AUTH_USER_HEADER',
        reason:
          'needs MM_DASHBOARD_TRUST_PROXY: the header is believed only from the auth proxy, whose address it names',
      },
    ]);
  }
  const adminIds = new Set(dashboard.adminTokens.map((t) => t.id));
  const shared = dashboard.readTokens.find((t) => adminIds.has(t.id));
  if (shared !== undefined) {
    throw new ConfigError([
      {
        field: 'MM_DASHBOARD_READ_TOKENS',
        reason: `token id ${shared.id} is also an admin token (MM_DASHBOARD_ADMIN_TOKENS); admin tokens read anyway`,
      },
    ]);
  }
  if (dashboard.targetWrites) {
    assertAdminWritesProtected({
      host: dashboard.httpHost,
      hostVariable: 'MM_DASHBOARD_HTTP_HOST',
      tokens: dashboard.adminTokens,
      tokensVariable: 'MM_DASHBOARD_ADMIN_TOKENS',
    });
  }
  return config;
}
