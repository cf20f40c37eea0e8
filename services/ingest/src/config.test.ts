import { describe, expect, it } from 'vitest';
import { checkSettingsForFile, defaultIngestSettings, loadIngestConfig } from './config.ts';
import { EMPTY_GATEWAY_FILE } from './gateway-file.ts';

const KEY = '0123456789abcdef0123456789abcdef';
const openmetadata = { source: 'https://openmetadata.acme.example', secrets: ['s'] };

describe('ingest settings', () => {
  it('requires MM_INGEST_PERSON_ID_KEY when the config file has an OpenMetadata webhook, naming the variable', () => {
    let caught: unknown;
    try {
      checkSettingsForFile(defaultIngestSettings(), { ...EMPTY_GATEWAY_FILE, openmetadata });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({
      code: 'MM_ERR_CONFIG_INVALID',
      issues: [expect.objectContaining({ field: 'MM_INGEST_PERSON_ID_KEY' })],
    });
    expect(() => checkSettingsForFile(defaultIngestSettings(), EMPTY_GATEWAY_FILE)).not.toThrow();
    const keyed = loadIngestConfig({ MM_INGEST_PERSON_ID_KEY: KEY }).ingest;
    expect(keyed.personIdKey).toBe(KEY);
    expect(() => checkSettingsForFile(keyed, { ...EMPTY_GATEWAY_FILE, openmetadata })).not.toThrow();
  });

  it('refuses a short person-id key without echoing it', () => {
    let caught: unknown;
    try {
      loadIngestConfig({ MM_INGEST_PERSON_ID_KEY: 'short-secret' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({
      code: 'MM_ERR_CONFIG_INVALID',
      issues: [expect.objectContaining({ field: 'MM_INGEST_PERSON_ID_KEY' })],
    });
    expect((caught as Error).message).toMatch(/at least 32 characters/);
    expect((caught as Error).message).not.toContain('short-secret');
  });

  it('refuses a webhook max age longer than the ledger remembers deliveries, naming the variable', () => {
    const settings = loadIngestConfig({
      MM_INGEST_DELIVERY_TTL_SECONDS: '86400',
      MM_INGEST_WEBHOOK_MAX_AGE_SECONDS: '172800',
    }).ingest;
    expect(() => checkSettingsForFile(settings, EMPTY_GATEWAY_FILE)).toThrow(
      expect.objectContaining({
        code: 'MM_ERR_CONFIG_INVALID',
        issues: [expect.objectContaining({ field: 'MM_INGEST_WEBHOOK_MAX_AGE_SECONDS' })],
      }) as unknown as Error,
    );
    expect(() =>
      checkSettingsForFile({ ...settings, webhookMaxAgeSeconds: 0 }, EMPTY_GATEWAY_FILE),
    ).not.toThrow();
  });
});
