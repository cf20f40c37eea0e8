/**
 * One call to a running alerter's HTTP API for the admin CLIs (`alerter:silence`, `alerter:pause`):
 * prints the refusal and exits 1 when the API refuses.
 */
export async function callAlerterApi(url: string, method: string, body?: unknown): Promise<unknown> {
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
