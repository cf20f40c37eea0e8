import type { z } from 'zod';
import type { FieldIssue } from './errors.ts';
import { redactUrlCredentials } from './redact.ts';

/** One environment variable: how to read it, its default and what it means (the README tables show it). */
export interface VariableSpec<
  T extends z.ZodType = z.ZodType,
  D extends string | undefined = string | undefined,
> {
  readonly schema: T;
  readonly default: D;
  readonly doc: string;
  /** Secrets never appear in logs or error messages. */
  readonly secret?: boolean;
}

export type VariableSpecs = Readonly<Record<string, VariableSpec>>;

/** The parsed value of one variable of `V`. */
export type ValueOf<V extends VariableSpecs, K extends keyof V> = z.output<V[K]['schema']>;

/**
 * A service's own variables, all under one prefix (`MM_INGEST_`), validated with the shared ones and built
 * into a typed object that appears on the config under `name`. Services declare theirs beside their code,
 * so `packages/common` holds only what every service shares.
 */
export interface ConfigSection<N extends string = string, T = unknown> {
  readonly name: N;
  readonly prefix: string;
  readonly variables: VariableSpecs;
  readonly build: (values: Readonly<Record<string, unknown>>) => T;
}

export function defineConfigSection<N extends string, V extends VariableSpecs, T>(definition: {
  readonly name: N;
  readonly prefix: string;
  readonly variables: V;
  readonly build: (get: <K extends keyof V & string>(name: K) => ValueOf<V, K>) => T;
}): ConfigSection<N, T> {
  for (const name of Object.keys(definition.variables)) {
    if (!name.startsWith(definition.prefix)) {
      throw new TypeError(
        `config section ${definition.name}: ${name} does not start with ${definition.prefix}`,
      );
    }
  }
  return {
    name: definition.name,
    prefix: definition.prefix,
    variables: definition.variables,
    build: (values) => definition.build((name) => values[name] as ValueOf<V, typeof name>),
  };
}

/**
 * The prefixes services own. A service refuses unknown variables under its own prefix (a typo) but leaves
 * another service's alone, so one environment file can serve the whole deployment.
 */
export const SERVICE_PREFIXES: readonly string[] = [
  'MM_PROCESSOR_',
  'MM_INGEST_',
  'MM_ALERTER_',
  'MM_DASHBOARD_',
];

/** Parses each variable of `specs` from `env` (or its default) into `values`; problems go to `issues`. */
export function parseVariables(
  specs: VariableSpecs,
  env: Readonly<Record<string, string | undefined>>,
  values: Record<string, unknown>,
  issues: FieldIssue[],
): void {
  for (const [name, spec] of Object.entries(specs)) {
    const raw = env[name] ?? spec.default;
    const result = spec.schema.safeParse(raw);
    if (result.success) {
      values[name] = result.data;
    } else {
      const reason = result.error.issues.map((i) => i.message).join(', ');
      // A URL's user-info is a secret even in a variable that is not one (a registry URL with a password).
      const shown = spec.secret ? '' : ` (got ${JSON.stringify(redactUrlCredentials(raw ?? ''))})`;
      issues.push({ field: name, reason: `${reason}${shown}` });
    }
  }
}
