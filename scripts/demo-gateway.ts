// The demo's ingest gateway: written config (a GitHub webhook secret and an identity mapping of the
// simulated data products to repositories), started as its own process, and the simulated programme's
// product releases sent through it as signed GitHub `release` webhooks, the way GitHub would send them.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signGithubPayload } from '@mesh-momentum/webhook-auth';

export const GATEWAY_ENV = {
  MM_INGEST_HTTP_PORT: '18088',
  MM_INGEST_OPS_PORT: '19465',
  // The demo replays a year of releases through the webhook, which a live gateway would ignore as stale.
  MM_INGEST_WEBHOOK_MAX_AGE_SECONDS: '0',
} as const;

/** The fields of a simulated DataProductPublished the webhook carries. */
export interface Release {
  readonly productId: string;
  readonly domain: string;
  readonly version: string;
  readonly ownerTeam: string;
  readonly tier: string;
  readonly time: number;
}

const ORG = 'acme-demo';
const repoOf = (productId: string) => productId.replace(/[^a-zA-Z0-9-]/g, '-');
/** A stable numeric repository id, as GitHub gives one (event ids derive from it). */
const repoIdOf = (repo: string) =>
  Number.parseInt(createHash('sha256').update(repo).digest('hex').slice(0, 12), 16);

/** Writes the gateway's config and identity files; returns the variables that name them, and the secret. */
export function writeGatewayConfig(releases: readonly Release[]): {
  env: Record<string, string>;
  secret: string;
} {
  const dir = mkdtempSync(join(tmpdir(), 'mm-demo-ingest-'));
  const secret = randomBytes(24).toString('hex');
  const products = new Map<string, Release>();
  for (const r of releases) products.set(r.productId, r);
  const identity = {
    products: [...products.values()].map((p) => ({
      tool: 'github',
      ref: `${ORG}/${repoOf(p.productId)}`,
      productId: p.productId,
      domain: p.domain,
      ownerTeam: p.ownerTeam,
      tier: p.tier,
    })),
  };
  const configFile = join(dir, 'ingest.json');
  const identityFile = join(dir, 'identity.json');
  writeFileSync(identityFile, JSON.stringify(identity, null, 2), { mode: 0o600 });
  writeFileSync(
    configFile,
    JSON.stringify({ webhooks: { github: { source: `https://github.com/${ORG}`, secrets: [secret] } } }),
    { mode: 0o600 },
  );
  return { env: { MM_INGEST_CONFIG_FILE: configFile, MM_INGEST_IDENTITY_FILE: identityFile }, secret };
}

export function startGateway(env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['--conditions=@mesh-momentum/source', 'services/ingest/src/main.ts'], {
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

/** Waits until the gateway's /readyz answers ready (Redis, registry and Kafka reached). */
export async function waitForGateway(timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ready = await fetch(`http://127.0.0.1:${GATEWAY_ENV.MM_INGEST_OPS_PORT}/readyz`)
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ready) return;
    if (Date.now() > deadline) throw new Error(`the ingest gateway was not ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** One release as GitHub's `release.published` webhook, signed with the shared secret. */
export async function sendRelease(release: Release, secret: string, n: number): Promise<void> {
  const repo = repoOf(release.productId);
  const body = JSON.stringify({
    action: 'published',
    release: {
      id: n + 1,
      tag_name: `v${release.version}`,
      name: `v${release.version}`,
      draft: false,
      prerelease: false,
      published_at: new Date(release.time).toISOString(),
    },
    repository: {
      id: repoIdOf(repo),
      name: repo,
      full_name: `${ORG}/${repo}`,
      owner: { login: ORG },
      topics: [],
      archived: false,
    },
    sender: { login: 'demo' },
  });
  const response = await fetch(`http://127.0.0.1:${GATEWAY_ENV.MM_INGEST_HTTP_PORT}/v1/webhooks/github`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'release',
      'x-github-delivery': `demo-${release.productId}-${release.version}-${n}`,
      'x-hub-signature-256': signGithubPayload(body, secret),
    },
    body,
  });
  const answer = (await response.json()) as { accepted?: number; message?: string };
  if (response.status !== 202 || answer.accepted !== 1)
    throw new Error(`the gateway answered ${response.status} to a release: ${JSON.stringify(answer)}`);
}
