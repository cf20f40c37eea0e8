// The demo's ingest gateway: written config (a GitHub webhook secret, the import's GitHub organisation and
// an identity mapping of the simulated data products to repositories), started as its own process, the
// simulated programme's past releases played by a local stand-in for GitHub's REST API (for
// `pnpm ingest:import github`), and its recent ones sent as signed `release` webhooks, as GitHub would.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PlayedOrganisation, PlayedRepository } from '@mesh-momentum/testing';
import { signGithubPayload } from '@mesh-momentum/webhook-auth';
import { startService } from './demo-process.ts';

export const GATEWAY_ENV = {
  MM_INGEST_HTTP_PORT: '18088',
  MM_INGEST_OPS_PORT: '19465',
  // The demo's live webhooks carry the last 30 days' releases, which a live gateway would ignore as stale.
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

export const ORG = 'acme-demo';
const repoOf = (productId: string) => productId.replace(/[^a-zA-Z0-9-]/g, '-');

/** GitHub's numeric ids of the played repositories and releases (event ids derive from them). */
export interface ReleaseIds {
  readonly repository: (productId: string) => number;
  readonly release: (release: Release) => number;
}

/** Stable ids: repositories numbered by first release, releases by their order in the programme. */
export function releaseIds(releases: readonly Release[]): ReleaseIds {
  const repos = new Map<string, number>();
  const ids = new Map<Release, number>();
  releases.forEach((r, i) => {
    if (!repos.has(r.productId)) repos.set(r.productId, 1_000 + repos.size);
    ids.set(r, 100_000 + i);
  });
  return {
    repository: (productId) => repos.get(productId) as number,
    release: (release) => ids.get(release) as number,
  };
}

/** The organisation as GitHub's REST API shows it: one repository per product, its `history` releases. */
export function playedOrganisation(history: readonly Release[], ids: ReleaseIds): PlayedOrganisation {
  const byRepo = new Map<string, Release[]>();
  for (const r of history) byRepo.set(r.productId, [...(byRepo.get(r.productId) ?? []), r]);
  const repositories: PlayedRepository[] = [...byRepo].map(([productId, rs]) => ({
    id: ids.repository(productId),
    name: repoOf(productId),
    topics: [],
    updated_at: new Date(Math.max(...rs.map((r) => r.time))).toISOString(),
    releases: [...rs]
      .sort((a, b) => b.time - a.time)
      .map((r) => ({
        id: ids.release(r),
        tag_name: `v${r.version}`,
        published_at: new Date(r.time).toISOString(),
      })),
  }));
  return { owner: ORG, repositories };
}

/** Writes the gateway's config and identity files; returns the variables that name them, and the secret. */
export function writeGatewayConfig(
  releases: readonly Release[],
  githubApiUrl: string,
): {
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
    JSON.stringify({
      webhooks: { github: { source: `https://github.com/${ORG}`, secrets: [secret] } },
      imports: { github: { owner: ORG, apiUrl: githubApiUrl } },
    }),
    { mode: 0o600 },
  );
  return { env: { MM_INGEST_CONFIG_FILE: configFile, MM_INGEST_IDENTITY_FILE: identityFile }, secret };
}

export function startGateway(env: NodeJS.ProcessEnv): ChildProcess {
  return startService('services/ingest/src/main.ts', env);
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
export async function sendRelease(
  release: Release,
  ids: ReleaseIds,
  secret: string,
  n: number,
): Promise<void> {
  const repo = repoOf(release.productId);
  const body = JSON.stringify({
    action: 'published',
    release: {
      id: ids.release(release),
      tag_name: `v${release.version}`,
      name: `v${release.version}`,
      draft: false,
      prerelease: false,
      published_at: new Date(release.time).toISOString(),
    },
    repository: {
      id: ids.repository(release.productId),
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
