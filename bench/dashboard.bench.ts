import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { chromium } from 'playwright-core';
import { createLogger } from '@mesh-momentum/common';
import {
  DashboardService,
  ensureWebBuild,
  loadDashboardConfig,
  renderScoreMetrics,
} from '@mesh-momentum/dashboard';
import { DEFAULT_SCORING_CONFIG, type ScoringEvent } from '@mesh-momentum/scoring';
import { INITIAL_NAMESPACE, keys, type KeySpace } from '@mesh-momentum/store';
import { ScoreStore, type BatchEvent } from '@mesh-momentum/store-writer';
import {
  benchConfig,
  benchEnv,
  deletePrefix,
  fmtInt,
  fmtNum,
  newStamp,
  numberArg,
  percentile,
  printTable,
  sleep,
} from './support/common.ts';
import { recordBenchmark } from './record.ts';

/**
 * The dashboard's figures (issue 12), on a mesh of --domains domains × --products-per-domain products
 * (default 50 × 200 = 10k products) written into Redis by the real write engine (ScoreStore, what the
 * processor uses) over a year of synthetic events:
 * - overview API p99, and with If-None-Match (304), over HTTP on loopback;
 * - a products page (100 of 10k, sorted) p99, likewise;
 * - one domain's 365-day history p99;
 * - first meaningful paint of the overview in Debian's Chromium (the domains table drawn);
 * - the Prometheus scrape of every scope (/metrics/scores): render after a change, and scrape p99;
 * - a changed score on screen: from the write engine's batch returning to the new count in the page.
 *
 *   pnpm bench:dashboard
 *   pnpm bench:dashboard -- --domains 50 --products-per-domain 200 --requests 2000
 */
const DOMAINS = numberArg('domains', 'BENCH_DOMAINS', 50);
const PER_DOMAIN = numberArg('products-per-domain', 'BENCH_PRODUCTS_PER_DOMAIN', 200);
const REQUESTS = numberArg('requests', 'BENCH_REQUESTS', 2000);
const CHROMIUM = process.env['MM_TEST_CHROMIUM'] ?? '/usr/bin/chromium';
const DAY = 86_400_000;

/** A product published, onboarded twice and used monthly; each domain also wins champions. */
function synthesise(nowMs: number): ScoringEvent[] {
  const events: ScoringEvent[] = [];
  let n = 0;
  const at = (daysAgo: number) => nowMs - daysAgo * DAY - (n % 1000) * 1000;
  const base = (domain: string) => ({ id: `e${n++}`, source: 'urn:bench', domain });
  for (let d = 0; d < DOMAINS; d++) {
    const domain = `domain-${d}`;
    for (let c = 0; c < 30; c++) {
      events.push({
        ...base(domain),
        type: 'ChampionGained',
        timeMs: at((c * 12 + d) % 360),
        personId: `p${c}`,
        role: 'champion',
      });
    }
    for (let p = 0; p < PER_DOMAIN; p++) {
      const productId = `${domain}.product-${p}`;
      const start = (p * 7 + d) % 360;
      events.push({
        ...base(domain),
        type: 'DataProductPublished',
        timeMs: at(start),
        productId,
        tier: 'standard',
        ownerTeam: `${domain}-team-${p % 4}`,
      });
      for (const [i, lag] of [10, 40].entries()) {
        if (start - lag < 0) continue;
        events.push({
          ...base(domain),
          type: 'ConsumerOnboarded',
          timeMs: at(start - lag),
          productId,
          consumerTeam: `t${i}`,
        });
      }
    }
  }
  return events.sort((a, b) => a.timeMs - b.timeMs);
}

function byDomain(events: readonly ScoringEvent[], firstOffset: number): Map<string, BatchEvent[]> {
  const result = new Map<string, BatchEvent[]>();
  events.forEach((event, i) => {
    const list = result.get(event.domain) ?? [];
    list.push({
      offset: String(firstOffset + i),
      recordTimeMs: Date.now(),
      dedupKey: `${event.source}|${event.id}`,
      event,
    });
    result.set(event.domain, list);
  });
  return result;
}

