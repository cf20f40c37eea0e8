import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { verifyStandardWebhook, encodeStandardWebhookSecret } from '@mesh-momentum/webhook-auth';
import { DEFAULT_ALERTING_CONFIG } from './config.ts';
import { HOUR_MS, HR, MINUTE_MS, obs, PAYROLL, SimulatedAlerter, T0 } from './alerting.test-support.ts';
import type { AlertScope, Observation } from './types.ts';
import { alertmanagerAlerts, ENDS_AT_RESEND_PERIODS } from './payloads/alertmanager.ts';
import { alertRecords } from './payloads/avro.ts';
import { chatPayload } from './payloads/chat.ts';
import { escapeMarkdownText, escapeSlackText, quoteIdentifier } from './payloads/markup.ts';
import { webhookRequest } from './payloads/webhook.ts';
import { compileSilence } from './silences.ts';

function firedAndResolved() {
  const a = new SimulatedAlerter();
  a.run(() => [obs(HR, true), obs(PAYROLL, true)], 11 * MINUTE_MS);
  const firing = a.sent[0]!;
  const firingStates = [...a.states.values()];
  // Resolved 6 h after it last held (keep_firing_for), still retained 10 minutes later.
  a.run(() => [obs(HR, false), obs(PAYROLL, true)], 6 * HOUR_MS + 20 * MINUTE_MS, 10 * MINUTE_MS);
  const resolved = a.sent[1]!;
  return { a, firing, resolved, firingStates };
}

describe('evidence on every notification', () => {
  it('carries rule, crossed values, last event, trend, top events and the dashboard link', () => {
    const { firing } = firedAndResolved();
    const domainAlert = firing.alerts.find((x) => x.labels['scope_kind'] === 'domain')!;
    expect(domainAlert.evidence).toMatchObject({
      rule: 'DomainMomentumStalled',
      stallReason: 'inactivity',
      findings: [{ rule: 'inactivity', value: 30, threshold: 21 }],
      momentum: 8,
      trend7: -3,
      trend30: -12,
      silenceDays: 30,
      dashboardUrl: 'http://127.0.0.1:8090/#/domain/hr',
    });
    // Stalled since the processor first found it so (the observation says 9 days before the score).
    expect(domainAlert.evidence.stalledSinceMs).toBeLessThan(domainAlert.evidence.asOfMs);
    expect(domainAlert.annotations['stalled_since']).toBe(
      new Date(domainAlert.evidence.stalledSinceMs!).toISOString(),
    );
    expect(domainAlert.evidence.topEvents[0]).toMatchObject({ id: 'e1', type: 'ChampionLost' });
    expect(domainAlert.annotations['description']).toContain('inactivity (30 vs threshold 21)');
    const productAlert = firing.alerts.find((x) => x.labels['scope_kind'] === 'product')!;
    expect(productAlert.evidence.dashboardUrl).toBe('http://127.0.0.1:8090/#/product/hr/hr.payroll');
  });
});

describe('Alertmanager v2 alerts', () => {
  it('posts firing alerts with endsAt ahead by 4 resend periods, and resolved ones with their endsAt', () => {
    const { a, firingStates } = firedAndResolved();
    const now = T0 + 11 * MINUTE_MS;
    const firing = alertmanagerAlerts(firingStates, [], now, DEFAULT_ALERTING_CONFIG);
    expect(firing).toHaveLength(2);
    for (const alert of firing) {
      expect(alert.endsAt).toBe(
        new Date(now + ENDS_AT_RESEND_PERIODS * DEFAULT_ALERTING_CONFIG.alertmanagerResendMs).toISOString(),
      );
      expect(alert.labels['service']).toBe('mesh-momentum');
      expect(alert.annotations['summary']).toMatch(/stalled/);
    }
    const later = alertmanagerAlerts(a.states.values(), [], a.nowMs, DEFAULT_ALERTING_CONFIG);
    const hr = later.find((x) => x.labels['scope_kind'] === 'domain')!;
    const hrState = [...a.states.values()].find((s) => s.labels['scope_kind'] === 'domain')!;
    expect(hr.endsAt).toBe(new Date(hrState.resolvedAtMs!).toISOString());
    expect(Date.parse(hr.endsAt)).toBeLessThan(a.nowMs);
  });

  it('leaves pending and silenced alerts out', () => {
    const a = new SimulatedAlerter();
    a.tick([obs(HR, true)]);
    expect(alertmanagerAlerts(a.states.values(), [], a.nowMs, DEFAULT_ALERTING_CONFIG)).toEqual([]);
    a.run(() => [obs(HR, true)], 11 * MINUTE_MS);
    const silence = {
      id: 's',
      matchers: [{ name: 'domain', value: 'hr', isRegex: false, isEqual: true }],
      startsAtMs: 0,
      endsAtMs: a.nowMs + 1,
      createdBy: 'x',
      comment: 'y',
    };
    expect(
      alertmanagerAlerts(a.states.values(), [compileSilence(silence)], a.nowMs, DEFAULT_ALERTING_CONFIG),
    ).toEqual([]);
    expect(alertmanagerAlerts(a.states.values(), [], a.nowMs, DEFAULT_ALERTING_CONFIG)).toHaveLength(1);
  });
});

