import { parseArgs } from 'node:util';
import { parseDuration } from '../duration.ts';

/**
 * `pnpm alerter:silence <add|list|expire>`: manages silences through a running alerter's HTTP API.
 *
 *   add --matcher domain=hr [--matcher product=~hr\..*] --duration 2h --by lead@example.com --comment "why"
 *   list
 *   expire <id>
 *
 * --url (default http://127.0.0.1:8091, the alerter's MM_ALERTER_HTTP_PORT). Exit codes: 0 done,
 * 1 refused (the answer's message is printed), 2 usage.
 */
const USAGE = `usage: alerter:silence add --matcher NAME=VALUE... --duration 2h|30m|1d --by WHO --comment WHY [--url URL]
       alerter:silence list [--url URL]
       alerter:silence expire ID [--url URL]`;

async function call(url: string, method: string, body?: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
  const answer = (await response.json()) as unknown;
  if (!response.ok) {
    console.error(JSON.stringify(answer, null, 2));
    process.exit(1);
  }
  return answer;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:8091' },
      matcher: { type: 'string', multiple: true, default: [] },
      duration: { type: 'string' },
      by: { type: 'string' },
      comment: { type: 'string' },
    },
  });
  const base = values.url.replace(/\/+$/, '');
  const [command, id] = positionals;
  if (command === 'list') {
    console.log(JSON.stringify(await call(`${base}/api/silences`, 'GET'), null, 2));
  } else if (command === 'expire' && id) {
    console.log(
      JSON.stringify(await call(`${base}/api/silences/${encodeURIComponent(id)}`, 'DELETE'), null, 2),
    );
  } else if (command === 'add') {
    const durationMs = values.duration === undefined ? undefined : parseDuration(values.duration);
    if (values.duration !== undefined && durationMs === undefined) {
      console.error(`--duration: ${values.duration} is not like 30m, 2h or 7d\n${USAGE}`);
      process.exit(2);
    }
    const silence = await call(`${base}/api/silences`, 'POST', {
      matchers: values.matcher,
      durationMs,
      createdBy: values.by,
      comment: values.comment,
    });
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
