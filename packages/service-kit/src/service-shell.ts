import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Config, Env, Logger } from '@mesh-momentum/common';
import { commandLine } from './command-line.ts';
import { withDeadline } from './deadline.ts';
import { failureLine } from './failure-line.ts';
import { createHttpServer, listenHttp, type HttpAddress } from './http-server.ts';
import type { HttpServerSettings } from './http-server-options.ts';
import { misnamedMetrics } from './metrics.ts';
import { createOpsServer, type HealthProbe } from './ops-server.ts';
import { connectRuntimeWith, type Runtime } from './runtime.ts';
import type { RedisClientOptions } from './redis-client.ts';
import { installShutdown, runShutdownSteps, type ShutdownStep } from './shutdown.ts';

/**
 * The one shell every service starts through. A service declares what is its own (its config section,
 * its routes, its background loops, its metrics and health); the shell owns the rest, in this order:
 *
 *   1. the command line (`--help`), then the configuration, validated (ConfigError names each variable);
 *   2. the runtime: logger, Redis (connected within its timeout), Kafka and registry clients (runtime.ts);
 *   3. the service's wiring (`wire`), and its metrics checked against the naming rule (metrics.ts);
 *   4. the ops server (`/healthz`, `/readyz`, `/metrics` and the service's routes) listening, so that
 *      readiness answers (not ready) while the workers start;
 *   5. bounded graceful shutdown on SIGTERM/SIGINT (shutdown.ts), armed before any worker starts;
 *   6. the workers, started in the order declared;
 *   7. the service's API server, when it has one beside the ops server (the ingest gateway).
 *
 * Shutdown runs the other way: the API server stops taking requests, the workers stop (last started,
 * first stopped), the service's closers run (a producer's flush), then the ops server and Redis close.
 * Every server answers every refusal in the one error shape (error-reply.ts).
 */
export interface ServiceDefinition<C extends Config = Config, H = undefined> {
  /** `processor`, `ingest`, `dashboard`, `alerter`: the command, the logger, the metric prefix. */
  readonly name: string;
  /** Says what listens, in the log line `<title> listening`. @defaultValue name */
  readonly title?: string;
  /** The `--help` text: what the service does. */
  readonly description: string;
  /** The shared configuration and the service's own section, from the environment. */
  readonly loadConfig: (env: Env) => C;
  /** How the service's Redis client sends commands. @defaultValue one write per command */
  readonly redis?: RedisClientOptions;
  /** Builds the service's own parts on the runtime; nothing listens or runs yet. */
  wire(runtime: ServiceRuntime<C>): Promise<ServiceParts<H>> | ServiceParts<H>;
}

export interface ServiceRuntime<C extends Config = Config> extends Runtime<C> {
  /** Ends the service for a failure it cannot recover from after start-up (Kafka refusing it for good). */
  readonly fail: (error: unknown) => void;
}

/** A background loop of the service: consuming Kafka, polling a tool, evaluating alerts. */
export interface Worker {
  readonly name: string;
  /** Resolves once the loop runs (bounded: a dependency that never answers fails start-up). */
  start(): Promise<void> | void;
  /**
   * Resolves once the loop has finished its current step and holds nothing. Also called when its own
   * start failed (it may have started half), so it must cope with a loop that never ran.
   */
  stop(): Promise<void> | void;
}

export interface ListenSettings {
  readonly host: string;
  readonly port: number;
  /** Trusted proxies and timeouts. @defaultValue DEFAULT_HTTP_SERVER_SETTINGS */
  readonly http?: HttpServerSettings;
}

/** What `wire` returns: the service's own parts. */
export interface ServiceParts<H = undefined> {
  readonly health: HealthProbe;
  /** The service's registry (createMetricsRegistry); every name in it must follow the naming rule. */
  readonly metrics: Registry;
  /** Where the ops server listens. */
  readonly ops: ListenSettings;
  /** The service's own routes on the ops server (the dashboard's API and UI, the alerter's API). */
  readonly routes?: (app: FastifyInstance) => Promise<void> | void;
  /** A server of its own beside the ops server, on another port (the ingest gateway's public API). */
  readonly api?: ListenSettings & {
    /** Largest request body any route reads, bytes. @defaultValue fastify's 1 MiB */
    readonly bodyLimitBytes?: number;
    readonly routes: (app: FastifyInstance) => Promise<void> | void;
  };
  /** Started in this order once the ops server listens; stopped in the reverse order. */
  readonly workers?: readonly Worker[];
  /** Run at shutdown after the workers stopped, before the ops server and Redis close. */
  readonly closers?: readonly ShutdownStep[];
  /** What the service gives whoever started it in-process (a test, the demo): its context, its pollers. */
  readonly handle?: H;
}

/** The servers of a service, built and with their routes, not yet listening. */
export interface AssembledService<H = undefined> {
  readonly parts: ServiceParts<H>;
  readonly ops: FastifyInstance;
  readonly api: FastifyInstance | undefined;
}

/** A started service. */
export interface RunningService<C extends Config = Config, H = undefined> extends AssembledService<H> {
  readonly runtime: ServiceRuntime<C>;
  readonly opsAddress: HttpAddress;
  readonly apiAddress: HttpAddress | undefined;
  /** The shutdown sequence SIGTERM runs (without exiting). */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** The service's logger. @defaultValue a logger named for the service at MM_LOG_LEVEL */
  readonly logger?: Logger;
  /** Makes the runtime (step 2); tests give clients that never connect. @defaultValue connectRuntimeWith */
  readonly connect?: typeof connectRuntimeWith;
  /** What `runtime.fail` does. @defaultValue logs the error */
  readonly fail?: (error: unknown) => void;
  /** Given the shutdown sequence once it is complete, before any worker starts (runService arms signals). */
  readonly onShutdownReady?: (steps: readonly ShutdownStep[], logger: Logger) => void;
}

