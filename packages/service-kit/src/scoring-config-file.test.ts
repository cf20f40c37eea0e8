import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '@mesh-momentum/common';
import { DEFAULT_SCORING_CONFIG } from '@mesh-momentum/scoring';
import { loadScoringConfigFile } from './scoring-config-file.ts';

describe('the scoring config the dashboard reads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mm-dashboard-scoring-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is the defaults without a file, and the file over the defaults with one', () => {
    expect(loadScoringConfigFile(undefined)).toBe(DEFAULT_SCORING_CONFIG);
    const file = join(dir, 'ok.json');
    writeFileSync(file, JSON.stringify({ momentum: { halfLifeDays: 21 } }));
    const config = loadScoringConfigFile(file);
    expect(config.momentum.halfLifeDays).toBe(21);
    expect(config.value).toEqual(DEFAULT_SCORING_CONFIG.value);
  });

  it('names the file and the field of a bad value, and an unreadable file', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ momentum: { halfLifeDayz: 21 } }));
    expect(() => loadScoringConfigFile(file)).toThrow(ConfigError);
    expect(() => loadScoringConfigFile(file)).toThrow(/bad\.json: momentum\.halfLifeDayz/);
    expect(() => loadScoringConfigFile(join(dir, 'missing.json'))).toThrow(/MM_SCORING_CONFIG_FILE/);
  });
});
