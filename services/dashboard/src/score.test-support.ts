import { scoreFromFields, type ScoreField, type StoredScore } from '@mesh-momentum/store';

/** A score hash as the processor writes it (a grinding scope with one event), with `fields` overridden. */
export function storedScore(fields: Partial<Record<ScoreField, string>> = {}): StoredScore {
  return scoreFromFields({
    asOfMs: '1764547200000',
    momentum: '50',
    value: '20',
    momentumRaw: '10',
    valueRaw: '10',
    momentumTrend7: '0',
    momentumTrend30: '0',
    valueTrend7: '0',
    valueTrend30: '0',
    quadrant: 'grind',
    stalled: '0',
    stallReason: '',
    lastPositiveEventMs: '',
    lastEventMs: '',
    eventCount: '1',
    counts: '{}',
    standing: '{"champions":0,"sponsors":0,"executiveSponsors":0,"consumers":0}',
    ...fields,
  }) as StoredScore;
}
