import {
  CONSUMER_TEAMS,
  OFFBOARDING_REASONS,
  RETIREMENT_REASONS,
  type DomainCatalogue,
} from './catalogue.ts';
import type {
  ChampionRole,
  DataProductTier,
  IncidentSeverity,
  SimulatedEvent,
  SimulatedEventType,
} from './events.ts';
import { DAY_MS, WEEK_MS } from './options.ts';
import { fnv1a32, Random } from './random.ts';
import { ACTIVITIES, curveAt, type Activity, type StoryParameters } from './stories.ts';

/** An event before ids are assigned (ids follow time order, known only once the domain is done). */
export type PendingEvent = DistributiveOmit<SimulatedEvent, 'id'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

interface Product {
  readonly productId: string;
  readonly name: string;
  readonly ownerTeam: string;
  tier: DataProductTier;
  version: [number, number, number];
  readonly publishedAtMs: number;
  /** Consumer team → time it was onboarded, ms. */
  readonly consumers: Map<string, number>;
  /** An incident is open on the product until this time, ms (0: none). */
  incidentOpenUntilMs: number;
}

interface Champion {
  readonly personId: string;
  readonly role: ChampionRole;
}

interface UseCase {
  readonly useCaseId: string;
  readonly productIds: readonly string[];
}

export interface DomainSimulationInput {
  readonly domain: string;
  readonly story: StoryParameters;
  readonly catalogue: DomainCatalogue;
  readonly seed: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly scale: number;
  readonly source: string;
}

interface Occurrence {
  readonly timeMs: number;
  readonly activity: Activity | 'usage';
  /** Usage reports only: the period. */
  readonly periodStartMs?: number;
}

const ONBOARDING_ATTEMPTS = 6;
/** Products younger than this are not retired: nobody withdraws what they just shipped. */
const MIN_AGE_BEFORE_RETIREMENT_MS = 30 * DAY_MS;

/**
 * Simulates one domain day by day. Each day draws the day's occurrences from the story's rates, sorts
 * them by time and applies them to the domain's state (products, consumers, champions, use cases,
 * incidents), so every event only refers to entities that exist at its time.
 */
export class DomainSimulation {
  readonly #in: DomainSimulationInput;
  readonly #random: Random;
  readonly #events: PendingEvent[] = [];
  readonly #products = new Map<string, Product>();
  /** Published, not retired: the products events may refer to. */
  readonly #liveProducts: Product[] = [];
  readonly #champions: Champion[] = [];
  readonly #useCases: UseCase[] = [];
  readonly #useCaseSlugUses = new Map<string, number>();
  readonly #personIds = new Set<string>();
  #nextTemplate = 0;
  #nextPerson = 0;

  constructor(input: DomainSimulationInput) {
    this.#in = input;
    this.#random = new Random(input.seed);
  }

