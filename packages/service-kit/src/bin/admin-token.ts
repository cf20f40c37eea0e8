import { generateToken } from '../admin-auth.ts';

/**
 * `pnpm admin:token <id>`: prints a new admin token (give it to the person or tool, once) and the entry
 * for an `…_ADMIN_TOKENS` variable (`MM_DASHBOARD_ADMIN_TOKENS`, `MM_ALERTER_ADMIN_TOKENS`): only the
 * salted hash is configured, the token itself is stored nowhere.
 */
const id = process.argv[2];
if (id === undefined) {
  console.error('usage: pnpm admin:token <token id>   (letters, digits, _ and -)');
  process.exit(2);
}
try {
  const { token, hash } = generateToken(id);
  console.log(`token (send as "Authorization: Bearer <token>"; shown once): ${token}`);
  console.log(`variable entry (comma-separate several): ${id}=${hash}`);
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
