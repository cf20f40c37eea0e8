import { generateToken } from '@mesh-momentum/service-kit';

/**
 * `pnpm ingest:token <id>`: prints a new API token (give it to the client, once) and the entry to put
 * under `tokens:` in MM_INGEST_CONFIG_FILE (only the salted hash; the token itself is not stored).
 */
const id = process.argv[2];
if (id === undefined) {
  console.error('usage: pnpm ingest:token <token id>   (letters, digits, _ and -)');
  process.exit(2);
}
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