/** Redis gets this long to answer QUIT at shutdown before the connection is simply closed, ms. */
const REDIS_QUIT_TIMEOUT_MS = 2_000;

/** Steps 3 and the building part of 4 and 7: the servers with their routes, for a runtime already made. */
export async function assembleService<C extends Config, H>(
  definition: ServiceDefinition<C, H>,
  runtime: ServiceRuntime<C>,
): Promise<AssembledService<H>> {
  const parts = await definition.wire(runtime);
  const misnamed = misnamedMetrics(definition.name, parts.metrics);
  if (misnamed.length > 0) {
    throw new TypeError(
      `${definition.name}: metrics ${misnamed.join(', ')} break the naming rule mm_${definition.name}_<what>[_<unit>]`,
    );
  }
  const logger = runtime.logger.child({ component: 'http' });
  const ops = createOpsServer(parts.health, parts.metrics, {
    ...(parts.ops.http ? { http: parts.ops.http } : {}),
    logger,
  });
  await parts.routes?.(ops);
  let api: FastifyInstance | undefined;
  if (parts.api) {
    api = createHttpServer({
      ...(parts.api.http ? { http: parts.api.http } : {}),
      ...(parts.api.bodyLimitBytes === undefined ? {} : { bodyLimitBytes: parts.api.bodyLimitBytes }),
      logger,
    });
    await parts.api.routes(api);
  }
  return { parts, ops, api };
}

/** The shutdown sequence; `started`: the workers whose start was called, in that order. */
function shutdownSteps(
  service: AssembledService<unknown>,
  started: readonly Worker[],
  runtime: Runtime,
): ShutdownStep[] {
  const { parts, ops, api } = service;
  return [
    ...(api ? [['api server', () => api.close()] as const] : []),
    // Last started, first stopped; a worker whose start was never called has nothing to stop.
    ...[...(parts.workers ?? [])]
      .reverse()
      .map((w): ShutdownStep => [w.name, async () => (started.includes(w) ? w.stop() : undefined)]),
    ...(parts.closers ?? []),
    ['ops server', () => ops.close()],
    [
      'redis',
      () =>
        withDeadline(runtime.redis.quit(), REDIS_QUIT_TIMEOUT_MS, () => new Error('QUIT timed out')).catch(
          () => runtime.redis.disconnect(),
        ),
    ],
  ];
}

/** Steps 2 to 7 for a configuration already loaded (`runService`, and tests, the demo, benchmarks). */
export async function startService<C extends Config, H>(
  definition: ServiceDefinition<C, H>,
  config: C,
  options: StartOptions = {},
): Promise<RunningService<C, H>> {
  const connect = options.connect ?? connectRuntimeWith;
  const base = await connect(definition.name, config, {
    ...(options.logger ? { logger: options.logger } : {}),
    ...(definition.redis ? { redis: definition.redis } : {}),
  });
  const { logger } = base;
  const runtime: ServiceRuntime<C> = {
    ...base,
    fail: options.fail ?? ((error) => logger.error({ err: error }, `${definition.name} cannot go on`)),
  };
  let steps: ShutdownStep[] = [['redis', async () => runtime.redis.disconnect()]];
  try {
    const assembled = await assembleService(definition, runtime);
    const started: Worker[] = [];
    steps = shutdownSteps(assembled, started, runtime);
    const opsAddress = await listenHttp(assembled.ops, assembled.parts.ops);
    logger.info(opsAddress, 'health and metrics server listening');
    options.onShutdownReady?.(steps, logger);
    for (const worker of assembled.parts.workers ?? []) {
      started.push(worker);
      await worker.start();
    }
    const api = assembled.api;
    const apiAddress = api && assembled.parts.api ? await listenHttp(api, assembled.parts.api) : undefined;
    logger.info(
      {
        url: (apiAddress ?? opsAddress).url,
        ops: opsAddress.url,
        ...(apiAddress ? { api: apiAddress.url } : {}),
      },
      `${definition.title ?? definition.name} listening`,
    );
    return {
      ...assembled,
      runtime,
      opsAddress,
      apiAddress,
      stop: () => runShutdownSteps(steps, logger),
    };
  } catch (error) {
    // Whatever started is stopped, so a failed start leaves no socket or client open behind it.
    await withDeadline(runShutdownSteps(steps, logger), config.shutdownTimeoutMs, () => error as Error).catch(
      () => undefined,
    );
    throw error;
  }
}

/**
 * A service's `main`: step 1, then `startService` with signals armed; a failure to start, or one the
 * service cannot recover from later, prints one line (`<name>: <message> [<code>]`) and exits 1.
 */
export function runService<C extends Config, H>(definition: ServiceDefinition<C, H>): void {
  const exit = (error: unknown) => {
    console.error(failureLine(definition.name, error));
    process.exit(1);
  };
  const start = async () => {
    commandLine({
      name: definition.name,
      synopsis: '',
      description: `${definition.description}\nConfigured by MM_* environment variables only (pnpm docs:config lists them).`,
    });
    const config = definition.loadConfig(process.env);
    await startService(definition, config, {
      fail: exit,
      onShutdownReady: (steps, logger) =>
        installShutdown(steps, { logger, timeoutMs: config.shutdownTimeoutMs }),
    });
  };
  start().catch(exit);
}
