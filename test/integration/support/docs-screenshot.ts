import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT as REPO_ROOT } from '../../unit/docs-markdown.ts';

/**
 * The README's picture (docs/images/dashboard-overview.png) is the browser test's overview of the demo
 * programme. It is taken again only when the web UI's sources changed, so the committed image changes
 * with the UI and not with every run; the sources' digest it was taken from is kept beside it, and
 * test/unit/docs-screenshot.test.ts fails while the two disagree.
 */

export const SCREENSHOT = 'docs/images/dashboard-overview.png';
export const SCREENSHOT_DIGEST = 'docs/images/dashboard-overview.sha256';
const WEB_SOURCES = ['services/dashboard/web/index.html', 'services/dashboard/web/src'];

function filesUnder(path: string): string[] {
  const full = join(REPO_ROOT, path);
  try {
    return readdirSync(full, { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile())
      .map((e) => relative(REPO_ROOT, join(e.parentPath, e.name)));
  } catch {
    return [path];
  }
}

/** SHA-256 over the web UI's source files, names and contents, in a stable order. */
export function webSourcesDigest(): string {
  const hash = createHash('sha256');
  for (const file of WEB_SOURCES.flatMap(filesUnder).sort()) {
    hash.update(`${file}\n`);
    hash.update(readFileSync(join(REPO_ROOT, file)));
  }
  return hash.digest('hex');
}

export const recordedDigest = (): string => readFileSync(join(REPO_ROOT, SCREENSHOT_DIGEST), 'utf8').trim();

/** Retakes the picture (the page's first screen, 1280 × 900) when the UI changed since the last one. */
export async function refreshDocsScreenshot(page: Page): Promise<boolean> {
  const digest = webSourcesDigest();
  if (digest === recordedDigest()) return false;
  await page.screenshot({ path: join(REPO_ROOT, SCREENSHOT), fullPage: false });
  writeFileSync(join(REPO_ROOT, SCREENSHOT_DIGEST), `${digest}\n`);
  return true;
}
