import { readFileSync } from 'node:fs';
import { ConfigError } from '@mesh-momentum/common';
import {
  DEFAULT_SCORING_CONFIG,
  parseScoringConfig,
  ScoringConfigError,
  type ScoringConfig,
} from '@mesh-momentum/scoring';

/**
 * The scoring config every service reads (MM_SCORING_CONFIG_FILE, or the documented defaults): the
 * JSON file validated by packages/scoring (unknown keys refused), errors naming the file and each
 * field. The processor checks on top that it can represent the accepted event times; readers (the
 * dashboard's history and forecasts) take what the processor accepted.
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
