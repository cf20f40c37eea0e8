import { catalogueFor } from './catalogue.ts';
import { DomainSimulation, type PendingEvent } from './domain-simulation.ts';
import type { SimulatedEvent } from './events.ts';
import { resolveSimulationOptions, SIMULATION_DEFAULTS, type SimulationOptions } from './options.ts';
import { deriveSeed } from './random.ts';
import { STORIES, type Quadrant, type StallAlertExpectation, type StoryName } from './stories.ts';

/**
 * Simulates a data-mesh programme: every domain tells its story over [startMs, endMs]. Pure and
 * deterministic: the same options give identical events (same ids, same field order), and each domain
 * draws from its own stream derived from the seed, so adding a domain leaves the others unchanged.
 *
 * Ids are `sim-<seed>-<domain>-<n>` with n counting the domain's events in time order from 000001, so
 * two simulations with different seeds never collide in a de-duplicating store.
 *
 * @returns events sorted by time (ties: domain order, then id), all within [startMs, endMs].
 */
export function simulateProgramme(options: SimulationOptions): SimulatedEvent[] {
  const resolved = resolveSimulationOptions(options);
  const perDomain = resolved.domains.map((spec) => {
    const pending = new DomainSimulation({
      domain: spec.domain,
      story: STORIES[spec.story],
      catalogue: spec.catalogue ?? catalogueFor(spec.domain),
      seed: deriveSeed(resolved.seed, spec.domain),
      startMs: resolved.startMs,
      endMs: resolved.endMs,
      scale: resolved.scale,
      source: resolved.source,
    }).run();
    return withIds(pending, `sim-${resolved.seed}-${spec.domain}-`);
  });
  return mergeByTime(perDomain);
}

/** Sorts a domain's events by time (stable: generation order breaks ties) and numbers them. */
function withIds(pending: readonly PendingEvent[], prefix: string): SimulatedEvent[] {
  const order = pending
    .map((_, i) => i)
    .sort((a, b) => pendingAt(pending, a).time - pendingAt(pending, b).time);
  return order.map((index, n) => {
    const event = pendingAt(pending, index);
    // `id` first: the envelope order of the schemas, so serialised events read naturally.
    return { id: `${prefix}${String(n + 1).padStart(6, '0')}`, ...event } as SimulatedEvent;
  });
}

function pendingAt(pending: readonly PendingEvent[], index: number): PendingEvent {
  return pending[index] as PendingEvent;
}

/** Merges per-domain lists already sorted by time; ties go to the earlier domain. */
function mergeByTime(lists: readonly SimulatedEvent[][]): SimulatedEvent[] {
  const tagged: { event: SimulatedEvent; list: number; index: number }[] = [];
  lists.forEach((list, l) => list.forEach((event, index) => tagged.push({ event, list: l, index })));
  tagged.sort((a, b) => a.event.time - b.event.time || a.list - b.list || a.index - b.index);
  return tagged.map((t) => t.event);
}

export interface DomainStory {
  readonly domain: string;
  readonly story: StoryName;
  readonly expectedQuadrant: Quadrant;
  readonly stallAlert: StallAlertExpectation;
  readonly summary: string;
}

/** Which story each domain tells, for the demo to print next to the scores. */
export function describeProgramme(domains = SIMULATION_DEFAULTS.domains): DomainStory[] {
  return domains.map(({ domain, story }) => {
    const { expectedQuadrant, stallAlert, summary } = STORIES[story];
    return { domain, story, expectedQuadrant, stallAlert, summary };
  });
}