  /** Runs the whole timeline; events in generation order (not yet sorted by time). */
  run(): PendingEvent[] {
    const { startMs, endMs, scale } = this.#in;
    const spanMs = endMs - startMs;
    const periods = usagePeriods(this.#in.story.usage.period, startMs, endMs);
    let nextPeriod = 0;
    // Accumulated expected occurrences per activity; a random start offsets the phase per seed.
    const due = new Map<Activity, number>(ACTIVITIES.map((a) => [a, this.#random.next()]));

    for (let dayStartMs = startMs; dayStartMs < endMs; dayStartMs += DAY_MS) {
      const dayEndMs = Math.min(dayStartMs + DAY_MS, endMs);
      const fraction = (dayStartMs + (dayEndMs - dayStartMs) / 2 - startMs) / spanMs;
      const occurrences: Occurrence[] = [];
      for (const activity of ACTIVITIES) {
        const perWeek = curveAt(this.#in.story.ratesPerWeek[activity], fraction);
        let pending = (due.get(activity) ?? 0) + (perWeek * scale * (dayEndMs - dayStartMs)) / WEEK_MS;
        while (pending >= 1) {
          pending -= 1;
          occurrences.push({
            timeMs: dayStartMs + Math.floor(this.#random.next() * (dayEndMs - dayStartMs)),
            activity,
          });
        }
        due.set(activity, pending);
      }
      const lastDay = dayEndMs === endMs;
      for (let p = periods[nextPeriod]; p !== undefined; p = periods[nextPeriod]) {
        if (p.endMs >= dayEndMs && !(lastDay && p.endMs === endMs)) break;
        occurrences.push({ timeMs: p.endMs, activity: 'usage', periodStartMs: p.startMs });
        nextPeriod++;
      }
      occurrences.sort((a, b) => a.timeMs - b.timeMs);
      for (const occurrence of occurrences) this.#apply(occurrence, (occurrence.timeMs - startMs) / spanMs);
    }
    return this.#events;
  }

  #apply(occurrence: Occurrence, fraction: number): void {
    const t = occurrence.timeMs;
    switch (occurrence.activity) {
      case 'publish':
        return this.#publish(t);
      case 'retire':
        return this.#retire(t);
      case 'onboard':
        return this.#onboard(t);
      case 'offboard':
        return this.#offboard(t);
      case 'championGained':
        return this.#championGained(t);
      case 'championLost':
        return this.#championLost(t);
      case 'useCase':
        return this.#useCase(t);
      case 'engage':
        return this.#engage(t);
      case 'incident':
        return this.#incident(t);
      case 'usage':
        return this.#usage(t, occurrence.periodStartMs ?? t - WEEK_MS, fraction);
    }
  }

  /** Envelope fields in schema order (`id` is added once the domain's events are sorted). */
  #envelope<T extends SimulatedEventType>(type: T, timeMs: number, subject: string) {
    return { source: this.#in.source, type, time: timeMs, subject, domain: this.#in.domain };
  }

  #publish(t: number): void {
    const story = this.#in.story;
    const existing = this.#liveProducts.length > 0 && !this.#random.chance(story.newProductShare);
    let product: Product;
    if (existing) {
      product = this.#random.pick(this.#liveProducts);
      const [major, minor, patch] = product.version;
      const bump = this.#random.weighted({ major: 0.12, minor: 0.55, patch: 0.33 });
      product.version =
        bump === 'major'
          ? [major + 1, 0, 0]
          : bump === 'minor'
            ? [major, minor + 1, 0]
            : [major, minor, patch + 1];
      // A maturing product leaves the sandbox.
      if (product.tier === 'experimental' && this.#random.chance(0.3)) product.tier = 'standard';
    } else {
      product = this.#newProduct(t);
    }
    this.#events.push({
      ...this.#envelope('DataProductPublished', t, product.productId),
      productId: product.productId,
      name: product.name,
      version: product.version.join('.'),
      ownerTeam: product.ownerTeam,
      tier: product.tier,
    });
  }

  #newProduct(t: number): Product {
    const templates = this.#in.catalogue.products;
    const index = this.#nextTemplate++;
    const template = templates[index % templates.length] as (typeof templates)[number];
    const round = Math.floor(index / templates.length) + 1;
    const slug = round === 1 ? template.slug : `${template.slug}-${round}`;
    const name = round === 1 ? template.name : `${template.name} ${round}`;
    const tier = this.#random.weighted(this.#in.story.tierWeights);
    const product: Product = {
      productId: `${this.#in.domain}.${slug}`,
      name,
      ownerTeam: template.ownerTeam,
      tier,
      version: tier === 'experimental' ? [0, 1, 0] : [1, 0, 0],
      publishedAtMs: t,
      consumers: new Map(),
      incidentOpenUntilMs: 0,
    };
    this.#products.set(product.productId, product);
    this.#liveProducts.push(product);
    return product;
  }

  #retire(t: number): void {
    // Keep at least two live products, retire only products older than a month, and prefer ones
    // nobody consumes any more.
    if (this.#liveProducts.length <= 2) return;
    const candidates = this.#liveProducts.filter(
      (p) => t - p.publishedAtMs >= MIN_AGE_BEFORE_RETIREMENT_MS && p.incidentOpenUntilMs <= t,
    );
    if (candidates.length === 0) return;
    const unused = candidates.filter((p) => p.consumers.size === 0);
    const product = this.#random.pick(unused.length > 0 ? unused : candidates);
    // Remaining consumers are moved off first, one minute apart, each after its own onboarding.
    const offboardings = [...product.consumers].map(([team, onboardedAtMs], i, all) => ({
      team,
      offMs: Math.max(onboardedAtMs + 1, t - (all.length - i) * 60_000),
    }));
    const retiredMs = Math.max(t, ...offboardings.map((o) => o.offMs + 1));
    if (retiredMs > this.#in.endMs) return;
    for (const { team, offMs } of offboardings) {
      this.#events.push({
        ...this.#envelope('ConsumerOffboarded', offMs, product.productId),
        productId: product.productId,
        consumerTeam: team,
        reason: `${product.productId} retired`,
      });
    }
    product.consumers.clear();
    this.#liveProducts.splice(this.#liveProducts.indexOf(product), 1);
    const successor = this.#liveProducts.find((p) => p.ownerTeam === product.ownerTeam);
    const reason =
      successor !== undefined && this.#random.chance(0.4)
        ? `superseded by ${successor.productId}`
        : this.#random.pick(RETIREMENT_REASONS);
    this.#events.push({
      ...this.#envelope('DataProductRetired', retiredMs, product.productId),
      productId: product.productId,
      reason,
    });
  }

  #onboard(t: number): void {
    if (this.#liveProducts.length === 0) return;
    for (let attempt = 0; attempt < ONBOARDING_ATTEMPTS; attempt++) {
      const product = this.#random.pick(this.#liveProducts);
      const team = this.#random.pick(CONSUMER_TEAMS);
      if (product.consumers.has(team)) continue;
      product.consumers.set(team, t);
      let useCaseId: string | null = null;
      if (this.#random.chance(this.#in.story.onboardingUseCaseShare)) {
        const served = this.#useCases.filter((u) => u.productIds.includes(product.productId));
        if (served.length > 0) useCaseId = this.#random.pick(served).useCaseId;
      }
      this.#events.push({
        ...this.#envelope('ConsumerOnboarded', t, product.productId),
        productId: product.productId,
        consumerTeam: team,
        useCaseId,
      });
      return;
    }
  }

  #offboard(t: number): void {
    const consumed = this.#liveProducts.filter((p) => p.consumers.size > 0);
    if (consumed.length === 0) return;
    const product = this.#random.pick(consumed);
    const team = this.#random.pick([...product.consumers.keys()]);
    product.consumers.delete(team);
    const others = this.#liveProducts.filter((p) => p !== product);
    const reason =
      others.length > 0 && this.#random.chance(0.25)
        ? `migrated to ${this.#random.pick(others).productId}`
        : this.#random.pick(OFFBOARDING_REASONS);
    this.#events.push({
      ...this.#envelope('ConsumerOffboarded', t, product.productId),
      productId: product.productId,
      consumerTeam: team,
      reason,
    });
  }

  #championGained(t: number): void {
    const champion: Champion = {
      personId: this.#newPersonId(),
      role: this.#random.weighted(this.#in.story.roleWeights),
    };
    this.#champions.push(champion);
    this.#events.push({
      ...this.#envelope('ChampionGained', t, champion.personId),
      personId: champion.personId,
      role: champion.role,
    });
  }

  /** `p-` and 12 hex digits: a stable pseudonym, never a name or an e-mail address. */
  #newPersonId(): string {
    for (;;) {
      const label = `${this.#in.seed}/${this.#in.domain}/person/${this.#nextPerson++}`;
      const hex = (n: number) => n.toString(16).padStart(8, '0');
      const id = `p-${hex(fnv1a32(label))}${hex(fnv1a32(`${label}#`)).slice(0, 4)}`;
      if (!this.#personIds.has(id)) {
        this.#personIds.add(id);
        return id;
      }
    }
  }

  #championLost(t: number): void {
    if (this.#champions.length === 0) return;
    const index = Math.floor(this.#random.next() * this.#champions.length);
    const [champion] = this.#champions.splice(index, 1) as [Champion];
    this.#events.push({
      ...this.#envelope('ChampionLost', t, champion.personId),
      personId: champion.personId,
      role: champion.role,
    });
  }

  #useCase(t: number): void {
    if (this.#liveProducts.length === 0) return;
    const story = this.#in.story;
    const wanted = Math.min(this.#random.int(...story.productsPerUseCase), this.#liveProducts.length);
    const pool = [...this.#liveProducts];
    const productIds: string[] = [];
    while (productIds.length < wanted) {
      const [product] = pool.splice(Math.floor(this.#random.next() * pool.length), 1) as [Product];
      productIds.push(product.productId);
    }
    const slug = this.#random.pick(this.#in.catalogue.useCases);
    const uses = (this.#useCaseSlugUses.get(slug) ?? 0) + 1;
    this.#useCaseSlugUses.set(slug, uses);
    const useCaseId = `uc-${this.#in.domain}-${slug}${uses === 1 ? '' : `-${uses}`}`;
    const risk = this.#random.weighted(story.riskWeights);
    const [min, max] = story.valueEur[risk];
    // Estimates are round numbers: multiples of 500 EUR.
    const value = Math.round(this.#random.float(min, max) / 500) * 500;
    this.#useCases.push({ useCaseId, productIds });
    this.#events.push({
      ...this.#envelope('UseCaseDelivered', t, useCaseId),
      useCaseId,
      productIds,
      risk,
      estimatedAnnualValue: value.toFixed(2),
      currency: 'EUR',
    });
  }

  #engage(t: number): void {
    const story = this.#in.story;
    const kind = this.#random.weighted(story.engagementWeights);
    this.#events.push({
      ...this.#envelope('StakeholderEngaged', t, this.#in.domain),
      kind,
      audienceSize: this.#random.int(...story.audienceSize[kind]),
    });
  }

  #incident(t: number): void {
    const healthy = this.#liveProducts.filter((p) => p.incidentOpenUntilMs <= t);
    if (healthy.length === 0) return;
    const product = this.#random.pick(healthy);
    const severity: IncidentSeverity = this.#random.weighted(this.#in.story.severityWeights);
    const [minHours, maxHours] = this.#in.story.incidentResolutionHours;
    const resolvedMs = t + Math.round(this.#random.float(minHours, maxHours) * 3_600_000);
    const open = { productId: product.productId, severity };
    this.#events.push({ ...this.#envelope('QualityIncidentOpened', t, product.productId), ...open });
    if (resolvedMs <= this.#in.endMs) {
      product.incidentOpenUntilMs = resolvedMs;
      this.#events.push({
        ...this.#envelope('QualityIncidentResolved', resolvedMs, product.productId),
        ...open,
      });
    } else {
      product.incidentOpenUntilMs = Number.POSITIVE_INFINITY;
    }
  }

  #usage(periodEndMs: number, periodStartMs: number, fraction: number): void {
    const usage = this.#in.story.usage;
    const weeks = (periodEndMs - periodStartMs) / WEEK_MS;
    const activeShare = curveAt(usage.activeShare, fraction);
    const trend = curveAt(usage.trend, fraction);
    for (const product of this.#liveProducts) {
      if (product.publishedAtMs >= periodEndMs) continue;
      let activeConsumers = 0;
      for (let i = 0; i < product.consumers.size; i++)
        if (this.#random.chance(activeShare)) activeConsumers++;
      // The owner team's own checks and dashboards read the product too.
      const ownQueries = this.#random.float(0, 40) * weeks;
      const perConsumer = this.#random.float(...usage.queriesPerConsumerWeek) * weeks * trend;
      this.#events.push({
        ...this.#envelope('ProductUsageReported', periodEndMs, product.productId),
        productId: product.productId,
        periodStart: periodStartMs,
        periodEnd: periodEndMs,
        activeConsumers,
        queries: Math.round(ownQueries + activeConsumers * perConsumer),
      });
    }
  }
}

