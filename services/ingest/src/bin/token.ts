import { commandLine, generateToken } from '@mesh-momentum/service-kit';

/**
 * `pnpm ingest:token <id>`: prints a new API token (give it to the client, once) and the entry to put
 * under `tokens:` in MM_INGEST_CONFIG_FILE (only the salted hash; the token itself is not stored).
 */
const { positionals } = commandLine({
  name: 'ingest:token',
  synopsis: '<token id>',
  description:
    'Prints a new ingest API token (letters, digits, _ and - in its id) and the entry for tokens: in\n' +
    'MM_INGEST_CONFIG_FILE: only the salted hash is configured; the token is shown once and stored nowhere.',
  positionals: { min: 1, max: 1 },
});
const id = positionals[0] ?? '';
try {
  const { token, hash } = generateToken(id);
  console.log(`token (give to the client; shown once): ${token}`);
  console.log('config file entry:');
  console.log(`  - { id: ${id}, hash: "${hash}", eventTypes: ["*"], domains: ["*"] }`);
  console.log(
    `  (its events go out as urn:meshmomentum:token:${id}; add sources: [<URI>, …] to bind others)`,
  );
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