async function timeRequests(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ p50: number; p99: number; status: number }> {
  const times: number[] = [];
  let status = 0;
  for (let i = 0; i < REQUESTS; i++) {
    const t0 = performance.now();
    const res = await fetch(url, { headers });
    await res.arrayBuffer();
    times.push(performance.now() - t0);
    status = res.status;
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), status };
}

async function main(): Promise<void> {
  const config = benchConfig(benchEnv('dashboard', newStamp()));
  const logger = createLogger({ name: 'bench', level: 'warn' });
  const redis = new Redis(config.redis.url);
  const ks: KeySpace = { prefix: config.redis.keyPrefix, namespace: INITIAL_NAMESPACE };
  await redis.set(keys.namespacePointer(ks.prefix), ks.namespace);
  const service = new DashboardService({
    redis,
    keyPrefix: ks.prefix,
    scoring: DEFAULT_SCORING_CONFIG,
    config: loadDashboardConfig({ MM_DASHBOARD_HTTP_PORT: '0', MM_DASHBOARD_DEBOUNCE_MS: '20' }).dashboard,
    logger,
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const nowMs = Date.now();
    const events = synthesise(nowMs);
    console.log(
      `writing ${fmtInt(events.length)} events (${DOMAINS} domains, ${fmtInt(DOMAINS * PER_DOMAIN)} products) with the write engine…`,
    );
    const store = new ScoreStore(redis, ks, DEFAULT_SCORING_CONFIG);
    const epoch = await store.takeEpoch('bench', 0);
    const t0 = performance.now();
    const BATCH = 5_000;
    for (let from = 0; from < events.length; from += BATCH) {
      await store.applyPartitionBatch({
        topic: 'bench',
        partition: 0,
        epoch,
        asOfMs: nowMs,
        byDomain: byDomain(events.slice(from, from + BATCH), from),
      });
    }
    await store.refreshMesh(nowMs);
    console.log(`  written in ${fmtNum((performance.now() - t0) / 1000, 1)} s`);

    const webRoot = await ensureWebBuild(
      fileURLToPath(new URL('../services/dashboard/web', import.meta.url)),
      logger,
    );
    const withWeb = new DashboardService({
      redis,
      keyPrefix: ks.prefix,
      scoring: DEFAULT_SCORING_CONFIG,
      config: loadDashboardConfig({
        MM_DASHBOARD_HTTP_PORT: '0',
        MM_DASHBOARD_DEBOUNCE_MS: '20',
        MM_DASHBOARD_METRICS_PRODUCTS: String(DOMAINS * PER_DOMAIN),
      }).dashboard,
      logger,
      ...(webRoot ? { webRoot } : {}),
    });
    const t1 = performance.now();
    const app = await withWeb.start();
    console.log(
      `  first snapshot read in ${fmtNum(performance.now() - t1, 0)} ms (${fmtInt(withWeb.cache.current.products.length)} products)`,
    );
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

    const rows: string[][] = [];
    const measure = async (label: string, path: string, goalMs: number) => {
      const first = await fetch(`${base}${path}`);
      const etag = first.headers.get('etag') ?? '';
      await first.arrayBuffer();
      const plain = await timeRequests(`${base}${path}`);
      const tagged = await timeRequests(`${base}${path}`, { 'if-none-match': etag });
      rows.push([
        label,
        fmtNum(plain.p50, 2),
        fmtNum(plain.p99, 2),
        `≤ ${goalMs}`,
        fmtNum(tagged.p99, 2),
        String(tagged.status),
      ]);
    };
    await measure('overview', '/api/overview', 20);
    await measure('products page (100 of 10k)', '/api/scopes?kind=product&limit=100&sort=momentum', 20);
    await measure('domain history, 365 days', '/api/domains/domain-7/history?days=365', 10);
    await measure('domain detail (history+forecast)', '/api/domains/domain-7', 50);
    console.log('');
    printTable(['request', 'p50 ms', 'p99 ms', 'goal', 'p99 with ETag', 'status'], rows);

    // The Prometheus scrape of every scope: rendered once per snapshot generation (a scrape right after
    // a change), then served from memory (every other scrape).
    const renders: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      renderScoreMetrics(withWeb.cache.current, { maxProducts: DOMAINS * PER_DOMAIN });
      renders.push(performance.now() - t);
    }
    renders.sort((a, b) => a - b);
    const scrapeBody = await (await fetch(`${base}/metrics/scores`)).text();
    const scrapes = await timeRequests(`${base}/metrics/scores`);
    console.log(
      `\nscores for Prometheus (/metrics/scores, ${fmtInt(DOMAINS * PER_DOMAIN)} products, ${fmtInt(scrapeBody.split('\n').length)} lines, ${fmtInt(scrapeBody.length)} B): render after a change median ${fmtNum(percentile(renders, 50), 0)} ms, max ${fmtNum(renders.at(-1) ?? NaN, 0)} ms; scrape p50 ${fmtNum(scrapes.p50, 1)} ms, p99 ${fmtNum(scrapes.p99, 1)} ms`,
    );

    // First meaningful paint: a fresh page per load (a same-URL goto would only change the hash), from
    // its navigation start to the frame after the domains table is in the DOM.
    const paints: number[] = [];
    for (let i = 0; i < 5; i++) {
      const fresh = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await fresh.goto(`${base}/#/`, { waitUntil: 'commit' });
      await fresh.locator('#domains tbody tr').first().waitFor();
      paints.push(
        await fresh.evaluate<number>('new Promise((r) => requestAnimationFrame(() => r(performance.now())))'),
      );
      await fresh.close();
    }
    paints.sort((a, b) => a - b);
    console.log(
      `\nfirst meaningful paint (domains table on screen), 5 fresh loads: median ${fmtNum(percentile(paints, 50), 0)} ms, max ${fmtNum(paints.at(-1) ?? NaN, 0)} ms (goal < 1000)`,
    );
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });

    // A changed score on screen: one event applied by the write engine → the count in the page.
    await page.goto(`${base}/#/`);
    await page.locator('#live.on').waitFor();
    const lags: number[] = [];
    for (let i = 0; i < 10; i++) {
      const cell = page.locator('#domains tr[data-scope="domain:domain-3"] [data-testid="events"]');
      const before = Number(await cell.innerText());
      const event: ScoringEvent = {
        id: `live-${i}`,
        source: 'urn:bench',
        domain: 'domain-3',
        type: 'ChampionGained',
        timeMs: Date.now(),
        personId: `live-${i}`,
        role: 'champion',
      };
      await store.applyPartitionBatch({
        topic: 'bench',
        partition: 0,
        epoch,
        asOfMs: Date.now(),
        byDomain: byDomain([event], events.length + i),
      });
      const written = performance.now();
      await page.waitForFunction(
        `Number(document.querySelector('#domains tr[data-scope="domain:domain-3"] [data-testid="events"]')?.textContent) === ${before + 1}`,
        undefined,
        { polling: 'raf', timeout: 5_000 },
      );
      lags.push(performance.now() - written);
      await sleep(300);
    }
    lags.sort((a, b) => a - b);
    console.log(
      `changed score on screen after the write: median ${fmtNum(percentile(lags, 50), 0)} ms, max ${fmtNum(lags.at(-1) ?? NaN, 0)} ms over 10 (goal < 1000)`,
    );
    await withWeb.stop();
  } finally {
    await browser.close();
    await service.stop();
    await deletePrefix(redis, ks.prefix);
    redis.disconnect();
  }
}

main()
  .then(() => recordBenchmark(import.meta.url))
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
