import type { DomainCatalogue } from './catalogue.ts';
import { STORY_NAMES, type StoryName } from './stories.ts';

export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;

/** One simulated domain and the story it tells. */
export interface DomainSpec {
  /** Domain identifier, e.g. `payments`; also the prefix of its product ids. */
  readonly domain: string;
  readonly story: StoryName;
  /** Product, owner-team and use-case names; @defaultValue the built-in one for the domain, else generic. */
  readonly catalogue?: DomainCatalogue;
}

/** The four default domains, one per story. */
export const DEFAULT_DOMAINS: readonly DomainSpec[] = [
  { domain: 'payments', story: 'thriving' },
  { domain: 'marketing', story: 'hype' },
  { domain: 'logistics', story: 'grind' },
  { domain: 'hr', story: 'stalling' },
];

export interface SimulationOptions {
  /** Seed of every random choice; the same options give identical events. */
  readonly seed: number;
  /**
   * End of the timeline, ms since the epoch (UTC), inclusive. The simulator never reads the clock: pass
   * `Date.now()` to end the story today. @defaultValue SIMULATION_DEFAULTS.endMs (2026-01-01T00:00:00Z)
   */
  readonly endMs?: number;
  /** Start of the timeline, ms since the epoch (UTC), inclusive. @defaultValue 365 days before `endMs` */
  readonly startMs?: number;
  /** @defaultValue DEFAULT_DOMAINS */
  readonly domains?: readonly DomainSpec[];
  /** Multiplier of event volume: 1 gives a few thousand events, 100 some hundreds of thousands. @defaultValue 1 */
  readonly scale?: number;
  /** CloudEvents `source` of every event. @defaultValue 'urn:meshmomentum:simulator' */
  readonly source?: string;
}

export interface ResolvedSimulationOptions {
  readonly seed: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly domains: readonly DomainSpec[];
  readonly scale: number;
  readonly source: string;
}

/** Every default in one place. */
export const SIMULATION_DEFAULTS = Object.freeze({
  endMs: Date.UTC(2026, 0, 1),
  spanMs: 365 * DAY_MS,
  domains: DEFAULT_DOMAINS,
  scale: 1,
  source: 'urn:meshmomentum:simulator',
});

/** The largest accepted scale; beyond it a run would take minutes and gigabytes. */
export const MAX_SCALE = 10_000;

export interface SimulationOptionIssue {
  readonly field: string;
  readonly reason: string;
}

/** Options that cannot be simulated; `issues` names every offending field. Same code as ConfigError. */
export class SimulationOptionsError extends Error {
  readonly code = 'MM_ERR_CONFIG_INVALID';
  readonly retriable = false;
  readonly issues: readonly SimulationOptionIssue[];

  constructor(issues: readonly SimulationOptionIssue[]) {
    super(`invalid simulation options: ${issues.map((i) => `${i.field}: ${i.reason}`).join('; ')}`);
    this.name = 'SimulationOptionsError';
    this.issues = issues;
  }
}

/** Fills in defaults and validates; throws SimulationOptionsError naming every bad field. */
export function resolveSimulationOptions(options: SimulationOptions): ResolvedSimulationOptions {
  const issues: SimulationOptionIssue[] = [];
  const endMs = options.endMs ?? SIMULATION_DEFAULTS.endMs;
  const startMs = options.startMs ?? endMs - SIMULATION_DEFAULTS.spanMs;
  const domains = options.domains ?? SIMULATION_DEFAULTS.domains;
  const scale = options.scale ?? SIMULATION_DEFAULTS.scale;
  const source = options.source ?? SIMULATION_DEFAULTS.source;

  if (!Number.isSafeInteger(options.seed)) issues.push({ field: 'seed', reason: 'must be a safe integer' });
  if (!Number.isSafeInteger(endMs)) issues.push({ field: 'endMs', reason: 'must be an integer (ms)' });
  if (!Number.isSafeInteger(startMs)) issues.push({ field: 'startMs', reason: 'must be an integer (ms)' });
  else if (startMs < 0) issues.push({ field: 'startMs', reason: 'must not be before the Unix epoch' });
  if (Number.isSafeInteger(endMs) && Number.isSafeInteger(startMs) && endMs - startMs < DAY_MS) {
    issues.push({ field: 'startMs', reason: 'must be at least one day before endMs' });
  }
  if (!(Number.isFinite(scale) && scale > 0 && scale <= MAX_SCALE)) {
    issues.push({ field: 'scale', reason: `must be a number in (0, ${MAX_SCALE}]` });
  }
  if (source.length === 0) issues.push({ field: 'source', reason: 'must not be empty' });
  if (domains.length === 0) issues.push({ field: 'domains', reason: 'must name at least one domain' });
  const seen = new Set<string>();
  domains.forEach((spec, i) => {
    if (!/^[a-z][a-z0-9-]*$/.test(spec.domain)) {
      issues.push({ field: `domains.${i}.domain`, reason: 'must be lower-case letters, digits and dashes' });
    } else if (seen.has(spec.domain)) {
      issues.push({ field: `domains.${i}.domain`, reason: `duplicate domain ${spec.domain}` });
    }
    seen.add(spec.domain);
    if (!(STORY_NAMES as readonly string[]).includes(spec.story)) {
      issues.push({ field: `domains.${i}.story`, reason: `must be one of ${STORY_NAMES.join(', ')}` });
    }
    if (spec.catalogue !== undefined && spec.catalogue.products.length === 0) {
      issues.push({ field: `domains.${i}.catalogue.products`, reason: 'must not be empty' });
    }
    if (spec.catalogue !== undefined && spec.catalogue.useCases.length === 0) {
      issues.push({ field: `domains.${i}.catalogue.useCases`, reason: 'must not be empty' });
    }
  });
  if (issues.length > 0) throw new SimulationOptionsError(issues);
  return Object.freeze({ seed: options.seed, startMs, endMs, domains, scale, source });
}
