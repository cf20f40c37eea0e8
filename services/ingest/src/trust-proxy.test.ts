import { describe, expect, it } from 'vitest';
import { loadIngestConfig } from './config.ts';
import { buildGateway } from './app.ts';
import { offlineContext } from './app.test-support.ts';

/** The gateway's client address (what its per-sender budgets key on) honours MM_INGEST_TRUST_PROXY only. */
describe('ingest gateway behind a proxy', () => {
  async function clientIp(trustProxy: string, remoteAddress: string): Promise<string> {
    const settings = loadIngestConfig({ MM_INGEST_TRUST_PROXY: trustProxy }).ingest;
    const app = await buildGateway(offlineContext([], { trustProxy: settings.trustProxy }));
    app.get('/test/ip', { config: { auth: 'none' } }, async (request) => request.ip);
    const res = await app.inject({
      url: '/test/ip',
      remoteAddress,
      headers: { 'x-forwarded-for': '203.0.113.7' },
    });
    await app.close();
    return res.body;
  }

  it('takes the client from X-Forwarded-For sent by a trusted proxy', async () => {
    expect(await clientIp('10.0.0.0/8', '10.0.0.5')).toBe('203.0.113.7');
  });

  it('ignores X-Forwarded-For from any other peer, and by default', async () => {
    expect(await clientIp('10.0.0.0/8', '192.0.2.9')).toBe('192.0.2.9');
    expect(await clientIp('', '10.0.0.5')).toBe('10.0.0.5');
  });
});
