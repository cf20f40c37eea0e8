import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseGenericMapping } from '@mesh-momentum/adapters';
import type { RunningGateway } from '@mesh-momentum/ingest';
import { createHmac } from 'node:crypto';
import { signStandardWebhook } from '@mesh-momentum/webhook-auth';
import { gatewayEnv, sendOpenMetadata, startTestGateway } from './support/ingest.ts';
import { loadConfig } from '@mesh-momentum/common';
import { PROCESSOR_SECTION } from '@mesh-momentum/processor';
import { TestPipeline } from './support/pipeline.ts';

/**
 * The generic (Standard Webhooks, declarative mapping) and OpenMetadata webhooks on real Kafka and Redis:
 * signed deliveries are acknowledged once Kafka acknowledged their events; stale or unsigned ones are
 * refused; a replayed webhook-id is answered as a duplicate.
 */
const adapters = (path: string) =>
  readFileSync(new URL(`../../packages/adapters/src/${path}`, import.meta.url), 'utf8');
const WHSEC = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OM_SECRET = 'om-secret';
const PERSON_ID_KEY = 'webhooks-test-person-id-key-0123456789';
const HMAC_SECRET = 'hmac-contracts-secret';
/** MM_INGEST_WEBHOOK_MAX_EVENTS here: the contract fixture maps to 3 events, the OpenMetadata batch to 4. */
const MAX_FAN_OUT = 4;

