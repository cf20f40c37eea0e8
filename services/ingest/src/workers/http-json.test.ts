import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, PollResponseRefusedError, redirectTarget } from './http-json.ts';

/** A tool on loopback that records the headers each path was asked with. */
async function tool(
  route: (
    path: string,
    send: (status: number, headers: Record<string, string>, body?: string) => void,
  ) => void,
) {
  const seen = new Map<string, IncomingHttpHeaders>();
  const server: Server = createServer((request, response) => {
    const path = request.url ?? '/';
    seen.set(path, request.headers);
    route(path, (status, headers, body) => response.writeHead(status, headers).end(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { seen, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('getJson: the pollers’ HTTP client', () => {
  let other: Awaited<ReturnType<typeof tool>>;
  let home: Awaited<ReturnType<typeof tool>>;

  beforeAll(async () => {
    // Another origin (another port): where a redirect must not carry the API key.
    other = await tool((_path, send) =>
      send(200, { 'content-type': 'application/json' }, '{"from":"other"}'),
    );
    home = await tool((path, send) => {
      if (path === '/moved') return send(302, { location: '/api/events' });
      if (path === '/away') return send(307, { location: `${other.url}/api/events` });
      if (path === '/big')
        return send(200, { 'content-type': 'application/json' }, JSON.stringify('x'.repeat(2_000)));
      return send(200, { 'content-type': 'application/json' }, '{"from":"home"}');
    });
  });
  afterAll(() => {
    home.server.close();
    other.server.close();
  });

  it('follows a redirect within the origin with the credentials', async () => {
    expect(await getJson(`${home.url}/moved`, { 'x-api-key': 'dmm-key' })).toEqual({ from: 'home' });
    expect(home.seen.get('/api/events')?.['x-api-key']).toBe('dmm-key');
  });

  it('never sends the credentials to another origin a redirect names', async () => {
    expect(await getJson(`${home.url}/away`, { 'x-api-key': 'dmm-key' })).toEqual({ from: 'other' });
    expect(home.seen.get('/away')?.['x-api-key']).toBe('dmm-key');
    expect(other.seen.get('/api/events')?.['x-api-key']).toBeUndefined();
  });

  it('refuses a redirect from https to http, and tells origins apart', () => {
    expect(() =>
      redirectTarget('https://api.entropy-data.com/api/events', 'http://api.entropy-data.com/x'),
    ).toThrow(PollResponseRefusedError);
    expect(redirectTarget('https://api.example/a', '/b')).toEqual({
      url: 'https://api.example/b',
      sameOrigin: true,
    });
    expect(redirectTarget('https://api.example/a', 'https://evil.example/b').sameOrigin).toBe(false);
    expect(redirectTarget('http://api.example/a', 'https://api.example/b').sameOrigin).toBe(false);
  });

  it('refuses an answer larger than its limit, naming the limit', async () => {
    await expect(getJson(`${home.url}/big`, {}, { maxBytes: 1_000 })).rejects.toThrow(
      /answer larger than 1000 bytes \(POLL_RESPONSE_MAX_BYTES\); not read/,
    );
    expect(await getJson(`${home.url}/big`, {}, { maxBytes: 4_000 })).toHaveLength(2_000);
  });
});
