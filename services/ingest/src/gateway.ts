import type { Logger } from '@mesh-momentum/common';
import type { MeshMomentumProducer } from '@mesh-momentum/sdk';
import { startService, type HttpAddress } from '@mesh-momentum/service-kit';
import type { FastifyInstance } from 'fastify';
import type { IngestConfig } from './config.ts';
import type { GatewayContext } from './context.ts';
import { ingestService, type GatewayOptions } from './service.ts';
import type { RunningPollers } from './workers/start.ts';

export interface RunningGateway {
  readonly app: FastifyInstance;
  readonly ops: FastifyInstance;
  /** Where the API listens. */
  readonly address: HttpAddress;
  readonly opsAddress: HttpAddress;
  readonly context: GatewayContext;
  readonly producer: MeshMomentumProducer;
  readonly pollers: RunningPollers;
  /** The shutdown sequence: stops taking requests, stops the pollers, flushes the producer, closes Redis. */
  close(): Promise<void>;
}

/** Starts the gateway through the service shell, in this process (tests, the demo, benchmarks). */
export async function startGateway(
  config: IngestConfig,
  options: GatewayOptions & { readonly logger?: Logger } = {},
): Promise<RunningGateway> {
  const { logger, ...gateway } = options;
  const running = await startService(ingestService(gateway), config, logger ? { logger } : {});
  const handle = running.parts.handle;
  const pollers = handle?.pollers();
  if (!running.api || !running.apiAddress || !handle || !pollers) {
    throw new TypeError('the ingest service wires an API server, its context and its pollers');
  }
  return {
    app: running.api,
    ops: running.ops,
    address: running.apiAddress,
    opsAddress: running.opsAddress,
    context: handle.context,
    producer: handle.producer,
    pollers,
    close: () => running.stop(),
  };
}
