import { ConfigError } from '@mesh-momentum/common';
import { EARLIEST_EVENT_TIME_MS } from '@mesh-momentum/events';
import { DEFAULT_SCORING_CONFIG, type ScoringConfig } from '@mesh-momentum/scoring';
import { loadScoringConfigFile } from '@mesh-momentum/service-kit';
import { representableRangeOf } from './event-time-range.ts';

/**
 * The scoring config (service-kit `loadScoringConfigFile`), refused when it cannot represent the
 * accepted event times.
 */
export function loadScoringConfig(file: string | undefined): ScoringConfig {
  if (file === undefined) return DEFAULT_SCORING_CONFIG;
  const config = loadScoringConfigFile(file);
  checkRepresentableRange(config, file);
  return config;
}

/** How far ahead of today a scoring config must still represent event times, ms (about 5 years). */
const FUTURE_REACH_MS = 5 * 365 * 86_400_000;

/**
 * Short half-lives or a distant anchor epoch shrink the times anchored decay can represent. A config that
 * cannot score the whole accepted history (from EARLIEST_EVENT_TIME_MS) and the next years is refused at
 * start-up rather than dead-lettering good events later.
 */
function checkRepresentableRange(config: ScoringConfig, file: string, nowMs = Date.now()): void {
  const range = representableRangeOf(config);
  if (range.minMs <= EARLIEST_EVENT_TIME_MS && range.maxMs >= nowMs + FUTURE_REACH_MS) return;
  throw new ConfigError([
    {
      field: `${file}: anchorEpochMs, momentum.halfLifeDays, value.halfLifeDays`,
      reason:
        `event times from ${new Date(range.minMs).toISOString()} to ${new Date(range.maxMs).toISOString()} ` +
        `can be scored; they must cover ${new Date(EARLIEST_EVENT_TIME_MS).toISOString()} to five years from now ` +
        '(a longer shortest half-life, or an anchor epoch nearer today)',
    },
  ]);
}
