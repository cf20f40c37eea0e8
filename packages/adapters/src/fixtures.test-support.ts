import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { validateEvent, type DomainEvent } from '@mesh-momentum/events';
import type { AdapterOutcome } from './outcome.ts';

/** Reads a JSON fixture next to the calling test (`new URL('./fixtures/x.json', import.meta.url)`). */
export function fixture(url: URL): unknown {
  return JSON.parse(readFileSync(url, 'utf8')) as unknown;
}

/** A clock far enough ahead that no fixture's time counts as future-dated. */
export const VALIDATION_NOW_MS = Date.UTC(2027, 0, 1);

/**
 * Runs every produced event through the project's own validation (as the ingest service will) and
 * returns the canonical events; fails the test on the first invalid one.
 */
export function validated(outcome: AdapterOutcome): DomainEvent[] {
  return outcome.events.map((event) => {
    try {
      return validateEvent(event, { nowMs: VALIDATION_NOW_MS, maxFutureSkewMs: 300_000 });
    } catch (error) {
      expect.fail(`${JSON.stringify(event)} is invalid: ${(error as Error).message}`);
    }
  });
}
