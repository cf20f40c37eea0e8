import { parseDuration } from '../duration.ts';

/**
 * The admin token a CLI sends with writes: `--token`, else the environment's ALERTER_ADMIN_TOKEN (kept
 * out of MM_ALERTER_*, which the alerter itself would refuse as an unknown variable of its own).
 */
export const TOKEN_ENV = 'ALERTER_ADMIN_TOKEN';

/** The flags every alerter admin CLI has: where the alerter is, and the admin token its writes send. */
export const API_OPTIONS = {
  url: { type: 'string', default: 'http://127.0.0.1:8091' },
  token: { type: 'string' },
} as const;

/** The help lines of API_OPTIONS, and what the token is for. */
export const API_OPTION_HELP = [
  '--url URL           the alerter (default http://127.0.0.1:8091)',
  '--token ID.SECRET   admin token for writes',
] as const;
export const TOKEN_HELP = `Writes send --token, else $${TOKEN_ENV}, as a Bearer token (an alerter with MM_ALERTER_ADMIN_TOKENS needs one).`;

export function adminToken(flag: string | undefined, env = process.env): string | undefined {
  return flag ?? (env[TOKEN_ENV] || undefined);
}

/**
 * One call to a running alerter's HTTP API for the admin CLIs (`alerter:silence`, `alerter:pause`):
 * prints the refusal and exits 1 when the API refuses. `token` (`<id>.<secret>`) goes as a Bearer token.
 */
export async function callAlerterApi(
  url: string,
  method: string,
  body?: unknown,
  token?: string,
): Promise<unknown> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
  const response = await fetch(url, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
  const answer = (await response.json()) as unknown;
  if (!response.ok) {
    console.error(JSON.stringify(answer, null, 2));
    process.exit(1);
  }
  return answer;
}

/** Prints each issue as `<flag>: <reason>`, then the usage, and exits 2. */
export function refuseLocally(
  issues: readonly { field: string; reason: string }[],
  flagOf: (field: string) => string,
  usage: string,
): never {
  for (const issue of issues) console.error(`${flagOf(issue.field)}: ${issue.reason}`);
  console.error(usage);
  process.exit(2);
}

/** `--duration` (30m, 2h, 7d) in ms; undefined when absent; exits 2 with the usage when unreadable. */
export function durationFlag(value: string | undefined, usage: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDuration(value);
  if (ms === undefined) {
    console.error(`--duration: ${value} is not like 30m, 2h or 7d\n${usage}`);
    process.exit(2);
  }
  return ms;
}
