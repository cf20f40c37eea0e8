import { describe, expect, it } from 'vitest';
import { createLogger } from '@mesh-momentum/common';
import { IngestMetrics } from '../metrics.ts';
import { reportBackstageRound } from './start.ts';

const logger = createLogger({ name: 'test', level: 'silent' });
const gauge = async (metrics: IngestMetrics) => (await metrics.backstageHeld.get()).values[0]?.value;

describe('reportBackstageRound', () => {
  it('shows the retirements a held round holds back in the gauge, and 0 once a round goes ahead', async () => {
    const metrics = new IngestMetrics();
    reportBackstageRound(
      {
        entities: 0,
        sent: 0,
        baseline: false,
        held: {
          source: 'https://backstage.example',
          since: '2026-12-01T00:00:00.000Z',
          lastSeen: '2026-12-01T00:00:00.000Z',
          knownProducts: 4,
          retiring: ['a', 'b', 'c'],
          share: 0.75,
          maxShare: 0.5,
        },
      },
      metrics,
      logger,
    );
    expect(await gauge(metrics)).toBe(3);
    reportBackstageRound({ entities: 6, sent: 0, baseline: false }, metrics, logger);
    expect(await gauge(metrics)).toBe(0);
  });
});
