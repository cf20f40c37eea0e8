import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ImportSourceError } from './errors.ts';
import { RateLimitedHttpClient, type Wait } from './http-client.ts';

type Answer = { status: number; headers?: Record<string, string>; body?: unknown };

let server: Server | undefined;
afterEach(() => void server?.close());

/** A server giving `answers` in turn (the last one again once they run out). */
async function serve(answers: Answer[]): Promise<string> {
  let i = 0;
  server = createServer((_request, response) => {
    const a = answers[Math.min(i++, answers.length - 1)] as Answer;
    response.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
    response.end(JSON.stringify(a.body ?? {}));
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
}

const NOW_MS = Date.UTC(2026, 11, 6, 12);

function client(waits: Wait[]): RateLimitedHttpClient {
  return new RateLimitedHttpClient({
    headers: {},
    clock: () => NOW_MS,
    sleep: async () => undefined,
    onWait: (w) => waits.push(w),
  });
}

describe('RateLimitedHttpClient', () => {
  it('after an answer spending the last request, waits for x-ratelimit-reset before the next one', async () => {
    const resetS = NOW_MS / 1_000 + 30;
    const url = await serve([
      {
        status: 200,
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(resetS) },
        body: [1],
      },
      { status: 200, body: [2] },
    ]);
    const waits: Wait[] = [];
    const http = client(waits);
    expect((await http.getJson(url)).body).toEqual([1]);
    expect(waits).toEqual([]);
    expect((await http.getJson(url)).body).toEqual([2]);
    expect(waits).toEqual([{ reason: 'rate-limit', ms: 31_000 }]);
  });

  it('doubles the wait of a secondary limit while it persists', async () => {
    const limited = { status: 403, body: { message: 'You have exceeded a secondary rate limit' } };
    const url = await serve([limited, limited, limited, { status: 200, body: [] }]);
    const waits: Wait[] = [];
    await client(waits).getJson(url);
    expect(waits.map((w) => w.ms)).toEqual([60_000, 120_000, 240_000]);
  });

  it('ends with a non-retriable ImportSourceError on a refusal that is not a rate limit', async () => {
    const url = await serve([{ status: 403, body: { message: 'Resource not accessible by integration' } }]);
    const waits: Wait[] = [];
    const error = await client(waits)
      .getJson(url)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportSourceError);
    expect(error).toMatchObject({ status: 403, retriable: false, code: 'MM_ERR_IMPORT_SOURCE_FAILED' });
    expect(waits).toEqual([]);
  });

  it('gives up on a limit that never lifts, retriable', async () => {
    const url = await serve([{ status: 429, headers: { 'retry-after': '5' } }]);
    const waits: Wait[] = [];
    const error = await client(waits)
      .getJson(url)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 429, retriable: true });
    expect(waits).toHaveLength(8);
  });
});

describe('RateLimitedHttpClient and redirects', () => {
  // The redirect rules themselves (https to http refused) are workers/http-json.test.ts's.
  it("never sends the tool's token to another origin a redirect names", async () => {
    const seen: (string | undefined)[] = [];
    const other = createServer((request, response) => {
      seen.push(request.headers.authorization);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('[]');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    // 127.0.0.1 and localhost are two origins.
    const elsewhere = `http://localhost:${(other.address() as AddressInfo).port}/y`;
    try {
      const url = await serve([{ status: 302, headers: { location: elsewhere } }]);
      const http = new RateLimitedHttpClient({ headers: { authorization: 'Bearer secret-token' } });
      expect((await http.getJson(url)).body).toEqual([]);
      expect(seen).toEqual([undefined]);
    } finally {
      other.close();
    }
  });
});
