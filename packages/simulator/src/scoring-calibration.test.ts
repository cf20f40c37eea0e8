import { describe, expect, it } from 'vitest';
import {
  computeScores,
  DEFAULT_SCORING_CONFIG,
  momentumBuildingTypes,
  type MeshScores,
  type ScoringEvent,
} from '@mesh-momentum/scoring';
import { DAY_MS } from './options.ts';
import { describeProgramme, simulateProgramme } from './programme.ts';
import { toScoringEvent } from '@mesh-momentum/events';

/**
 * The calibration of the stall defaults (docs/scoring.md, "Stall"), on the demo's programme: its stories
 * must come out as told. The stalling domain (hr) alerts, the others and the mesh do not; the products
 * that really went quiet alert (hr's, and the hype domain's one-off products nobody came back to),
 * the thriving domain's healthy products do not. Scored at the end of the timeline, as the demo does.
 */
const END_MS = Date.parse('2026-06-01T00:00:00Z');
const AS_OF_MS = END_MS + 3_600_000;

interface Programme {
  readonly events: ScoringEvent[];
  readonly scores: MeshScores;
}

function programme(seed: number): Programme {
  const events = simulateProgramme({ seed, endMs: END_MS }).map(toScoringEvent);
  return { events, scores: computeScores(events, AS_OF_MS, DEFAULT_SCORING_CONFIG) };
}

const productsOf = (domain: string, scores: MeshScores) =>
  Object.entries(scores.products).filter(([id]) => id.startsWith(`${domain}.`));

/** Per domain: [stalled products, products]. */
function alertingProducts({ scores }: Programme): Record<string, [number, number]> {
  const result: Record<string, [number, number]> = {};
  for (const domain of Object.keys(scores.domains).sort()) {
    const products = productsOf(domain, scores);
    result[domain] = [products.filter(([, s]) => s.stall.stalled).length, products.length];
  }
  return result;
}

function stalledDomains({ scores }: Programme): string[] {
  const stalled = Object.keys(scores.domains).filter((d) => scores.domains[d]?.stall.stalled);
  return [...stalled.sort(), ...(scores.mesh.stall.stalled ? ['mesh'] : [])];
}

/** Days since the product's last momentum-building event (Infinity when none). */
function silenceDays({ events }: Programme, productId: string): number {
  const building = momentumBuildingTypes(DEFAULT_SCORING_CONFIG);
  const times = events
    .filter((e) => building.has(e.type))
    .filter((e) =>
      'productId' in e ? e.productId === productId : 'productIds' in e && e.productIds.includes(productId),
    )
    .map((e) => e.timeMs);
  return times.length === 0 ? Infinity : (AS_OF_MS - Math.max(...times)) / DAY_MS;
}

describe('stall calibration on the demo programme', () => {
  it('seed 42 (the demo default): hr alerts with 8 of its 11 products; payments has 1 quiet product', () => {
    const p = programme(42);
    expect(stalledDomains(p)).toEqual(['hr']);
    expect(alertingProducts(p)).toEqual({
      hr: [8, 11], // 2 retired, 1 still within its own rhythm
      logistics: [0, 4],
      marketing: [19, 33], // one-off hype products nobody came back to
      payments: [1, 13], // payments.chargebacks: 72 days quiet where it used to move every 12
    });
    const quiet = productsOf('payments', p.scores).filter(([, s]) => s.stall.stalled);
    expect(quiet.map(([id, s]) => [id, s.stall.reason, s.stall.medianGapDays])).toEqual([
      ['payments.chargebacks', 'inactivity', 12],
    ]);
  });

  it('seed 11 (the integration tests): hr alerts with 6 of its 8 products; no payments product', () => {
    const p = programme(11);
    expect(stalledDomains(p)).toEqual(['hr']);
    expect(alertingProducts(p)).toEqual({
      hr: [6, 8],
      logistics: [0, 3],
      marketing: [9, 23],
      payments: [0, 11],
    });
  });

  it.each([1, 2, 3, 7, 99, 123])('seed %i: the stories hold', (seed) => {
    const p = programme(seed);
    for (const story of describeProgramme()) {
      const stalled = p.scores.domains[story.domain]?.stall.stalled;
      // The grind story may or may not stall (`possible`): its momentum is low by design.
      if (story.stallAlert === 'expected') expect(stalled, story.domain).toBe(true);
      if (story.stallAlert === 'unexpected') expect(stalled, story.domain).toBe(false);
    }
    expect(p.scores.mesh.stall.stalled).toBe(false);
    const payments = productsOf('payments', p.scores);
    for (const [id, score] of payments) {
      // A thriving domain's product that moved within four weeks is healthy.
      if (silenceDays(p, id) < 28) expect(score.stall.stalled, id).toBe(false);
    }
    // The few that alert went quiet for weeks beyond their rhythm (seed 123: 5 of 18, each 7+ weeks).
    expect(payments.filter(([, s]) => s.stall.stalled).length / payments.length).toBeLessThan(1 / 3);
    // Most of the stalling domain's live products alert (the others are still within their rhythm).
    const hr = productsOf('hr', p.scores).filter(([, s]) => s.stall.exemption === undefined);
    expect(hr.filter(([, s]) => s.stall.stalled).length / hr.length).toBeGreaterThanOrEqual(0.6);
  });
});

