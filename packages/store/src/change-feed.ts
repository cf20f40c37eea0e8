import { redisCall } from '@mesh-momentum/common';
import { keys } from './keys.ts';
import { parseChangeMessage, type StallChanged } from './notifications.ts';
import type { MomentumReader, ReadSnapshot, StalledScope } from './read-snapshot.ts';
import { refFromScopeId, refKey, type ScopeRef } from './scope-ref.ts';
import type { ReadClient } from './slot-reads.ts';

/** A domain's scores changed. */
export interface ScoresUpdate {
  readonly domain: string;
  /** The scopes rewritten, or `all` (many scopes, or found by catch-up: read the whole domain). */
  readonly scopes: readonly ScopeRef[] | 'all';
  /** The domain's seq after the change. */
  readonly seq: number;
  /** True when found by catch-up (a missed message), not announced. */
  readonly caughtUp: boolean;
}

/** A scope became stalled or recovered. */
export interface StallTransition {
  readonly ref: ScopeRef;
  readonly stalled: boolean;
  /** Became stalled: the rule that holds; recovered: the rule that held. */
  readonly reason: StallChanged['reason'];
  /** The write that found it (a caught-up transition: the scope's score asOf), ms since the epoch. */
  readonly atMs: number;
  /** When the stall began, ms since the epoch (undefined when a catch-up cannot know it). */
  readonly sinceMs: number | undefined;
  /** True when found by catch-up (a missed message), not announced. */
  readonly caughtUp: boolean;
}

export interface ChangeFeedHandlers {
  onScores?(update: ScoresUpdate): void | Promise<void>;
  onStall?(transition: StallTransition): void | Promise<void>;
  /** The mesh-wide figures were rewritten. */
  onMesh?(asOfMs: number): void | Promise<void>;
  /** A rebuild switched readers to another namespace: read everything again. */
  onNamespace?(namespace: string): void | Promise<void>;
  /** A handler or a catch-up read failed (the feed goes on; the next catch-up retries). */
  onError?(error: unknown): void;
}

/**
 * Live changes for a dashboard or an alerter, with catch-up. Pub/sub drops messages when a subscriber
 * is disconnected or slow, so the feed keeps, per domain, the last `seq` a message brought and the set
 * of stalled scopes it has reported; a message whose seq jumps, a reconnection, a namespace switch or
 * a call of `catchUp()` (run it on a timer, e.g. every tick) compares them with Redis and reports what
 * was missed (`caughtUp: true`): the domains whose seq moved, and the stall transitions the difference
 * between the reported and the stored stalled sets implies. Handlers run one at a time, in order.
 */
export class ChangeFeed {
  readonly #reader: MomentumReader;
  readonly #subscriber: ReadClient;
  readonly #handlers: ChangeFeedHandlers;
  #snapshot: ReadSnapshot | undefined;
  #seqs = new Map<string, number>();
  #stalled = new Map<
    string,
    { ref: ScopeRef; reason: StallChanged['reason']; sinceMs: number | undefined }
  >();
  #queue: Promise<void> = Promise.resolve();
  #running = false;
  readonly #onMessage = (channel: string, text: string) => this.#enqueue(() => this.#handle(channel, text));
  readonly #onReady = () => this.#enqueue(() => this.#catchUp());

  /**
   * @param subscriber a client for this feed alone: it is put in subscriber mode (e.g. `redis.duplicate()`).
   */
  constructor(reader: MomentumReader, subscriber: ReadClient, handlers: ChangeFeedHandlers) {
    this.#reader = reader;
    this.#subscriber = subscriber;
    this.#handlers = handlers;
  }

  /** The namespace the feed follows (undefined before the first processor ran). */
  get namespace(): string | undefined {
    return this.#snapshot?.namespace;
  }

  /** Subscribes and takes the baseline (seqs and stalled scopes) without reporting it. */
  async start(): Promise<void> {
    this.#running = true;
    this.#subscriber.on('message', this.#onMessage);
    await this.#subscribe(keys.namespaceChannel(this.#reader.prefix));
    // In the queue: a message arriving meanwhile is judged against the baseline, never before it.
    const baseline = this.#queue.then(async () => this.#follow(await this.#reader.namespace(), false));
    this.#queue = baseline.catch(() => undefined);
    await baseline;
    this.#subscriber.on('ready', this.#onReady);
  }

  /** Stops reporting and unsubscribes (the subscriber client stays open: close it yourself). */
  async stop(): Promise<void> {
    this.#running = false;
    this.#subscriber.off('message', this.#onMessage);
    this.#subscriber.off('ready', this.#onReady);
    await this.#queue;
    await this.#subscriber.unsubscribe().catch(() => undefined);
  }

