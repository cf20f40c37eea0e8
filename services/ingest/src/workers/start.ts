import { toolSource } from '@mesh-momentum/adapters';
import type { GatewayContext } from '../context.ts';
import type { GatewayFile } from '../gateway-file.ts';
import { isDataError, MeshMomentumError, type Logger } from '@mesh-momentum/common';
import type { IngestMetrics } from '../metrics.ts';
import { BackstagePoller, type BackstageRound } from './backstage.ts';
import { DmmPoller } from './dmm.ts';

export interface RunningPollers {
  readonly names: readonly string[];
  /**
   * Pollers whose last round failed for one of the gateway's own dependencies (Kafka, the registry,
   * Redis: a MeshMomentumError that is not a data error), until a round succeeds: /readyz reports them.
   * A tool failing (an HTTP error, unreachable) is logged and counted, never made a readiness matter,
   * since it stops nothing but that poller.
   */
  failing(): readonly string[];
  /**
   * Stops scheduling and stops a round in progress: its requests to the tool are aborted, and only a
   * send already under way is finished (bounded by MM_INGEST_ACK_TIMEOUT_MS) with its state saved.
   */
  stop(): Promise<void>;
}

/**
 * Runs `round` now and then every `intervalMs` after the previous round ended (rounds never overlap). A
 * failed round is logged and counted; the next one retries from the saved position. The returned stop
 * aborts the round in progress through its signal and waits for what it still has to save.
 */
function schedule(
  name: string,
  intervalMs: number,
  round: (signal: AbortSignal) => Promise<unknown>,
  ctx: GatewayContext,
  failing: Set<string>,
) {
  const logger = ctx.logger.child({ component: `poller-${name}` });
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = round(stopping.signal)
      .then((result) => {
        failing.delete(name);
        ctx.metrics.polls.inc({ poller: name, outcome: 'ok' });
        logger.debug({ result }, 'poll round done');
      })
      .catch((error: unknown) => {
        if (stopping.signal.aborted) {
          logger.info(
            'poll round stopped: the gateway is stopping; the next start resumes from the saved state',
          );
          return;
        }
        ctx.metrics.polls.inc({ poller: name, outcome: 'failed' });
        // Only a round that succeeds clears the flag: a tool failing meanwhile says nothing of the dependency.
        if (error instanceof MeshMomentumError && !isDataError(error)) failing.add(name);
        logger.warn({ err: error }, 'poll round failed; nothing skipped, retrying at the next interval');
      })
      .finally(() => {
        if (!stopping.signal.aborted) timer = setTimeout(tick, intervalMs);
      });
  };
  tick();
  return async () => {
    stopping.abort(new Error(`poller ${name} stopped`));
    clearTimeout(timer);
    await running;
  };
}

/** A held Backstage round is seen by operators: the gauge says how many retirements wait, a warning why. */
export function reportBackstageRound(round: BackstageRound, metrics: IngestMetrics, logger: Logger): void {
  metrics.backstageHeld.set(round.held?.retiring.length ?? 0);
  if (!round.held) return;
  const { knownProducts, retiring, share, maxShare, since } = round.held;
  logger.warn(
    { knownProducts, retiring: retiring.length, share, maxShare, since },
    'Backstage round held: it would retire more than maxRetireShare of the known products; nothing sent. ' +
      'If the catalog is right, confirm with POST /v1/admin/backstage/retirements/confirm',
  );
}

export function startPollers(ctx: GatewayContext, file: GatewayFile): RunningPollers {
  const deps = {
    redis: ctx.redis,
    keys: ctx.keys,
    publisher: ctx.publisher,
    identity: ctx.identity,
    unmapped: ctx.unmapped,
    clock: ctx.clock,
  };
  const stops: (() => Promise<void>)[] = [];
  const names: string[] = [];
  const failing = new Set<string>();
  const { backstage, dmm } = file.pollers;
  if (backstage) {
    const poller = new BackstagePoller(
      {
        source: toolSource(backstage.source),
        url: backstage.url,
        token: backstage.token,
        maxRetireShare: backstage.maxRetireShare,
      },
      deps,
    );
    const logger = ctx.logger.child({ component: 'poller-backstage' });
    const round = async (signal: AbortSignal) => {
      const result = await poller.pollOnce(signal);
      reportBackstageRound(result, ctx.metrics, logger);
      return result;
    };
    stops.push(schedule('backstage', backstage.intervalMs, round, ctx, failing));
    names.push('backstage');
  }
  if (dmm) {
    const poller = new DmmPoller({ source: toolSource(dmm.source), url: dmm.url, apiKey: dmm.apiKey }, deps);
    stops.push(schedule('dmm', dmm.intervalMs, (signal) => poller.pollOnce(signal), ctx, failing));
    names.push('dmm');
  }
  return {
    names,
    failing: () => [...failing].sort(),
    stop: async () => void (await Promise.all(stops.map((s) => s()))),
  };
}
