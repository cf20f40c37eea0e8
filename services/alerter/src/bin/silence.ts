import { parseSilenceRequest } from '@mesh-momentum/alerting';
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
 * `pnpm alerter:silence <add|list|expire>`: manages silences through a running alerter's HTTP API.
 *
 *   add --matcher domain=hr [--matcher product=~hr\..*] --duration 2h --by lead@example.com --comment "why"
 *   list
 *   expire <id>
 *
 * --url (default http://127.0.0.1:8091, the alerter's MM_ALERTER_HTTP_PORT); writes send --token (else
 * ALERTER_ADMIN_TOKEN) as a Bearer token. A silence is checked here
 * with the API's own validation (`parseSilenceRequest`) before it is sent. Exit codes: 0 done,
 * 1 refused (the answer's message is printed), 2 usage or an invalid silence (each flag named).
 */
const SPEC = {
  name: 'alerter:silence',
  synopsis: [
    'add --matcher NAME=VALUE... --duration 2h|30m|1d --by WHO --comment WHY [--url URL] [--token ID.SECRET]',
    'list [--url URL]',
    'expire ID [--url URL] [--token ID.SECRET]',
  ],
  description: 'Manages the silences of a running alerter through its HTTP API.\n' + TOKEN_HELP,
  optionHelp: [
    '--matcher NAME=VALUE   label matcher (=, !=, =~, !~; RE2 regex); repeat for several',
    '--duration D           how long it lasts: 30m, 2h, 7d',
    '--by WHO               who sets it',
    '--comment WHY          why',
    ...API_OPTION_HELP,
  ],
  options: {
    ...API_OPTIONS,
    matcher: { type: 'string', multiple: true, default: [] as string[] },
    duration: { type: 'string' },
    by: { type: 'string' },
    comment: { type: 'string' },
  },
  positionals: { min: 1, max: 2 },
} as const;
const USAGE = usageOf(SPEC);

/** The flag behind a request field: `matchers.1.value` → `--matcher #2 (matchers.1.value)`. */
function flagOf(field: string): string {
  const [head, index] = field.split('.');
  if (head === 'matchers')
    return index === undefined ? '--matcher' : `--matcher #${Number(index) + 1} (${field})`;
  const flags: Record<string, string> = {
    durationMs: '--duration',
    endsAtMs: '--duration',
    createdBy: '--by',
    comment: '--comment',
  };
  return flags[field] ?? field;
}

async function main(): Promise<void> {
  const { values, positionals } = commandLine(SPEC);
  const base = values.url.replace(/\/+$/, '');
  const token = adminToken(values.token);
  const [command, id] = positionals;
  if (command === 'list') {
    console.log(JSON.stringify(await call(`${base}/api/silences`, 'GET'), null, 2));
  } else if (command === 'expire' && id) {
    console.log(
      JSON.stringify(
        await call(`${base}/api/silences/${encodeURIComponent(id)}`, 'DELETE', undefined, token),
        null,
        2,
      ),
    );
  } else if (command === 'add') {
    const durationMs = durationFlag(values.duration, USAGE);
    const request = { matchers: values.matcher, durationMs, createdBy: values.by, comment: values.comment };
    const checked = parseSilenceRequest(request, Date.now());
    if (!checked.ok) refuseLocally(checked.issues, flagOf, USAGE);
    const silence = await call(`${base}/api/silences`, 'POST', request, token);
    console.log(JSON.stringify(silence, null, 2));
  } else {
    console.error(USAGE);
    process.exit(2);
  }
}

main().catch((error: unknown) => {
  console.error(`alerter:silence: ${(error as Error).message}`);
  process.exit(1);
});
