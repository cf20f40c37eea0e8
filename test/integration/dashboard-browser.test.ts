import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@mesh-momentum/common';
import { ensureWebBuild } from '@mesh-momentum/dashboard';
import { generateToken } from '@mesh-momentum/service-kit';
import {
  startDashboardFixture,
  startFixtureAlerter,
  type DashboardFixture,
  type FixtureAlerter,
} from './support/dashboard-fixture.ts';
import { refreshDocsScreenshot } from './support/docs-screenshot.ts';

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
  let alerter: FixtureAlerter | undefined;
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
    await alerter?.stop();
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
    await refreshDocsScreenshot(page);
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
    // Keyboard only: Enter on the team's link. Playwright's press focuses the link and presses in one
    // step, finding it again if a live update re-rendered the list in between (a separate focus() and
    // keyboard.press() could press Enter on a row that was just replaced).
    await team.locator('a').first().press('Enter');
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

  it("shows the alerter's badges on the stalled list, a silence on the scope page and the Alerts view", async () => {
    await page.goto(`${base}/#/stalled`);
    await page.locator('#stalled tbody tr').first().waitFor();
    // No alerter yet: the page says so, and no scope wears a badge.
    await page.locator('#alerting-off').waitFor();
    expect(await page.locator('#stalled [data-alert]').count()).toBe(0);

    alerter = await startFixtureAlerter(f);
    const silence = await alerter.post<{ id: string }>('/api/silences', {
      matchers: ['domain=hr', 'scope_kind=domain'],
      durationMs: 7 * 86_400_000,
      createdBy: 'lead@example.com',
      comment: 'hr reorganises until the spring',
    });
    // The page re-renders on the live update that the dashboard's next refresh sends.
    const hrBadge = page.locator('#stalled tr[data-scope="domain:hr"] [data-alert]');
    await expect.poll(() => hrBadge.getAttribute('data-alert'), { timeout: 30_000 }).toBe('silenced');
    expect(await page.locator('#alerting-off').count()).toBe(0);
    // hr's products are not silenced (the silence matches the domain's alert only): they fire.
    const firing = page.locator('#stalled tr[data-scope^="product:hr/"] [data-alert="firing"]');
    await expect.poll(() => firing.count(), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await page.locator('#stalled tr[data-scope="domain:hr"]').innerText()).toContain(
      'hr reorganises until the spring',
    );
    await page.screenshot({ path: `${SHOTS}stalled-alerts.png`, fullPage: true });

    // Keyboard: from the stalled list to hr's page, which shows the alert and its silence.
    await page.locator('#stalled tr[data-scope="domain:hr"] a').first().focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/domain\/hr/);
    await page.locator('#alert').waitFor();
    expect(await page.locator('#alert').getAttribute('data-state')).toBe('firing');
    const hold = await page.locator('#alert [data-testid="hold"]').innerText();
    expect(hold).toContain('lead@example.com');
    expect(hold).toContain('hr reorganises until the spring');
    expect(await page.locator('#alert [data-testid="evidence"]').getAttribute('href')).toMatch(
      /^\/api\/alerts\//,
    );

    await page.locator('nav a[href="#/alerts"]').click();
    await page.locator('#alerts tbody tr').first().waitFor();
    expect(
      await page.locator('#alerts tr[data-scope="domain:hr"] [data-alert]').getAttribute('data-alert'),
    ).toBe('silenced');
    const row = page.locator(`#silences tr[data-silence="${silence.id}"]`);
    expect(await row.innerText()).toContain('domain=hr, scope_kind=domain');
    await page.screenshot({ path: `${SHOTS}alerts.png`, fullPage: true });
  });

  it('is readable on a phone', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await phone.goto(`${base}/#/`);
    await phone.locator('#domains tr[data-scope="domain:hr"]').waitFor();
    // Nothing wider than the screen outside the scrollable cards.
    const overflow = await phone.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await phone.screenshot({ path: `${SHOTS}phone.png`, fullPage: true });
    for (const view of ['#/teams', '#/team/payments-core', '#/stalled', '#/alerts']) {
      await phone.goto(`${base}/${view}`);
      await phone
        .locator('#teams, #team-products, #stalled, #alerts')
        .first()
        .locator('tbody tr')
        .first()
        .waitFor();
      const wide = await phone.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
      expect(wide, view).toBeLessThanOrEqual(0);
    }
    await phone.screenshot({ path: `${SHOTS}phone-team.png`, fullPage: true });
    await phone.close();
  });
});
