import { CATALOGUE } from '@mesh-momentum/events';
import { describe, expect, it } from 'vitest';
import { MOMENTUM_BUILDING_TYPES, SIMULATED_EVENT_TYPES, type SimulatedEvent } from './events.ts';
import { DAY_MS, SIMULATION_DEFAULTS, SimulationOptionsError } from './options.ts';
import { describeProgramme, simulateProgramme } from './programme.ts';

const SEED = 20_250_101;
const events = simulateProgramme({ seed: SEED });
const END_MS = SIMULATION_DEFAULTS.endMs;
const START_MS = END_MS - 365 * DAY_MS;

function ofDomain(domain: string): SimulatedEvent[] {
  return events.filter((e) => e.domain === domain);
}

function count(list: readonly SimulatedEvent[], ...types: SimulatedEvent['type'][]): number {
  return list.filter((e) => types.includes(e.type)).length;
}

describe('simulateProgramme: determinism and shape', () => {
  it('gives identical events for the same seed and different ones for another seed', () => {
    expect(JSON.stringify(simulateProgramme({ seed: SEED }))).toBe(JSON.stringify(events));
    const other = simulateProgramme({ seed: SEED + 1 });
    expect(JSON.stringify(other)).not.toBe(JSON.stringify(events));
  });

  it('produces a few thousand events of every type in the four default domains', () => {
    expect(events.length).toBeGreaterThan(1_500);
    expect(events.length).toBeLessThan(5_000);
    expect(new Set(events.map((e) => e.domain))).toEqual(
      new Set(['payments', 'marketing', 'logistics', 'hr']),
    );
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(SIMULATED_EVENT_TYPES));
  });

  it('sorts events by time within [startMs, endMs]', () => {
    for (let i = 0; i < events.length; i++) {
      const event = events[i] as SimulatedEvent;
      expect(event.time).toBeGreaterThanOrEqual(START_MS);
      expect(event.time).toBeLessThanOrEqual(END_MS);
      if (i > 0) expect(event.time).toBeGreaterThanOrEqual((events[i - 1] as SimulatedEvent).time);
    }
  });

  it('gives unique ids that carry seed and domain, and the configured source', () => {
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    for (const e of events) expect(e.id.startsWith(`sim-${SEED}-${e.domain}-`)).toBe(true);
    expect(new Set(events.map((e) => e.source))).toEqual(new Set(['urn:meshmomentum:simulator']));
    const custom = simulateProgramme({ seed: 1, source: '/ci/demo', scale: 0.1 });
    expect(new Set(custom.map((e) => e.source))).toEqual(new Set(['/ci/demo']));
  });

  it('never reads the clock: startMs and endMs bound the timeline wherever it lies', () => {
    const startMs = Date.UTC(2021, 2, 10);
    const endMs = Date.UTC(2021, 8, 10);
    const short = simulateProgramme({ seed: 3, startMs, endMs });
    expect(short.length).toBeGreaterThan(0);
    for (const e of short) {
      expect(e.time).toBeGreaterThanOrEqual(startMs);
      expect(e.time).toBeLessThanOrEqual(endMs);
    }
  });

  it('rejects unusable options naming each field', () => {
    const attempt = () =>
      simulateProgramme({
        seed: 1.5,
        scale: 0,
        startMs: END_MS,
        source: '',
        domains: [
          { domain: 'payments', story: 'thriving' },
          { domain: 'payments', story: 'hype' },
        ],
      });
    expect(attempt).toThrow(SimulationOptionsError);
    try {
      attempt();
    } catch (error) {
      const fields = (error as SimulationOptionsError).issues.map((i) => i.field);
      expect(fields).toEqual(['seed', 'startMs', 'scale', 'source', 'domains.1.domain']);
      expect((error as SimulationOptionsError).code).toBe('MM_ERR_CONFIG_INVALID');
    }
  });
});

describe('simulateProgramme: every event is valid for its Avro schema', () => {
  it.each([1, 2, 3])('seed %i', (seed) => {
    for (const event of simulateProgramme({ seed })) {
      const entry = CATALOGUE.get(event.type);
      expect(entry, event.type).toBeDefined();
      const errors: string[] = [];
      entry?.avroType.isValid(event, { errorHook: (path) => errors.push(path.join('.')) });
      expect(errors, `${event.id} ${JSON.stringify(event)}`).toEqual([]);
    }
  });

  it('keeps periods, counts, amounts and subjects within the schemas’ documented rules', () => {
    for (const e of events) {
      switch (e.type) {
        case 'ProductUsageReported':
          expect(e.periodStart).toBeLessThan(e.periodEnd);
          expect(e.periodEnd).toBeLessThanOrEqual(e.time);
          expect(e.periodStart).toBeGreaterThanOrEqual(START_MS);
          expect(e.activeConsumers).toBeGreaterThanOrEqual(0);
          expect(Number.isSafeInteger(e.queries) && e.queries >= 0).toBe(true);
          expect(e.subject).toBe(e.productId);
          break;
        case 'UseCaseDelivered':
          expect(e.estimatedAnnualValue).toMatch(/^\d+\.\d{2}$/);
          expect(e.currency).toBe('EUR');
          expect(e.productIds.length).toBeGreaterThan(0);
          expect(new Set(e.productIds).size).toBe(e.productIds.length);
          expect(e.subject).toBe(e.useCaseId);
          break;
        case 'ChampionGained':
        case 'ChampionLost':
          expect(e.personId).toMatch(/^p-[0-9a-f]{12}$/);
          expect(e.subject).toBe(e.personId);
          break;
        case 'StakeholderEngaged':
          expect(e.subject).toBe(e.domain);
          expect(e.audienceSize).toBeGreaterThanOrEqual(0);
          break;
        default:
          expect(e.subject).toBe(e.productId);
          expect(e.productId.startsWith(`${e.domain}.`)).toBe(true);
      }
    }
  });
});