describe('generic and OpenMetadata webhooks', () => {
  let pipeline: TestPipeline;
  let gateway: RunningGateway;
  let url: string;

  beforeAll(async () => {
    const env = gatewayEnv(inject('services'), 'ingest-webhooks');
    pipeline = new TestPipeline(loadConfig(env, PROCESSOR_SECTION));
    await pipeline.createTopics();
    const mappingFile = 'contracts-mapping.yaml';
    gateway = await startTestGateway(
      env,
      {
        openmetadata: { source: 'https://openmetadata.acme.example', secrets: [OM_SECRET] },
        generic: new Map([
          [
            'contracts',
            {
              name: 'contracts',
              source: 'https://contracts.acme.example',
              mapping: parseGenericMapping(adapters(`generic/fixtures/${mappingFile}`), mappingFile),
              scheme: 'standard-webhooks',
              header: 'x-signature-256',
              deliveryIdHeader: undefined,
              secrets: [WHSEC],
            },
          ],
          [
            'hmac-contracts',
            {
              name: 'hmac-contracts',
              source: 'https://contracts-hmac.acme.example',
              mapping: parseGenericMapping(adapters(`generic/fixtures/${mappingFile}`), mappingFile),
              scheme: 'hmac-sha256',
              header: 'x-signature-256',
              deliveryIdHeader: 'x-delivery-id',
              secrets: [HMAC_SECRET],
            },
          ],
        ]),
      },
      { MM_INGEST_PERSON_ID_KEY: PERSON_ID_KEY, MM_INGEST_WEBHOOK_MAX_EVENTS: String(MAX_FAN_OUT) },
    );
    url = gateway.address.url;
  });

  afterAll(async () => {
    await gateway?.close();
    await pipeline?.close();
  });

  const sendGeneric = (body: string, id: string, timestampMs = Date.now()) =>
    fetch(`${url}/v1/webhooks/generic/contracts`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...signStandardWebhook({ id, timestampMs, body, secrets: [WHSEC] }),
      },
      body,
    });

  it('maps a Standard Webhooks delivery through the mapping file: one payload, three events', async () => {
    const body = adapters('generic/fixtures/contract-published.json');
    const first = await sendGeneric(body, 'msg_1');
    expect(first.status).toBe(202);
    const answer = (await first.json()) as { accepted: number; ids: string[] };
    // The contract's publication and one onboarding per subscriber.
    expect(answer.accepted).toBe(3);
    expect(new Set(answer.ids).size).toBe(3);

    const replay = await sendGeneric(body, 'msg_1');
    expect(replay.status).toBe(200);
    expect(await replay.json()).toMatchObject({ duplicate: true });

    const stale = await sendGeneric(body, 'msg_2', Date.now() - 10 * 60_000);
    expect(stale.status).toBe(401);
    expect(await stale.json()).toMatchObject({ code: 'MM_ERR_WEBHOOK_TIMESTAMP_STALE' });

    const unsigned = await fetch(`${url}/v1/webhooks/generic/contracts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(unsigned.status).toBe(401);
    expect(await unsigned.json()).toMatchObject({
      code: 'MM_ERR_WEBHOOK_HEADER_MISSING',
      field: 'webhook-id',
    });

    const noMatch = await sendGeneric('{"event":"something.else"}', 'msg_3');
    expect(noMatch.status).toBe(202);
    expect(await noMatch.json()).toMatchObject({ accepted: 0, ignored: { code: 'no-match' } });
  });

  it('does not start an OpenMetadata webhook without the person-id key, naming the variable', async () => {
    const env = gatewayEnv(inject('services'), 'ingest-webhooks-nokey');
    await expect(
      startTestGateway(env, { openmetadata: { source: 'https://om.example', secrets: [OM_SECRET] } }),
    ).rejects.toMatchObject({
      code: 'MM_ERR_CONFIG_INVALID',
      message: expect.stringContaining('MM_INGEST_PERSON_ID_KEY'),
    });
  });

  it('maps a signed OpenMetadata ChangeEvent and refuses a body whose signature does not match', async () => {
    const body = adapters('openmetadata/fixtures/dataproduct-created.json');
    const signature = `sha256=${createHmac('sha256', OM_SECRET).update(body).digest('hex')}`;
    const send = (sig: string, payload = body) =>
      fetch(`${url}/v1/webhooks/openmetadata`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-om-signature': sig },
        body: payload,
      });
    const ok = await send(signature);
    expect(ok.status).toBe(202);
    expect(await ok.json()).toMatchObject({ accepted: 1 });
    const tampered = await send(signature, body.replace('OrdersDaily', 'OrdersDailx'));
    expect(tampered.status).toBe(401);
    expect(await tampered.json()).toMatchObject({ code: 'MM_ERR_WEBHOOK_SIGNATURE_INVALID' });
  });

  it('sends the good ChangeEvents of an OpenMetadata batch and lists the bad ones, answering 207 per item', async () => {
    const created = JSON.parse(adapters('openmetadata/fixtures/dataproduct-created.json')) as Record<
      string,
      unknown
    >;
    const experts = JSON.parse(adapters('openmetadata/fixtures/domain-experts-added.json')) as Record<
      string,
      unknown
    >;
    const { entityFullyQualifiedName: _dropped, ...unreadable } = {
      ...created,
      id: 'om-batch-unreadable',
    } as Record<string, unknown>;
    const body = JSON.stringify({
      data: [
        { ...created, id: 'om-batch-created' },
        unreadable,
        { ...experts, id: 'om-batch-experts' },
        // Maps, but its event is refused by validation (dated a day ahead).
        { ...created, id: 'om-batch-future', timestamp: Date.now() + 86_400_000 },
      ],
    });
    const send = (payload: string) => sendOpenMetadata(url, OM_SECRET, payload);

    const first = await send(body);
    expect(first.status).toBe(207);
    const answer = (await first.json()) as {
      accepted: number;
      ids: string[];
      refused: number;
      results: { index: number; statusCode: number; ids?: string[]; code?: string; field?: string }[];
    };
    expect(answer).toMatchObject({ accepted: 3, refused: 2 });
    expect(answer.results.map((r) => r.statusCode)).toEqual([202, 400, 202, 400]);
    expect(answer.results[0]?.ids).toHaveLength(1);
    expect(answer.results[1]).toMatchObject({
      code: 'MM_ERR_ADAPTER_PAYLOAD_INVALID',
      field: 'entityFullyQualifiedName',
    });
    expect(answer.results[2]?.ids).toHaveLength(2);
    expect(answer.results[3]).toMatchObject({ code: 'MM_ERR_EVENT_FUTURE_DATED' });
    const listed = (await gateway.context.unmapped.list(100)).map((l) => l.ref);
    expect(listed).toEqual(
      expect.arrayContaining(['ChangeEvent om-batch-unreadable', 'ChangeEvent om-batch-future']),
    );

    // Acknowledged: OpenMetadata's retry of the same delivery is a duplicate, not a second try.
    const again = await send(body);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ duplicate: true });

    // A delivery of one ChangeEvent stays all or nothing: refused whole, 400 naming the field.
    const alone = await send(JSON.stringify({ ...unreadable, id: 'om-alone-unreadable' }));
    expect(alone.status).toBe(400);
    expect(await alone.json()).toMatchObject({
      code: 'MM_ERR_ADAPTER_PAYLOAD_INVALID',
      field: 'entityFullyQualifiedName',
    });
  });

  it('counts two genuine HMAC deliveries of an identical body twice when the hook names a delivery-id header', async () => {
    const body = adapters('generic/fixtures/contract-published.json');
    const send = (deliveryId: string) =>
      fetch(`${url}/v1/webhooks/generic/hmac-contracts`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-delivery-id': deliveryId,
          'x-signature-256': `sha256=${createHmac('sha256', HMAC_SECRET).update(body).digest('hex')}`,
        },
        body,
      });
    const first = await send('hmac-1');
    expect(first.status).toBe(202);
    const firstIds = ((await first.json()) as { ids: string[] }).ids;
    // The same contract published again (a second, genuine delivery): its own id, its own events.
    const second = await send('hmac-2');
    expect(second.status).toBe(202);
    const secondIds = ((await second.json()) as { ids: string[] }).ids;
    expect(secondIds).toHaveLength(3);
    expect(secondIds.filter((id) => firstIds.includes(id))).toEqual([]);
    // The tool's retry of one of them (same delivery id) is a duplicate.
    const retry = await send('hmac-1');
    expect(retry.status).toBe(200);
    expect(await retry.json()).toMatchObject({ duplicate: true });
  });

  it('refuses a delivery that fans out to more events than MM_INGEST_WEBHOOK_MAX_EVENTS, sending none', async () => {
    const contract = JSON.parse(adapters('generic/fixtures/contract-published.json')) as {
      subscribers: unknown[];
    };
    const body = JSON.stringify({
      ...contract,
      subscribers: [...contract.subscribers, { team: 'third' }, { team: 'one-too-many' }],
    });
    const refused = await sendGeneric(body, 'msg_fan_out');
    expect(refused.status).toBe(413);
    const answer = (await refused.json()) as { code: string; message: string; field: string };
    expect(answer).toMatchObject({ code: 'MM_ERR_INGEST_TOO_MANY_EVENTS', field: '(body)' });
    expect(answer.message).toContain(`5 events, more than ${MAX_FAN_OUT} (MM_INGEST_WEBHOOK_MAX_EVENTS)`);
    // Nothing was sent and the delivery id is free: the same delivery is refused again, not a duplicate.
    const again = await sendGeneric(body, 'msg_fan_out');
    expect(again.status).toBe(413);
  });
});