describe('normalisation calibration on the demo programme (seed 42)', () => {
  const { scores } = programme(42);
  const kinds = {
    mesh: [scores.mesh],
    domain: Object.values(scores.domains),
    products: Object.values(scores.products),
  };

  it('pins no domain and not the mesh at the top of the range', () => {
    for (const s of [...kinds.mesh, ...kinds.domain]) {
      expect(s.momentum.score).toBeLessThan(96);
      expect(s.value.score).toBeLessThan(96);
    }
    // The mesh sits high (the programme as a whole thrives) with room to show growth.
    for (const metric of ['momentum', 'value'] as const) {
      expect(scores.mesh[metric].score).toBeGreaterThan(60);
      expect(scores.mesh[metric].score).toBeLessThan(90);
    }
  });

  it('spreads domains and products across the range', () => {
    for (const scopes of [kinds.domain, kinds.products]) {
      for (const metric of ['momentum', 'value'] as const) {
        const values = scopes.map((s) => s[metric].score);
        expect(Math.min(...values), metric).toBeLessThan(25);
        expect(Math.max(...values), metric).toBeGreaterThan(75);
      }
    }
  });

  it('puts the domains in the quadrants of their stories, but for hr, whose early value still counts', () => {
    const quadrants = Object.fromEntries(Object.entries(scores.domains).map(([d, s]) => [d, s.quadrant]));
    expect(quadrants).toEqual({ payments: 'thriving', marketing: 'hype', logistics: 'grind', hr: 'grind' });
  });
});

describe("the demo's story, whenever its year ends", () => {
  // `pnpm demo` and the dashboard's tests end the programme now, so its story must not depend on the
  // hour, weekday or month it ends at: 120 end times 73 hours apart (every hour of the day, every
  // weekday, a year of months). The closest call is the hype domain's value, a few points under the
  // domain threshold (25): where it tips, marketing shows `thriving`.
  it('seed 42: payments thriving and not stalled, marketing hype, hr stalled, at every end time', () => {
    const HOUR_MS = 3_600_000;
    const offStory: string[] = [];
    for (let i = 0; i < 120; i++) {
      const endMs = END_MS + i * 73 * HOUR_MS;
      const events = simulateProgramme({ seed: 42, endMs }).map(toScoringEvent);
      const { domains } = computeScores(events, endMs + HOUR_MS, DEFAULT_SCORING_CONFIG);
      const story = [
        domains['payments']?.quadrant,
        domains['payments']?.stall.stalled,
        domains['marketing']?.quadrant,
        domains['hr']?.stall.stalled,
      ];
      if (story.join() !== 'thriving,false,hype,true')
        offStory.push(`${new Date(endMs).toISOString()}: ${story.join()}`);
    }
    expect(offStory).toEqual([]);
  }, 60_000);
});
