import { readFileSync } from 'node:fs';
import { ConfigError } from '@mesh-momentum/common';
import {
  DEFAULT_SCORING_CONFIG,
  parseScoringConfig,
  ScoringConfigError,
  type ScoringConfig,
} from '@mesh-momentum/scoring';

/**
 * The processor's scoring config (MM_SCORING_CONFIG_FILE, or the defaults): history and forecasts
 * use its half-lives, K and anchor epoch. Read here with packages/scoring rather than imported from
 * the processor, whose package loads the write engine, Kafka and the Lua scripts: a reader depends on
 * the key contract only. The processor refuses a config that cannot represent its event times; the
 * dashboard reads what the processor accepted.
 */
export function loadScoringConfigFile(file: string | undefined): ScoringConfig {
  if (file === undefined) return DEFAULT_SCORING_CONFIG;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError([
      { field: 'MM_SCORING_CONFIG_FILE', reason: `cannot read ${file}: ${(error as Error).message}` },
    ]);
  }
  try {
    return parseScoringConfig(parsed);
  } catch (error) {
    if (error instanceof ScoringConfigError) {
      throw new ConfigError(error.issues.map((i) => ({ field: `${file}: ${i.field}`, reason: i.reason })));
    }
    throw error;
  }
}
