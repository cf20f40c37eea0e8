import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createIdentityResolver, EMPTY_IDENTITY_CONFIG, openMetadataPersonId } from '@mesh-momentum/adapters';
import { RateLimitedHttpClient } from './http-client.ts';
import { OpenMetadataHistory, type OpenMetadataCheckpoint } from './openmetadata-history.ts';
import { runImport } from './run-import.ts';

/** OpenMetadata's REST shapes: `{data, paging: {after}}` listings and `{entityType, versions}` (JSON text). */
const DAY_MS = 86_400_000;
const T0 = Date.UTC(2026, 0, 5, 9);
const KEY = 'k'.repeat(32);
const domainRef = { id: 'd1', type: 'domain', name: 'payments', fullyQualifiedName: 'payments' };
const product = (name: string, version: number, dayOffset: number) => ({
  id: `p-${name}`,
  name,
  fullyQualifiedName: `payments.${name}`,
  displayName: name,
  version,
  updatedAt: T0 + dayOffset * DAY_MS,
  owners: [{ id: 't1', type: 'team', name: 'payments-data' }],
  domains: [domainRef],
});
const domainVersion = (version: number, dayOffset: number, experts: string[]) => ({
  id: 'd1',
  name: 'payments',
  fullyQualifiedName: 'payments',
  version,
  updatedAt: T0 + dayOffset * DAY_MS,
  experts: experts.map((id) => ({ id, type: 'user', name: `user-${id}` })),
});

const versions: Record<string, unknown[]> = {
  '/api/v1/dataProducts/p-orders/versions': [product('orders', 0.2, 30), product('orders', 0.1, 0)],
  '/api/v1/dataProducts/p-refunds/versions': [product('refunds', 0.1, 10)],
  '/api/v1/domains/d1/versions': [
    domainVersion(0.3, 40, ['u2']),
    domainVersion(0.2, 20, ['u1', 'u2']),
    domainVersion(0.1, 0, ['u1']),
  ],
};

let server: Server | undefined;
afterEach(() => void server?.close());

async function serve(): Promise<string> {
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const answer = (body: unknown) =>
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (url.pathname === '/api/v1/dataProducts') {
      // Two pages of one product, joined by paging.after.
      return url.searchParams.get('after') === null
        ? answer({ data: [product('orders', 0.2, 30)], paging: { after: 'cursor-2', total: 2 } })
        : answer({ data: [product('refunds', 0.1, 10)], paging: { total: 2 } });
    }
    if (url.pathname === '/api/v1/domains')
      return answer({ data: [domainVersion(0.3, 40, ['u2'])], paging: { total: 1 } });
    const listed = versions[url.pathname];
    if (listed)
      return answer({
        entityType: url.pathname.includes('domains') ? 'domain' : 'dataProduct',
        versions: listed.map((v) => JSON.stringify(v)),
      });
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function history(url: string, sinceMs?: number): OpenMetadataHistory {
  return new OpenMetadataHistory(
    { source: 'https://openmetadata.acme.example', url, personIdKey: KEY, sinceMs },
    {
      http: new RateLimitedHttpClient({ headers: {}, sleep: async () => undefined }),
      identity: createIdentityResolver(EMPTY_IDENTITY_CONFIG),
      clock: () => T0 + 400 * DAY_MS,
    },
  );
}

describe('OpenMetadata history', () => {
  it('gives every product version a publication at its time, and expert changes between domain versions as champions', async () => {
    const url = await serve();
    const events: { type: string; time: number; person?: string }[] = [];
    const checkpoints: (OpenMetadataCheckpoint | undefined)[] = [];
    const source = history(url);
    for await (const page of source.pages(undefined)) {
      checkpoints.push(page.checkpoint);
      for (const item of page.items)
        if ('outcome' in item)
          for (const e of item.outcome.events)
            events.push({
              type: e.type,
              time: e.time as number,
              ...('personId' in e ? { person: e.personId as string } : {}),
            });
    }
    const person = (id: string) => openMetadataPersonId(id, KEY);
    expect(events).toEqual([
      { type: 'DataProductPublished', time: T0 },
      { type: 'DataProductPublished', time: T0 + 30 * DAY_MS },
      { type: 'DataProductPublished', time: T0 + 10 * DAY_MS },
      { type: 'ChampionGained', time: T0, person: person('u1') },
      { type: 'ChampionGained', time: T0 + 20 * DAY_MS, person: person('u2') },
      { type: 'ChampionLost', time: T0 + 40 * DAY_MS, person: person('u1') },
    ]);
    expect(checkpoints).toEqual([
      { listing: 'dataProducts', after: 'cursor-2' },
      { listing: 'dataProducts', after: null },
      { listing: 'domains', after: null },
    ]);
  });

  it('resumes from a checkpoint, and a dry run counts per type and domain, leaving out what is before --since', async () => {
    const url = await serve();
    const resumed: string[] = [];
    for await (const page of history(url).pages({ listing: 'dataProducts', after: null }))
      for (const item of page.items) resumed.push(item.ref);
    expect(resumed).toEqual([
      'domain payments version 0.1',
      'domain payments version 0.2',
      'domain payments version 0.3',
    ]);

    const report = await runImport({
      source: history(url, T0 + 15 * DAY_MS),
      clock: () => T0 + 400 * DAY_MS,
      maxFutureSkewMs: 0,
    });
    expect(report.counts).toEqual({
      DataProductPublished: { payments: 1 },
      ChampionGained: { payments: 1 },
      ChampionLost: { payments: 1 },
    });
    expect(report.skipped.map((s) => s.ref)).toEqual([
      'dataProduct payments.orders version 0.1',
      'dataProduct payments.refunds version 0.1',
      'domain payments version 0.1',
    ]);
  });
});
