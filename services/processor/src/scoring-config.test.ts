import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@mesh-momentum/common';
import { loadScoringConfig } from './scoring-config.ts';

function configFile(content: object): string {
  const file = join(mkdtempSync(join(tmpdir(), 'mm-scoring-')), 'scoring.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
}

describe('loadScoringConfig', () => {
  it('accepts half-lives that can score the whole accepted history', () => {
    const config = loadScoringConfig(configFile({ momentum: { halfLifeDays: 10 } }));
    expect(config.momentum.halfLifeDays).toBe(10);
  });

  it('refuses half-lives too short to score events since 2000, naming the fields', () => {
    const file = configFile({ momentum: { halfLifeDays: 2 } });
    expect(() => loadScoringConfig(file)).toThrow(ConfigError);
    expect(() => loadScoringConfig(file)).toThrow(/momentum\.halfLifeDays.*must cover 2000-01-01/);
  });
});