describe('simulateProgramme: entity consistency', () => {
  // Replays the events in order and checks each refers only to entities that exist at its time.
  it.each([1, 7, SEED])('seed %i', (seed) => {
    const live = new Map<string, Set<string>>(); // productId → consumer teams
    const retired = new Set<string>();
    const champions = new Map<string, string>(); // domain/personId → role
    const everGained = new Set<string>();
    const openIncidents = new Map<string, string>(); // productId → severity
    const useCases = new Map<string, readonly string[]>();
    for (const e of simulateProgramme({ seed })) {
      const where = `${e.id} ${e.type}`;
      if ('productId' in e && e.type !== 'DataProductPublished') {
        expect(live.has(e.productId), `${where}: product ${e.productId} is live`).toBe(true);
      }
      switch (e.type) {
        case 'DataProductPublished':
          expect(retired.has(e.productId), where).toBe(false);
          if (!live.has(e.productId)) live.set(e.productId, new Set());
          break;
        case 'DataProductRetired':
          expect(live.get(e.productId)?.size, `${where}: consumers moved off first`).toBe(0);
          live.delete(e.productId);
          retired.add(e.productId);
          break;
        case 'ConsumerOnboarded': {
          const consumers = live.get(e.productId) as Set<string>;
          expect(consumers.has(e.consumerTeam), where).toBe(false);
          consumers.add(e.consumerTeam);
          if (e.useCaseId !== null) {
            expect(useCases.get(e.useCaseId), `${where}: use case ${e.useCaseId}`).toContain(e.productId);
          }
          break;
        }
        case 'ConsumerOffboarded':
          expect(live.get(e.productId)?.delete(e.consumerTeam), `${where}: was onboarded`).toBe(true);
          break;
        case 'ChampionGained':
          expect(everGained.has(`${e.domain}/${e.personId}`), `${where}: fresh person`).toBe(false);
          everGained.add(`${e.domain}/${e.personId}`);
          champions.set(`${e.domain}/${e.personId}`, e.role);
          break;
        case 'ChampionLost':
          expect(champions.get(`${e.domain}/${e.personId}`), `${where}: gained with the same role`).toBe(
            e.role,
          );
          champions.delete(`${e.domain}/${e.personId}`);
          break;
        case 'UseCaseDelivered':
          expect(useCases.has(e.useCaseId), `${where}: unique use case`).toBe(false);
          for (const productId of e.productIds) {
            expect(productId.startsWith(`${e.domain}.`), where).toBe(true);
            expect(live.has(productId), `${where}: ${productId} is live`).toBe(true);
          }
          useCases.set(e.useCaseId, e.productIds);
          break;
        case 'QualityIncidentOpened':
          expect(openIncidents.has(e.productId), `${where}: one incident at a time`).toBe(false);
          openIncidents.set(e.productId, e.severity);
          break;
        case 'QualityIncidentResolved':
          expect(openIncidents.get(e.productId), `${where}: opened with the same severity`).toBe(e.severity);
          openIncidents.delete(e.productId);
          break;
        case 'ProductUsageReported':
          expect(e.activeConsumers).toBeLessThanOrEqual(live.get(e.productId)?.size ?? 0);
          break;
        case 'StakeholderEngaged':
          break;
      }
    }
  });
});

