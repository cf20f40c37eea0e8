import { z } from 'zod';
import { ConfigError, type FieldIssue } from '@mesh-momentum/common';

/**
 * The dashboard's own variables, in the shape of a config section (`defineConfigSection` of
 * @mesh-momentum/common, landing soon): name, prefix, variables with schema, default and doc, and a build
 * function. Until it lands, `loadDashboardConfig` validates them here and `withoutDashboardVariables`
 * hides them from the shared `loadConfig`, which would refuse them as unknown.
 */
const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number in decimal digits')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be >= ${min}`).max(max, `must be <= ${max}`));

const DASHBOARD_VARIABLES = {
  MM_DASHBOARD_HTTP_HOST: {
    schema: z.string().trim().min(1, 'must not be empty'),
    default: '127.0.0.1',
    doc: 'Address the dashboard (web UI, read API, /healthz, /readyz, /metrics) binds to.',
  },
  MM_DASHBOARD_HTTP_PORT: {
    schema: wholeNumber(0, 65_535),
    default: '8090',
    doc: 'Port of the dashboard (0: any free port).',
  },
  MM_DASHBOARD_REFRESH_MS: {
    schema: wholeNumber(100, 600_000),
    default: '5000',
    doc: 'How often the dashboard re-reads the scores without a change notification (catches missed notifications and the processor tick), ms.',
  },
  MM_DASHBOARD_DEBOUNCE_MS: {
    schema: wholeNumber(0, 10_000),
    default: '100',
    doc: 'How long the dashboard gathers change notifications before it re-reads the changed domains, ms.',
  },
} as const;

type DashboardVariable = keyof typeof DASHBOARD_VARIABLES;
type Getter = <K extends DashboardVariable>(name: K) => z.output<(typeof DASHBOARD_VARIABLES)[K]['schema']>;

export const DASHBOARD_SECTION = {
  name: 'dashboard',
  prefix: 'MM_DASHBOARD_',
  variables: DASHBOARD_VARIABLES,
  build: (get: Getter) => ({
    httpHost: get('MM_DASHBOARD_HTTP_HOST'),
    httpPort: get('MM_DASHBOARD_HTTP_PORT'),
    refreshMs: get('MM_DASHBOARD_REFRESH_MS'),
    debounceMs: get('MM_DASHBOARD_DEBOUNCE_MS'),
  }),
} as const;

export type DashboardConfig = ReturnType<typeof DASHBOARD_SECTION.build>;

export function loadDashboardConfig(env: Readonly<Record<string, string | undefined>>): DashboardConfig {
  const issues: FieldIssue[] = [];
  const values: Partial<Record<DashboardVariable, unknown>> = {};
  for (const [name, spec] of Object.entries(DASHBOARD_VARIABLES) as [
    DashboardVariable,
    (typeof DASHBOARD_VARIABLES)[DashboardVariable],
  ][]) {
    const parsed = spec.schema.safeParse(env[name] ?? spec.default);
    if (parsed.success) values[name] = parsed.data;
    else issues.push({ field: name, reason: parsed.error.issues.map((i) => i.message).join('; ') });
  }
  for (const name of Object.keys(env)) {
    if (name.startsWith(DASHBOARD_SECTION.prefix) && !(name in DASHBOARD_VARIABLES)) {
      issues.push({ field: name, reason: 'unknown variable (a typo?)' });
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return Object.freeze(DASHBOARD_SECTION.build((name) => values[name] as never));
}

/** The environment without MM_DASHBOARD_*, for the shared loadConfig (until sections land). */
export function withoutDashboardVariables(
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(env).filter(([name]) => !name.startsWith(DASHBOARD_SECTION.prefix)),
  );
}
