import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordedDigest, SCREENSHOT, webSourcesDigest } from '../integration/support/docs-screenshot.ts';
import { ROOT } from './docs-markdown.ts';

describe("the README's picture", () => {
  it('was taken from the web UI as it is (else: run test/integration/dashboard-browser.test.ts and commit the image)', () => {
    expect(recordedDigest()).toBe(webSourcesDigest());
  });

  it('is a small PNG', () => {
    expect(statSync(join(ROOT, SCREENSHOT)).size).toBeLessThan(200_000);
  });
});