describe('simulateProgramme: the stories show in raw counts', () => {
  const quietFromMs = END_MS - 60 * DAY_MS;

  it('describes which story each default domain tells', () => {
    expect(describeProgramme().map((d) => [d.domain, d.story, d.expectedQuadrant, d.stallAlert])).toEqual([
      ['payments', 'thriving', 'thriving', 'unexpected'],
      ['marketing', 'hype', 'hype', 'unexpected'],
      ['logistics', 'grind', 'grind', 'possible'],
      ['hr', 'stalling', 'stalled', 'expected'],
    ]);
  });

  it.each([1, 2, 3, 4, 5])('seed %i: hype engages and recruits far more than it delivers', (seed) => {
    const marketing = simulateProgramme({ seed }).filter((e) => e.domain === 'marketing');
    const delivered = marketing.filter((e) => e.type === 'UseCaseDelivered');
    expect(count(marketing, 'StakeholderEngaged', 'ChampionGained')).toBeGreaterThan(
      20 * (delivered.length + 1),
    );
    expect(count(marketing, 'DataProductPublished')).toBeGreaterThan(25);
    for (const e of delivered) expect(Number(e.estimatedAnnualValue)).toBeLessThanOrEqual(15_000);
  });

  it('grind delivers a few large, mostly high-risk use cases', () => {
    const seeds = [1, 2, 3, 4, 5];
    const risks = seeds.flatMap((seed) =>
      simulateProgramme({ seed }).flatMap((e) =>
        e.domain === 'logistics' && e.type === 'UseCaseDelivered' ? [e.risk] : [],
      ),
    );
    expect(risks.filter((r) => r === 'high').length / risks.length).toBeGreaterThan(0.75);
  });

  it.each([1, 2, 3, 4, 5])('seed %i: grind delivers a few large use cases and hardly engages', (seed) => {
    const logistics = simulateProgramme({ seed }).filter((e) => e.domain === 'logistics');
    const delivered = logistics.filter((e) => e.type === 'UseCaseDelivered');
    expect(delivered.length).toBeGreaterThanOrEqual(2);
    expect(delivered.length).toBeLessThanOrEqual(5);
    expect(delivered.some((e) => e.risk === 'high')).toBe(true);
    for (const e of delivered) expect(Number(e.estimatedAnnualValue)).toBeGreaterThanOrEqual(400_000);
    expect(count(logistics, 'StakeholderEngaged')).toBeLessThan(6);
    expect(count(logistics, 'ChampionGained')).toBeLessThan(8);
    expect(count(logistics, 'ChampionLost')).toBeGreaterThan(0);
  });

  it('thriving delivers steadily: use cases in every quarter, mostly low or moderate risk', () => {
    const payments = ofDomain('payments');
    const delivered = payments.filter((e) => e.type === 'UseCaseDelivered');
    expect(delivered.length).toBeGreaterThanOrEqual(15);
    expect(delivered.filter((e) => e.risk !== 'high').length / delivered.length).toBeGreaterThan(0.7);
    for (let q = 0; q < 4; q++) {
      const from = START_MS + q * 91 * DAY_MS;
      expect(
        delivered.some((e) => e.time >= from && e.time < from + 91 * DAY_MS),
        `quarter ${q + 1}`,
      ).toBe(true);
    }
    const usage = (from: number) =>
      payments
        .filter((e) => e.type === 'ProductUsageReported' && e.time >= from && e.time < from + 60 * DAY_MS)
        .reduce((sum, e) => sum + (e.type === 'ProductUsageReported' ? e.queries : 0), 0);
    expect(usage(END_MS - 60 * DAY_MS)).toBeGreaterThan(2 * usage(START_MS));
  });

  it.each([1, 2, 3, 4, 5])(
    'seed %i: only the stalling domain builds no momentum in its last 60 days',
    (seed) => {
      const all = simulateProgramme({ seed });
      const lastTwoMonths = all.filter((e) => e.time >= quietFromMs);
      const building = (domain: string) =>
        lastTwoMonths.filter((e) => e.domain === domain && MOMENTUM_BUILDING_TYPES.includes(e.type)).length;
      expect(building('hr')).toBe(0);
      for (const domain of ['payments', 'marketing', 'logistics'])
        expect(building(domain), domain).toBeGreaterThan(0);
    },
  );

  it('stalling starts strong, then loses champions and consumers', () => {
    const hr = ofDomain('hr');
    const firstFiveMonths = hr.filter((e) => e.time < START_MS + 150 * DAY_MS);
    const laterHalf = hr.filter((e) => e.time >= START_MS + 182 * DAY_MS);
    expect(count(firstFiveMonths, ...MOMENTUM_BUILDING_TYPES)).toBeGreaterThan(50);
    expect(count(laterHalf, 'ChampionLost')).toBeGreaterThanOrEqual(4);
    expect(count(laterHalf, 'ConsumerOffboarded')).toBeGreaterThanOrEqual(5);
    expect(count(laterHalf, 'QualityIncidentOpened')).toBeGreaterThanOrEqual(1);
  });
});

describe('simulateProgramme: scale', () => {
  it('multiplies volume roughly linearly', () => {
    const base = simulateProgramme({ seed: 11, scale: 1 }).length;
    const quadruple = simulateProgramme({ seed: 11, scale: 4 }).length;
    expect(quadruple / base).toBeGreaterThan(3.4);
    expect(quadruple / base).toBeLessThan(4.6);
  });

  // How fast it generates is a benchmark's question, not a test's: the generous timeout is for a busy
  // machine (about 1 s quiet; vitest fails a synchronous test that outlasts its timeout, 5 s by default).
  it('generates scale 100: hundreds of thousands of events, every id distinct', () => {
    const big = simulateProgramme({ seed: 12, scale: 100 });
    expect(big.length).toBeGreaterThan(100_000);
    expect(new Set(big.map((e) => e.id)).size).toBe(big.length);
  }, 60_000);
});
