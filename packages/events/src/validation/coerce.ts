import { formatUnscaled, parseDecimal } from '../codec/decimal.ts';

/**
 * Input normalisation for JSON-ish events (SDK calls, HTTP bodies, CLI flags): timestamps arrive as
 * milliseconds or RFC 3339 text, decimals as numbers or strings. Each function returns the canonical
 * value or the reason it cannot.
 */

export type Coerced<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

const ok = <T>(value: T): Coerced<T> => ({ ok: true, value });
const no = (reason: string): Coerced<never> => ({ ok: false, reason });

/**
 * RFC 3339 date-time (section 5.6): full date, `T` (or space, or lower-case t), full time with
 * optional fraction, and a mandatory offset: `Z` or `±hh:mm`. Local times without an offset are
 * refused, because they would mean a different instant on every machine.
 */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$/;

/** Milliseconds since the epoch of an RFC 3339 timestamp; fractions beyond milliseconds are truncated. */
export function parseRfc3339(text: string): number | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [, year, month, day, hour, minute, second, fraction = '', offset = 'Z'] = m;
  // Date.parse rolls 2024-02-30 over to March; check the calendar ourselves.
  const daysInMonth = new Date(Date.UTC(Number(year), Number(month), 0)).getUTCDate();
  if (Number(month) < 1 || Number(month) > 12 || Number(day) < 1 || Number(day) > daysInMonth)
    return undefined;
  // Leap seconds (:60) have no epoch-millisecond representation; refused rather than silently shifted.
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined;
  if (
    offset !== 'Z' &&
    offset !== 'z' &&
    (Number(offset.slice(1, 3)) > 23 || Number(offset.slice(4, 6)) > 59)
  ) {
    return undefined;
  }
  const ms = fraction.slice(0, 3).padEnd(3, '0');
  const iso = `${year}-${month}-${day}T${hour}:${minute}:${second}.${ms}${offset === 'z' ? 'Z' : offset}`;
  const value = Date.parse(iso);
  return Number.isNaN(value) ? undefined : value;
}

/** Years 0000-9999: where toISOString's text is `YYYY-MM-DDTHH:MM:SS.mmmZ`, 24 characters. */
const FOUR_DIGIT_YEARS_END_MS = Date.UTC(10_000, 0, 1);
/** The last second formatted and its text up to the dot: events of one burst share their second. */
let cachedSecond = Number.NaN;
let cachedSecondText = '';

/** RFC 3339 UTC text of an epoch-millisecond time, e.g. `2025-03-01T09:30:00.000Z`. */
export function formatRfc3339(timeMs: number): string {
  if (!Number.isInteger(timeMs) || timeMs < 0 || timeMs >= FOUR_DIGIT_YEARS_END_MS) {
    return new Date(timeMs).toISOString();
  }
  const second = Math.floor(timeMs / 1000);
  if (second !== cachedSecond) {
    cachedSecondText = new Date(second * 1000).toISOString().slice(0, 20);
    cachedSecond = second;
  }
  const ms = timeMs - second * 1000;
  return `${cachedSecondText}${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z`;
}

/** A timestamp field: integer milliseconds since the epoch, or RFC 3339 text with Z or an offset. */
export function coerceTimestamp(value: unknown): Coerced<number> {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value)
      ? ok(value)
      : no('must be an integer number of milliseconds since the epoch');
  }
  if (typeof value === 'string') {
    const parsed = parseRfc3339(value);
    return parsed === undefined
      ? no(
          'must be an RFC 3339 timestamp with Z or an offset (e.g. 2025-03-01T09:30:00Z) or epoch milliseconds',
        )
      : ok(parsed);
  }
  return no(`must be epoch milliseconds or an RFC 3339 timestamp (got ${typeName(value)})`);
}

/**
 * A decimal field at `scale` fraction digits: a decimal string ("125000", "125000.5") or a finite
 * number with at most `scale` fraction digits, normalised to exactly `scale` digits ("125000.50"),
 * the form the Avro codec reads back. Never rounds: more digits than the scale is an error.
 */
export function coerceDecimal(value: unknown, scale: number, precision: number): Coerced<string> {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return no('must be a finite number');
    // Beyond 2^53 / 10^scale a double no longer holds every cent; such amounts must come as text.
    if (Math.abs(value) > Number.MAX_SAFE_INTEGER / 10 ** scale) {
      return no('is too large to be exact as a JSON number; send it as a decimal string');
    }
    text = value.toFixed(scale);
    if (Number(text) !== value) return no(`must have at most ${scale} fraction digits`);
  } else if (typeof value === 'string') {
    text = value.trim();
  } else {
    return no(`must be a decimal string like "125000.00" or a number (got ${typeName(value)})`);
  }
  try {
    return ok(formatUnscaled(parseDecimal(text, scale, precision), scale));
  } catch (error) {
    if (error instanceof RangeError) {
      return no(
        error.message.startsWith('more than') && error.message.includes('fraction')
          ? `must have at most ${scale} fraction digits`
          : `must have at most ${precision} digits in total (${precision - scale} before the decimal point)`,
      );
    }
    return no('must be a decimal number like "125000.00" (digits, optional minus sign and fraction)');
  }
}

export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`.slice(0, 60);
}
