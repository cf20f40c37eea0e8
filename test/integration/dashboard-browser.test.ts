import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@mesh-momentum/common';
import { ensureWebBuild } from '@mesh-momentum/dashboard';
import { generateToken } from '@mesh-momentum/service-kit';
import { startDashboardFixture, type DashboardFixture } from './support/dashboard-fixture.ts';

/**
 * What a person sees, in Debian's Chromium (scripts/test.sh installs it; no browser download) driven by
 * playwright-core, against the dashboard over the demo programme applied by the real processor.
 * Screenshots go to .test-results/screenshots (git-ignored).
 */
const CHROMIUM = process.env['MM_TEST_CHROMIUM'] ?? '/usr/bin/chromium';
const SHOTS = fileURLToPath(new URL('../../.test-results/screenshots/', import.meta.url));
const WEB = fileURLToPath(new URL('../../services/dashboard/web', import.meta.url));

describe('dashboard in a real browser', () => {
  let f: DashboardFixture;
  let browser: Browser;
  let page: Page;
  let base: string;
  const admin = generateToken('lead');

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`no Chromium at ${CHROMIUM}: scripts/test.sh installs it (apt-get install chromium)`);
    }
    mkdirSync(SHOTS, { recursive: true });
    const webRoot = await ensureWebBuild(WEB, createLogger({ name: 'test', level: 'warn' }), {
      force: true,
    });
    expect(webRoot, 'the web UI builds').toBeDefined();
    f = await startDashboardFixture('dashboard-browser', {
      ...(webRoot ? { webRoot } : {}),
      env: { MM_DASHBOARD_ADMIN_TOKENS: `lead=${admin.hash}` },
    });
    await f.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(f.app.server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await f?.close();
  });

  const row = (domain: string) => page.locator(`#domains tr[data-scope="domain:${domain}"]`);

  it('shows the four demo domains in their quadrants and flags the stalling one', async () => {
    await page.goto(`${base}/#/`);
    await row('payments').waitFor();
    expect(await row('payments').getAttribute('data-quadrant')).toBe('thriving');
    expect(await row('marketing').getAttribute('data-quadrant')).toBe('hype');
    expect(await row('hr').getAttribute('data-stalled')).toBe('true');
    await expect.poll(() => row('hr').innerText()).toContain('stalled');
    expect(await row('payments').getAttribute('data-stalled')).toBe('false');
    await expect.poll(() => page.locator('#live').innerText()).toBe('live');
    await page.locator('#quadrant canvas').waitFor();
    await page.screenshot({ path: `${SHOTS}overview.png`, fullPage: true });
  });

  it('shows a new event live, without a reload', async () => {
    // A marker on the window: a reload would drop it. (Strings: the test's tsconfig has no DOM types.)
    await page.evaluate('window.notReloaded = true');
    const before = Number(await row('payments').locator('[data-testid="events"]').innerText());
    await f.pipeline.produce([
      {
        id: `browser-live-${Date.now()}`,
        source: 'urn:meshmomentum:test',
        type: 'ChampionGained',
        time: Date.now(),
        subject: 'p-browser',
        domain: 'payments',
        personId: 'p-browser',
        role: 'champion',
      },
    ]);
    await expect
      .poll(async () => Number(await row('payments').locator('[data-testid="events"]').innerText()), {
        timeout: 10_000,
      })
      .toBe(before + 1);
    expect(await page.evaluate('window.notReloaded')).toBe(true);
  });

  it('answers "why did it drop?" on the stalled domain with the events that moved it', async () => {
    await page.goto(`${base}/#/domain/hr`);
    await page.locator('#why-h').waitFor();
    expect(await page.locator('#why-h').innerText()).toBe('Why did momentum drop?');
    const events = page.locator('table.movers[data-metric="momentum"] tbody tr');
    expect(await events.count()).toBeGreaterThan(3);
    await page.locator('#chart canvas').waitFor();
    await page.screenshot({ path: `${SHOTS}hr-why.png`, fullPage: true });
  });

  it('refuses a target without the admin token, and shows one set with it as off track', async () => {
    await page.locator('#target-form select[name="metric"]').selectOption('momentum');
    await page.locator('#target-form input[name="level"]').fill('85');
    await page.locator('#target-form button').click();
    await expect.poll(() => page.locator('#target-msg').innerText()).toContain('admin token');
    expect(await page.locator('#targets tr[data-metric="momentum"]').count()).toBe(0);
    await page.locator('#target-form input[name="token"]').fill(admin.token);
    await page.locator('#target-form button').click();
    const target = page.locator('#targets tr[data-metric="momentum"]');
    await target.waitFor();
    expect(await target.innerText()).toContain('off-track');
    await page.screenshot({ path: `${SHOTS}hr-target.png`, fullPage: true });
  });

  it('lists the owner teams and opens a team with its products, by keyboard', async () => {
    await page.goto(`${base}/#/`);
    await page.locator('nav a[href="#/teams"]').click();
    const team = page.locator('#teams tr[data-team="payments-core"]');
    await team.waitFor();
    const products = Number(await team.getAttribute('data-products'));
    expect(products).toBeGreaterThan(1);
    await page.screenshot({ path: `${SHOTS}teams.png`, fullPage: true });
    // Keyboard only: focus the team's link, Enter.
    await team.locator('a').first().focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/team\/payments-core/);
    const rows = page.locator('#team-products tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(products);
    for (const owner of await page.locator('#team-products [data-testid="owner-team"]').allInnerTexts()) {
      expect(owner).toBe('payments-core');
    }
    expect(await page.locator('h1').innerText()).toContain('payments-core');
    await page.locator('#chart canvas').waitFor();
    await page.screenshot({ path: `${SHOTS}team.png`, fullPage: true });
    // A product row shows its owner team on the products list too, linked to the team.
    await page.goto(`${base}/#/products?domain=payments`);
    await page.locator('#products tbody tr').first().waitFor();
    const owners = await page.locator('#products [data-testid="owner-team"] a').allInnerTexts();
    expect(owners.length).toBeGreaterThan(0);
    expect(owners.every((o) => o.startsWith('payments-') || o === 'merchant-platform')).toBe(true);
  });

  it('is readable on a phone', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await phone.goto(`${base}/#/`);
    await phone.locator('#domains tr[data-scope="domain:hr"]').waitFor();
    // Nothing wider than the screen outside the scrollable cards.
    const overflow = await phone.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await phone.screenshot({ path: `${SHOTS}phone.png`, fullPage: true });
    for (const view of ['#/teams', '#/team/payments-core']) {
      await phone.goto(`${base}/${view}`);
      await phone.locator('#teams, #team-products').first().locator('tbody tr').first().waitFor();
      const wide = await phone.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
      expect(wide, view).toBeLessThanOrEqual(0);
    }
    await phone.screenshot({ path: `${SHOTS}phone-team.png`, fullPage: true });
    await phone.close();
  });
});
