import { describe, expect, it } from 'vitest';
import { ConfigError } from '@mesh-momentum/common';
import { loadDashboardConfig } from './config.ts';

describe('dashboard config', () => {
  it('has documented defaults', () => {
    expect(loadDashboardConfig({}).dashboard).toEqual({
      httpHost: '127.0.0.1',
      httpPort: 8090,
      refreshMs: 5000,
      debounceMs: 100,
      answerCache: { maxEntries: 1000, maxBytes: 67_108_864 },
      sse: { maxClients: 1000, highWaterBytes: 1_048_576, heartbeatMs: 15_000 },
    });
  });

  it('names every bad or unknown variable under its prefix, and leaves other services’ alone', () => {
    try {
      loadDashboardConfig({
        MM_DASHBOARD_HTTP_PORT: '70000',
        MM_DASHBOARD_REFRESH: '1',
        MM_PROCESSOR_X: '1',
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues.map((i) => i.field).sort()).toEqual([
        'MM_DASHBOARD_HTTP_PORT',
        'MM_DASHBOARD_REFRESH',
      ]);
    }
  });
});
