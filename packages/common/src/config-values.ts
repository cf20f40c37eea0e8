import { z } from 'zod';
import { hasUrlCredentials } from './redact.ts';

/**
 * The value types of environment variables, as zod schemas that read the raw text. Every reason is a
 * sentence a person can act on; `loadConfig` adds the variable's name.
 */

export const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
export const nonEmpty = z.string().trim().min(1, 'must not be empty');

/**
 * A whole number in [min, max], written in decimal. `z.coerce.number()` would read an empty value
 * (`MM_MAX_FUTURE_SKEW_MS=`) as 0 and `1e3` or `0x10` as numbers: an empty or odd value is a mistake
 * the operator must hear about, not a silent zero.
 */
export const integer = (min: number, max: number) =>
  z
    .string()
    .trim()
    .min(1, { message: 'must not be empty', abort: true })
    .regex(/^[+-]?\d+$/, 'must be a whole number in decimal digits')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be >= ${min}`).max(max, `must be <= ${max}`));

/** `integer(min, max)`, or empty (unset), which reads as undefined: "let the other side decide". */
export const optionalInteger = (min: number, max: number) =>
  z
    .string()
    .transform((v) => (v.trim() === '' ? undefined : v))
    .pipe(integer(min, max).optional());

/** A non-negative decimal number in [min, max] (`0.5`, `256`); same strictness as `integer`. */
export const decimal = (min: number, max: number) =>
  z
    .string()
    .trim()
    .min(1, { message: 'must not be empty', abort: true })
    .regex(/^\d+(\.\d+)?$/, 'must be a decimal number such as 0.5 or 256')
    .transform(Number)
    .pipe(z.number().min(min, `must be >= ${min}`).max(max, `must be <= ${max}`));

/** `decimal(min, max)`, or empty (unset), which reads as undefined: "derive it from another setting". */
export const optionalDecimal = (min: number, max: number) =>
  z
    .string()
    .transform((v) => (v.trim() === '' ? undefined : v))
    .pipe(decimal(min, max).optional());

export interface UrlRules {
  readonly protocols: readonly string[];
  /**
   * Refuse `user:password@` in the URL and name the variables to use instead. For the registry, a URL
   * with credentials is refused by Node's fetch anyway, and would be logged on every retry.
   */
  readonly credentialsVia?: string;
}

export const url = ({ protocols, credentialsVia }: UrlRules) =>
  nonEmpty
    .refine(
      (v) => {
        try {
          return protocols.includes(new URL(v).protocol);
        } catch {
          return false;
        }
      },
      { message: `must be a URL with scheme ${protocols.map((p) => p.replace(':', '')).join(' or ')}` },
    )
    .refine((v) => credentialsVia === undefined || !hasUrlCredentials(v), {
      message: `must not contain user:password@; set ${credentialsVia ?? ''} instead`,
    });

export const brokerList = nonEmpty
  .transform((v) => v.split(',').map((b) => b.trim()))
  .refine((list) => list.every((b) => /^[^\s:/]+:\d{1,5}$/.test(b)), {
    message: 'must be a comma-separated list of host:port',
  });

/** An optional host:port list: empty (unset) reads as undefined. */
export const hostPortList = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v.split(',').map((b) => b.trim())))
  .refine((list) => list === undefined || list.every((b) => /^[^\s:/]+:\d{1,5}$/.test(b)), {
    message: 'must be empty or a comma-separated list of host:port',
  });

export const topicName = nonEmpty.regex(
  /^[a-zA-Z0-9._-]{1,249}$/,
  'must be a Kafka topic name ([a-zA-Z0-9._-], 1-249 chars)',
);
