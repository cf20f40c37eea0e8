import {
  isLaterEntry,
  ownerTeamOf,
  type StandingCounts,
  type StandingEntry,
  type StandingState,
} from './standing.ts';

/** Latest entry per entity, with the gained counts kept up to date as entries are replaced. */
export class Standing {
  readonly #entries = new Map<string, StandingEntry>();
  #champions = 0;
  #sponsors = 0;
  #executiveSponsors = 0;
  #consumers = 0;

  /** Keeps `entry` if it is later than the entity's current one; true when it was kept. */
  offer(key: string, entry: StandingEntry): boolean {
    const held = this.#entries.get(key);
    if (held && !isLaterEntry(entry, held)) return false;
    if (held?.gained) this.#count(held, -1);
    if (entry.gained) this.#count(entry, 1);
    this.#entries.set(key, entry);
    return true;
  }

  #count(entry: StandingEntry, delta: number): void {
    if (entry.entity === 'champion') this.#champions += delta;
    else if (entry.entity === 'sponsor') this.#sponsors += delta;
    else if (entry.entity === 'executive_sponsor') this.#executiveSponsors += delta;
    else if (entry.entity === 'consumer') this.#consumers += delta;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): StandingEntry | undefined {
    return this.#entries.get(key);
  }

  entries(): IterableIterator<[string, StandingEntry]> {
    return this.#entries.entries();
  }

  counts(): StandingCounts {
    return {
      champions: this.#champions,
      sponsors: this.#sponsors,
      executiveSponsors: this.#executiveSponsors,
      consumers: this.#consumers,
    };
  }

  /** The team of the latest publication (see `ownerTeamOf`); meaningful for a product's standing. */
  ownerTeam(): string | undefined {
    return ownerTeamOf(this.#entries.values());
  }

  toState(): StandingState {
    return Object.fromEntries(this.#entries);
  }
}
