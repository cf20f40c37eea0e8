import { z } from 'zod';
import {
  ConfigError,
  loadConfig as loadSharedConfig,
  type Config,
  type Env,
  type FieldIssue,
} from '@mesh-momentum/common';

/**
 * TEMPORARY stand-in for `defineConfigSection` / `loadConfig(env, section)` of @mesh-momentum/common,
 * same shape, until configuration by section lands on main; then this file goes and config.ts imports
 * the real API. It validates the section's variables and hides them from the shared loader.
 */

export const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
export const nonEmpty = z.string().trim().min(1, 'must not be empty');
export const integer = (min: number, max: number) =>
  z
    .string()
    .trim()
    .min(1, { message: 'must not be empty', abort: true })
    .regex(/^[+-]?\d+$/, 'must be a whole number in decimal digits')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be >= ${min}`).max(max, `must be <= ${max}`));

interface VariableSpec {
  readonly schema: z.ZodType;
  readonly default: string;
  readonly doc: string;
  readonly secret?: boolean;
}

type Values<V extends Record<string, VariableSpec>> = { [K in keyof V]: z.output<V[K]['schema']> };

export interface ConfigSection<N extends string, V extends Record<string, VariableSpec>, B> {
  readonly name: N;
  readonly prefix: string;
  readonly variables: V;
  readonly build: (get: <K extends keyof V>(name: K) => Values<V>[K]) => B;
}

export function defineConfigSection<N extends string, V extends Record<string, VariableSpec>, B>(
  section: ConfigSection<N, V, B>,
): ConfigSection<N, V, B> {
  return section;
}

export function loadConfig<N extends string, V extends Record<string, VariableSpec>, B>(
  env: Env,
  section: ConfigSection<N, V, B>,
): Config & { readonly [K in N]: B } {
  const shared: Record<string, string | undefined> = {};
  const issues: FieldIssue[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(section.prefix)) shared[name] = value;
    else if (!(name in section.variables)) issues.push({ field: name, reason: 'unknown variable' });
  }
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(section.variables)) {
    const raw = env[name] ?? spec.default;
    const result = spec.schema.safeParse(raw);
    if (result.success) values[name] = result.data;
    else
      issues.push({
        field: name,
        reason:
          result.error.issues.map((i) => i.message).join(', ') +
          (spec.secret ? '' : ` (got ${JSON.stringify(raw)})`),
      });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  const config = loadSharedConfig(shared);
  const built = section.build((name) => values[name as string] as never);
  return Object.freeze({ ...config, [section.name]: Object.freeze(built) }) as Config & {
    readonly [K in N]: B;
  };
}
