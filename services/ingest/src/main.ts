import { installShutdown } from '@mesh-momentum/service-kit';
import { loadIngestConfig } from './config.ts';
import { startGateway } from './gateway.ts';

/** Entry point: `pnpm ingest` (`node --conditions=@mesh-momentum/source services/ingest/src/main.ts`). */
async function main(): Promise<void> {
  const config = loadIngestConfig(process.env);
  const gateway = await startGateway(config);
  installShutdown([['gateway', () => gateway.close()]], {
    logger: gateway.context.logger,
    timeoutMs: config.shutdownTimeoutMs,
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `ingest: ${error.message}` : error);
  process.exit(1);
});
