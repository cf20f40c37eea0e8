import { parsePauseRequest } from '@mesh-momentum/alerting';
import { commandLine, usageOf } from '@mesh-momentum/service-kit';
import {
  adminToken,
  API_OPTION_HELP,
  API_OPTIONS,
  callAlerterApi as call,
  durationFlag,
  refuseLocally,
  TOKEN_HELP,
} from './api-call.ts';

/**
 * `pnpm alerter:pause <add|list|remove>`: puts scopes on hold through a running alerter's HTTP API.
 *
 *   add --scope domain:hr --reason "reorg until March" --by lead@example.com [--duration 30d]
 *   list
 *   remove --scope domain:hr
 *
 * Scopes: `mesh`, `domain:<domain>`, `product:<domain>/<product id>`; a pause covers the scopes inside
 * it. Without --duration the pause lasts until removed. --url (default http://127.0.0.1:8091); writes send
 * --token (else ALERTER_ADMIN_TOKEN) as a Bearer token. A pause is
 * checked here with the API's own validation (`parsePauseRequest`) before it is sent. Exit codes: 0 done,
 * 1 refused (the answer is printed), 2 usage or an invalid pause (each flag named).
 */
const SPEC = {
  name: 'alerter:pause',
  synopsis: [
    'add --scope mesh|domain:D|product:D/P --reason WHY --by WHO [--duration 30d] [--url URL] [--token ID.SECRET]',
    'list [--url URL]',
    'remove --scope SCOPE [--url URL] [--token ID.SECRET]',
  ],
  description:
    "Puts scopes on hold (no alerts) through a running alerter's HTTP API; a pause covers the scopes inside it.\n" +
    TOKEN_HELP,
  optionHelp: [
    '--scope SCOPE       mesh, domain:<domain> or product:<domain>/<product id>',
    '--reason WHY        why the scope is paused',
    '--by WHO            who pauses it',
    '--duration D        how long: 30m, 2h, 7d (default: until removed)',
    ...API_OPTION_HELP,
  ],
  options: {
    ...API_OPTIONS,
    scope: { type: 'string' },
    reason: { type: 'string' },
    by: { type: 'string' },
    duration: { type: 'string' },
  },
  // `remove SCOPE`, the scope as a positional argument, is read too.
  positionals: { min: 1, max: 2 },
} as const;
const USAGE = usageOf(SPEC);

function flagOf(field: string): string {
  const flags: Record<string, string> = {
    reason: '--reason',
    createdBy: '--by',
    durationMs: '--duration',
  };
  return field.startsWith('scope') ? `--scope (${field})` : (flags[field] ?? field);
}

async function main(): Promise<void> {
  const { values, positionals } = commandLine(SPEC);
  const base = values.url.replace(/\/+$/, '');
  const token = adminToken(values.token);
  const [command, positionalScope] = positionals;
  const scope = values.scope ?? positionalScope;
  if (command === 'list') {
    console.log(JSON.stringify(await call(`${base}/api/pauses`, 'GET'), null, 2));
  } else if (command === 'remove' && scope) {
    const removed = await call(`${base}/api/pauses/${encodeURIComponent(scope)}`, 'DELETE', undefined, token);
    console.log(JSON.stringify(removed, null, 2));
  } else if (command === 'add') {
    const durationMs = durationFlag(values.duration, USAGE);
    const request = { scope: values.scope, reason: values.reason, createdBy: values.by, durationMs };
    const checked = parsePauseRequest(request, Date.now());
    if (!checked.ok) refuseLocally(checked.issues, flagOf, USAGE);
    console.log(JSON.stringify(await call(`${base}/api/pauses`, 'POST', request, token), null, 2));
  } else {
    console.error(USAGE);
    process.exit(2);
  }
}

main().catch((error: unknown) => {
  console.error(`alerter:pause: ${(error as Error).message}`);
  process.exit(1);
});