  /** Compares with Redis now and reports what messages were missed; resolves when handled. */
  catchUp(): Promise<void> {
    return this.#enqueue(() => this.#catchUp());
  }

  #enqueue(work: () => Promise<void>): Promise<void> {
    this.#queue = this.#queue.then(work).catch((error: unknown) => this.#handlers.onError?.(error));
    return this.#queue;
  }

  #subscribe(channel: string): Promise<unknown> {
    return redisCall('subscribing to the change notifications', () => this.#subscriber.subscribe(channel));
  }

  /** Switches to a namespace: subscribe to its channel, then baseline (report the difference if asked). */
  async #follow(namespace: string | undefined, report: boolean): Promise<void> {
    const previous = this.#snapshot;
    if (previous && previous.namespace !== namespace) {
      const channel = keys.changesChannel(previous.keySpace);
      await redisCall('unsubscribing from the change notifications', () =>
        this.#subscriber.unsubscribe(channel),
      );
    }
    this.#snapshot = namespace === undefined ? undefined : this.#reader.snapshotOf(namespace);
    // Seqs count writes within one namespace: a rebuilt one starts afresh.
    if (previous?.namespace !== namespace) this.#seqs = new Map();
    if (!this.#snapshot) return;
    if (previous?.namespace !== namespace)
      await this.#subscribe(keys.changesChannel(this.#snapshot.keySpace));
    // Subscribed first, read second: a change landing in between is both read and announced.
    if (report) await this.#catchUp();
    else {
      this.#seqs = await this.#snapshot.seqs();
      this.#stalled = new Map((await this.#snapshot.stalled()).map((s) => [refKey(s.ref), known(s)]));
    }
  }

  async #handle(channel: string, text: string): Promise<void> {
    if (!this.#running) return;
    if (channel === keys.namespaceChannel(this.#reader.prefix)) {
      if (text === this.#snapshot?.namespace) return;
      await this.#follow(text, true);
      await this.#handlers.onNamespace?.(text);
      return;
    }
    const message = parseChangeMessage(text);
    if (!message) return this.#catchUp();
    if (message.t === 'mesh') return this.#handlers.onMesh?.(message.asOfMs);
    if (message.t === 'stall') {
      const ref = refFromScopeId(message.d, message.scope);
      const key = refKey(ref);
      // Already reported (e.g. by a catch-up that read the new state before this message arrived).
      if (this.#stalled.has(key) === message.stalled) return;
      if (message.stalled) this.#stalled.set(key, { ref, reason: message.reason, sinceMs: message.sinceMs });
      else this.#stalled.delete(key);
      return this.#handlers.onStall?.({
        ref,
        stalled: message.stalled,
        reason: message.reason,
        atMs: message.atMs,
        sinceMs: message.sinceMs,
        caughtUp: false,
      });
    }
    const last = this.#seqs.get(message.d) ?? 0;
    if (message.seq <= last) return; // already seen, or caught up past it
    if (message.seq > last + 1) return this.#catchUp();
    this.#seqs.set(message.d, message.seq);
    const scopes = message.s ? message.s.map((id) => refFromScopeId(message.d, id)) : 'all';
    return this.#handlers.onScores?.({ domain: message.d, scopes, seq: message.seq, caughtUp: false });
  }

  async #catchUp(): Promise<void> {
    if (!this.#running) return;
    const current = await this.#reader.namespace();
    if (current !== this.#snapshot?.namespace) {
      await this.#follow(current, true);
      if (current !== undefined) await this.#handlers.onNamespace?.(current);
      return;
    }
    const snapshot = this.#snapshot;
    if (!snapshot) return;
    for (const [domain, seq] of await snapshot.seqs()) {
      if (seq <= (this.#seqs.get(domain) ?? 0)) continue;
      this.#seqs.set(domain, seq);
      await this.#handlers.onScores?.({ domain, scopes: 'all', seq, caughtUp: true });
    }
    const stored = new Map((await snapshot.stalled()).map((s) => [refKey(s.ref), s]));
    for (const [key, was] of [...this.#stalled]) {
      if (stored.has(key)) continue;
      this.#stalled.delete(key);
      const score = await snapshot.score(was.ref);
      await this.#handlers.onStall?.({
        ...was,
        stalled: false,
        atMs: score?.asOfMs ?? Date.now(),
        caughtUp: true,
      });
    }
    for (const [key, s] of stored) {
      if (this.#stalled.has(key)) continue;
      this.#stalled.set(key, known(s));
      await this.#handlers.onStall?.({ ...known(s), stalled: true, atMs: s.score.asOfMs, caughtUp: true });
    }
  }
}

function known(s: StalledScope): {
  ref: ScopeRef;
  reason: StallChanged['reason'];
  sinceMs: number | undefined;
} {
  return { ref: s.ref, reason: s.reason, sinceMs: s.stalledSinceMs };
}
