import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  GENERATED_FILE,
  enumConstantName,
  renderEventTypes,
} from '../../../../scripts/generate-event-types.ts';
import { CATALOGUE } from '../catalogue.ts';
import { CHAMPION_ROLES, EVENT_TYPES, INCIDENT_SEVERITIES, SUBJECT_FIELDS } from './event-types.ts';

describe('generated event types', () => {
  it('match the schemas (run `pnpm schemas:types` after changing a schema)', async () => {
    expect(readFileSync(GENERATED_FILE, 'utf8')).toBe(await renderEventTypes());
  });

  it('list every catalogue type', () => {
    expect([...EVENT_TYPES].sort()).toEqual([...CATALOGUE.keys()].sort());
    expect(Object.keys(SUBJECT_FIELDS).sort()).toEqual([...CATALOGUE.keys()].sort());
  });

  it('name enum constants in plural screaming snake case', () => {
    expect(enumConstantName('ChampionRole')).toBe('CHAMPION_ROLES');
    expect(enumConstantName('IncidentSeverity')).toBe('INCIDENT_SEVERITIES');
    expect(enumConstantName('DataProductTier')).toBe('DATA_PRODUCT_TIERS');
    expect(enumConstantName('EngagementKind')).toBe('ENGAGEMENT_KINDS');
    expect(CHAMPION_ROLES).toEqual(['champion', 'sponsor', 'executive_sponsor']);
    expect(INCIDENT_SEVERITIES).toEqual(['low', 'medium', 'high', 'critical']);
  });
});
