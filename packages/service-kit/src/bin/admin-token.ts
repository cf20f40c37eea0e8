import { generateToken } from '../admin-auth.ts';
import { commandLine } from '../command-line.ts';

/**
 * `pnpm admin:token <id>`: prints a new admin token (give it to the person or tool, once) and the entry
 * for an `…_ADMIN_TOKENS` variable (`MM_DASHBOARD_ADMIN_TOKENS`, `MM_ALERTER_ADMIN_TOKENS`): only the
 * salted hash is configured, the token itself is stored nowhere.
 */
const { positionals } = commandLine({
  name: 'admin:token',
  synopsis: '<token id>',
  description:
    'Prints a new admin token (letters, digits, _ and - in its id) and the entry for MM_DASHBOARD_ADMIN_TOKENS or\n' +
    'MM_ALERTER_ADMIN_TOKENS: only the salted hash is configured; the token is shown once and stored nowhere.',
  positionals: { min: 1, max: 1 },
});
const id = positionals[0] ?? '';
try {
  const { token, hash } = generateToken(id);
  console.log(`token (send as "Authorization: Bearer <token>"; shown once): ${token}`);
  console.log(`variable entry (comma-separate several): ${id}=${hash}`);
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
