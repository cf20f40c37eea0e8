import { commandLine, installShutdown } from '@mesh-momentum/service-kit';
import { loadIngestConfig } from './config.ts';
import { startGateway } from './gateway.ts';

/** Entry point: `pnpm ingest` (`node --conditions=@mesh-momentum/source services/ingest/src/main.ts`). */
async function main(): Promise<void> {
  commandLine({
    name: 'ingest',
    synopsis: '',
    description:
      'Runs the HTTP ingest gateway: the events API, webhooks and pollers (MM_INGEST_CONFIG_FILE).\nConfigured by MM_* environment variables only (pnpm docs:config lists them).',
  });
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