/**
 * Reporting periods that fit entirely in [startMs, endMs]: ISO weeks (Monday 00:00 UTC) or calendar
 * months (the 1st, 00:00 UTC).
 */
export function usagePeriods(
  period: 'week' | 'month',
  startMs: number,
  endMs: number,
): { startMs: number; endMs: number }[] {
  const periods: { startMs: number; endMs: number }[] = [];
  if (period === 'week') {
    // 1970-01-01 was a Thursday, so Mondays are 4 days after a multiple of 7 days.
    const mondayOffsetMs = 4 * DAY_MS;
    let s = Math.ceil((startMs - mondayOffsetMs) / WEEK_MS) * WEEK_MS + mondayOffsetMs;
    for (; s + WEEK_MS <= endMs; s += WEEK_MS) periods.push({ startMs: s, endMs: s + WEEK_MS });
  } else {
    // Date.UTC carries month numbers beyond 11 into the following years.
    const first = new Date(startMs);
    const year = first.getUTCFullYear();
    let month = first.getUTCMonth();
    if (Date.UTC(year, month, 1) < startMs) month++;
    for (; Date.UTC(year, month + 1, 1) <= endMs; month++) {
      periods.push({ startMs: Date.UTC(year, month, 1), endMs: Date.UTC(year, month + 1, 1) });
    }
  }
  return periods;
}
