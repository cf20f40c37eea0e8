import {
  bool,
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
    MM_DASHBOARD_SSE_MAX_CLIENTS: variable(
      integer(1, 1_000_000),
      '1000',
      'Live-update streams (GET /api/events) the dashboard serves at once; more are refused with 503 and Retry-After.',
    ),
    MM_DASHBOARD_SSE_HIGH_WATER_BYTES: variable(
      integer(16_384, 268_435_456),
      '1048576',
      'Unsent bytes a live-update stream may hold when the next event is due; a client that far behind is dropped (it reconnects and reloads), bytes.',
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
    adminTokens: get('MM_DASHBOARD_ADMIN_TOKENS'),
    answerCache: {
      maxEntries: get('MM_DASHBOARD_ANSWER_CACHE_ENTRIES'),
      maxBytes: get('MM_DASHBOARD_ANSWER_CACHE_BYTES'),
    },
    sse: {
      maxClients: get('MM_DASHBOARD_SSE_MAX_CLIENTS'),
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
 * start-up, with a ConfigError naming MM_DASHBOARD_ADMIN_TOKENS.
 */
export function loadDashboardConfig(env: Env = process.env): DashboardServiceConfig {
  const config = loadConfig(env, DASHBOARD_SECTION);
  const { dashboard } = config;
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
