import { z } from 'zod';
import type { Pause } from '../pauses.ts';
import type { Silence } from '../silences.ts';
import { ALERT_STATES, type AlertState } from '../types.ts';

/**
 * Parsing of what the alerter stores under its keys (keys.ts), for the alerter itself and for any reader
 * (the dashboard): pure, no I/O. Records are JSON; unknown fields are kept (a newer writer may add some),
 * a record that is not JSON or lacks a field is reported, not thrown, so one bad record never hides the
 * others.
 */

const finite = z.number().refine(Number.isFinite, { error: 'must be a finite number' });
const ms = z.int();
const labels = z.record(z.string(), z.string());

const finding = z.looseObject({ rule: z.string(), value: finite, threshold: finite });
const topEvent = z.looseObject({
  id: z.string(),
  source: z.string(),
  type: z.string(),
  timeMs: ms,
  weight: finite,
});

const evidence = z.looseObject({
  rule: z.string(),
  stallReason: z.string().optional(),
  findings: z.array(finding),
  momentum: finite,
  trend7: finite,
  trend30: finite,
  lastMomentumEventMs: ms.optional(),
  silenceDays: z.int().optional(),
  topEvents: z.array(topEvent),
  dashboardUrl: z.string(),
  asOfMs: ms,
});

/** `AlertState` as stored in the `alerts` hash. */
export const alertStateSchema = z.looseObject({
  fingerprint: z.string().min(1),
  rule: z.string().min(1),
  labels,
  status: z.enum(ALERT_STATES),
  activeSinceMs: ms,
  firingSinceMs: ms.optional(),
  lastTrueMs: ms,
  resolvedAtMs: ms.optional(),
  lastNotifiedMs: ms.optional(),
  notifications: z.int().nonnegative(),
  evidence,
});

const matcher = z.looseObject({
  name: z.string(),
  value: z.string(),
  isRegex: z.boolean(),
  isEqual: z.boolean(),
});

/** `Silence` as stored in the `silences` hash (validated on the way in by `parseSilenceRequest`). */
export const silenceSchema = z.looseObject({
  id: z.string().min(1),
  matchers: z.array(matcher),
  startsAtMs: ms,
  endsAtMs: ms,
  createdBy: z.string(),
  comment: z.string(),
});

const pauseScope = z.discriminatedUnion('kind', [
  z.looseObject({ kind: z.literal('mesh') }),
  z.looseObject({ kind: z.literal('domain'), domain: z.string() }),
  z.looseObject({ kind: z.literal('product'), domain: z.string(), productId: z.string() }),
]);

/** `Pause` as stored in the `pauses` hash, under its `scopeKey`. */
export const pauseSchema = z.looseObject({
  scope: pauseScope,
  scopeKey: z.string().min(1),
  reason: z.string(),
  createdBy: z.string(),
  createdAtMs: ms,
  untilMs: ms.optional(),
});

// The schemas describe the types, field by field: either drifting from the other fails the type check.
const _alertState: AlertState = {} as z.output<typeof alertStateSchema>;
const _silence: Silence = {} as z.output<typeof silenceSchema>;
const _pause: Pause = {} as z.output<typeof pauseSchema>;
void _alertState;
void _silence;
void _pause;

/** One stored record that could not be read: its hash field and why. */
export interface InvalidRecord {
  readonly id: string;
  readonly reason: string;
}

export interface ParsedRecords<T> {
  readonly records: T[];
  readonly invalid: InvalidRecord[];
}

function parseHash<T>(
  hash: Readonly<Record<string, string>>,
  schema: z.ZodType,
  idOf: (record: T) => string,
): ParsedRecords<T> {
  const records: T[] = [];
  const invalid: InvalidRecord[] = [];
  for (const [id, json] of Object.entries(hash)) {
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch {
      invalid.push({ id, reason: 'not JSON' });
      continue;
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      invalid.push({ id, reason: `${first?.path.join('.') || '(record)'}: ${first?.message ?? 'invalid'}` });
      continue;
    }
    const record = parsed.data as T;
    if (idOf(record) !== id) {
      invalid.push({ id, reason: `stored under ${id} but names ${idOf(record)}` });
      continue;
    }
    records.push(record);
  }
  return { records, invalid };
}

/** The `alerts` hash (HGETALL) as alert states, by fingerprint order of the hash. */
export function parseAlertStates(hash: Readonly<Record<string, string>>): ParsedRecords<AlertState> {
  return parseHash<AlertState>(hash, alertStateSchema, (s) => s.fingerprint);
}

/** The `silences` hash (HGETALL) as silences, earliest start first. */
export function parseSilences(hash: Readonly<Record<string, string>>): ParsedRecords<Silence> {
  const parsed = parseHash<Silence>(hash, silenceSchema, (s) => s.id);
  parsed.records.sort((a, b) => a.startsAtMs - b.startsAtMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return parsed;
}

/** The `pauses` hash (HGETALL) as pauses, by scope key. */
export function parsePauses(hash: Readonly<Record<string, string>>): ParsedRecords<Pause> {
  const parsed = parseHash<Pause>(hash, pauseSchema, (p) => p.scopeKey);
  parsed.records.sort((a, b) => (a.scopeKey < b.scopeKey ? -1 : a.scopeKey > b.scopeKey ? 1 : 0));
  return parsed;
}