describe('JSON webhook (Standard Webhooks)', () => {
  it('is signed so that a Standard Webhooks receiver verifies it, with the idempotency key as webhook-id', () => {
    const { firing } = firedAndResolved();
    const secret = encodeStandardWebhookSecret(new Uint8Array(32).fill(7));
    const sendAt = T0 + HOUR_MS;
    const req = webhookRequest(firing, [secret], sendAt);
    expect(req.headers['webhook-id']).toBe(firing.idempotencyKey);
    const verified = verifyStandardWebhook(req.headers, req.body, { secrets: [secret], nowMs: sendAt });
    expect(verified.webhookId).toBe(firing.idempotencyKey);
    expect(JSON.parse(req.body)).toMatchObject({
      type: 'mesh-momentum.alert.notification',
      data: { groupKey: 'domain=hr' },
    });
    // One changed byte fails the check.
    expect(() =>
      verifyStandardWebhook(req.headers, req.body.replace('hr', 'hx'), { secrets: [secret], nowMs: sendAt }),
    ).toThrow();
  });
});

describe('chat payload', () => {
  it('says what stalled and what recovered, with the links', () => {
    const { firing, resolved } = firedAndResolved();
    expect(chatPayload(firing, 'slack').text).toMatch(/^:warning: Momentum stalled \("hr"\)/);
    expect(chatPayload(firing, 'slack').text).toContain('<http://127.0.0.1:8090/#/domain/hr|dashboard>');
    expect(chatPayload(resolved, 'slack').text).toMatch(/^:white_check_mark: Momentum recovered \("hr"\)/);
    expect(chatPayload(resolved, 'slack').text.split('\n')).toHaveLength(2);
  });
});

describe('identifiers a producer chose, in chat and Alertmanager text', () => {
  // Product ids and domains only refuse braces and whitespace (packages/events), so these are valid.
  const HOSTILE: AlertScope = {
    kind: 'product',
    domain: '<!channel>',
    productId: '<http://evil.example|click>',
    ownerTeam: '[click](http://evil.example)',
  };
  function hostileNotification() {
    const a = new SimulatedAlerter({ ...DEFAULT_ALERTING_CONFIG, groupBy: 'ownerTeam' });
    const observe = (): Observation[] => {
      const o = obs(HOSTILE, true);
      return [{ ...o, topEvents: [{ ...o.topEvents![0]!, id: '@here<!everyone>' }] }];
    };
    a.run(observe, 11 * MINUTE_MS);
    return a.sent[0]!;
  }

  it('quotes them in the annotations, with no live <, > or &', () => {
    const alert = hostileNotification().alerts[0]!;
    expect(alert.annotations['summary']).toBe(
      'Momentum of data product "\\u003chttp://evil.example|click\\u003e" ("\\u003c!channel\\u003e") stalled: inactivity',
    );
    expect(alert.annotations['description']).toContain('ChampionLost "@here\\u003c!everyone\\u003e"');
    for (const text of Object.values(alert.annotations)) expect(text).not.toMatch(/[<>]/);
  });

  it('Slack: no control sequence but our link', () => {
    const { text } = chatPayload(hostileNotification(), 'slack');
    expect(text.match(/<[^>]*>/g)).toEqual([
      '<http://127.0.0.1:8090/#/product/%3C!channel%3E/%3Chttp%3A%2F%2Fevil.example%7Cclick%3E|dashboard>',
    ]);
    expect(text).toMatch(/^:warning: Momentum stalled \("\[click\]\(http:\/\/evil.example\)"\)/);
  });

  it('Markdown: no link but ours, no @-mention', () => {
    const { text } = chatPayload(hostileNotification(), 'markdown');
    expect(text).not.toMatch(/(?<!\\)\[click\]/);
    expect(text).not.toMatch(/@(here|channel|all|everyone)/);
    expect(text.match(/(?<!\\)\[[^\]]*\]\([^)]*\)/g)).toEqual([
      '[dashboard](http://127.0.0.1:8090/#/product/%3C!channel%3E/%3Chttp%3A%2F%2Fevil.example%7Cclick%3E)',
    ]);
  });

  it('escapers: Slack entities for & < > only; CommonMark backslashes and mention breaks', () => {
    expect(escapeSlackText('a & <!here> *b*')).toBe('a &amp; &lt;!here&gt; *b*');
    expect(escapeMarkdownText('[x](y) **z** @all')).toBe('\\[x\\]\\(y\\) \\*\\*z\\*\\* @\u2060all');
    expect(quoteIdentifier('a"b\n<c>&')).toBe('"a\\"b\\n\\u003cc\\u003e\\u0026"');
  });
});

describe('Avro alert event', () => {
  const schema = JSON.parse(
    readFileSync(new URL('../../../schemas/alerts/MomentumAlert.avsc', import.meta.url), 'utf8'),
  );
  const type = avro.Type.forSchema(schema);
  it('every record of a firing and a resolved notification is valid and round-trips', () => {
    const { firing, resolved } = firedAndResolved();
    const records = [...alertRecords(firing), ...alertRecords(resolved)];
    expect(records).toHaveLength(3);
    for (const r of records) {
      const errors: string[] = [];
      expect(type.isValid(r, { errorHook: (p) => errors.push(p.join('.')) }), errors.join()).toBe(true);
      expect(type.fromBuffer(type.toBuffer(r))).toEqual(r);
    }
    const resolvedRecord = alertRecords(resolved)[0]!;
    expect(resolvedRecord.endsAt).not.toBeNull();
    expect(resolvedRecord.id).toBe(`${resolved.idempotencyKey}:${resolvedRecord.fingerprint}`);
  });
});
