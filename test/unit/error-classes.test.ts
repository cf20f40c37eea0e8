import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, MeshMomentumError } from '@mesh-momentum/common';
import {
  BatchStalledError,
  ConfigError,
  EventOutOfRangeError,
  EventTooLargeError,
  EventValidationError,
  FencedWriteError,
  FutureDatedEventError,
  KafkaUnavailableError,
  TopicReplicationFactorError,
  RebuildRunningError,
  RegistryRefusedError,
  RegistryUnavailableError,
  SchemaIncompatibleError,
  StoreReplyError,
  StoreUnavailableError,
  UndecodableEventError,
  UnknownSchemaError,
} from '@mesh-momentum/common';
import { AdapterPayloadError, MappingInvalidError } from '@mesh-momentum/adapters';
import {
  AlerterFencedError,
  AlerterWritesDisabledError,
  DeliveryFailedError,
  PauseInvalidError,
  PauseNotFoundError,
  SilenceInvalidError,
  SilenceNotFoundError,
} from '@mesh-momentum/alerter';
import { ProducerClosedError, ProducerQueueFullError, ProducerSendFailedError } from '@mesh-momentum/sdk';
import { WebhookErrorCodes, WebhookVerificationError } from '@mesh-momentum/webhook-auth';
import {
  QueryInvalidError,
  ScopeNotFoundError,
  AlertNotFoundError,
  SseClientLimitError,
  SsePerClientLimitError,
  DashboardUnauthenticatedError,
  TargetWritesDisabledError,
  TeamNotFoundError,
} from '@mesh-momentum/dashboard';
import {
  AdminHostRefusedError,
  AdminUnauthenticatedError,
  HttpRequestError,
} from '@mesh-momentum/service-kit';
import {
  KafkaAuthenticationError,
  KafkaNotAuthorizedError,
  KafkaTlsUntrustedError,
} from '@mesh-momentum/kafka';
import { loadConfig } from '@mesh-momentum/common';
import { ImportArgumentError, ImportSourceError, IngestError, IngestErrorCodes } from '@mesh-momentum/ingest';
import { documentedErrorCodes } from '../../packages/common/src/errors.test-support.ts';

/**
 * One instance of every error class of every package, checked against the table in docs/errors.md:
 * code documented, `retriable` and `httpStatus` as the table says. A new class belongs in this list.
 */
const docs = documentedErrorCodes(readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8'));

const SAMPLES: readonly MeshMomentumError[] = [
  new ConfigError([{ field: 'MM_X', reason: 'bad' }]),
  new AdminUnauthenticatedError('unknown token'),
  new EventValidationError('ChampionGained', [{ field: 'role', reason: 'bad' }]),
  new FutureDatedEventError(2_000, 1_000),
  new EventTooLargeError('events', 2_000_000),
  new UndecodableEventError('garbage'),
  new UnknownSchemaError('no such id', 7),
  new SchemaIncompatibleError('s.T', ['READER_FIELD_MISSING_DEFAULT_VALUE']),
  new RegistryUnavailableError('down'),
  new RegistryRefusedError('401', 401),
  new StoreUnavailableError('down'),
  new StoreReplyError('WRONGTYPE'),
  new FencedWriteError(3, 'fenced'),
  new RebuildRunningError('ns-2', 'running'),
  new EventOutOfRangeError(0, { minMs: 1, maxMs: 2 }),
  new BatchStalledError('events', 0, 1_000),
  new KafkaUnavailableError(['127.0.0.1:1'], 'silent'),
  new KafkaAuthenticationError(loadConfig({}).kafka, 'invalid credentials'),
  new KafkaTlsUntrustedError(loadConfig({}).kafka, 'SELF_SIGNED_CERT_IN_CHAIN', 'self-signed'),
  new KafkaNotAuthorizedError(loadConfig({}).kafka, 'TOPIC_AUTHORIZATION_FAILED', 'writing topic t'),
  new TopicReplicationFactorError(3, 'MM_TOPIC_REPLICATION_FACTOR', 1),
  new ProducerQueueFullError(10),
  new ProducerClosedError(),
  new ProducerSendFailedError('events', 3, { retriable: true }),
  new ProducerSendFailedError('events', 3, { retriable: false }),
  ...Object.values(WebhookErrorCodes).map((code) => new WebhookVerificationError(code, 'webhook-id', 'x')),
  new AdapterPayloadError('github', 'release.tag_name', 'is required'),
  new MappingInvalidError('m.yaml', [{ entry: 'a', reason: 'bad' }]),
  new QueryInvalidError([{ field: 'limit', reason: 'must be <= 1000' }]),
  new ScopeNotFoundError('domain:nowhere'),
  new TeamNotFoundError('nobody'),
  new AlertNotFoundError('0123456789abcdef'),
  new SseClientLimitError(1000, 10),
  new SsePerClientLimitError(10, 10),
  new DashboardUnauthenticatedError('unknown token'),
  new AdminHostRefusedError('evil.example'),
  ...(
    [
      ErrorCodes.HTTP_REQUEST_INVALID,
      ErrorCodes.HTTP_BODY_TOO_LARGE,
      ErrorCodes.HTTP_MEDIA_TYPE_UNSUPPORTED,
      ErrorCodes.HTTP_NOT_FOUND,
      ErrorCodes.HTTP_INTERNAL,
    ] as const
  ).map((code) => new HttpRequestError(code, 'x')),
  // The processor's dead-letter reason for a failure without a code of its own: no class of its own.
  new MeshMomentumError(ErrorCodes.UNEXPECTED, 'x'),
  new TargetWritesDisabledError(),
  ...Object.values(IngestErrorCodes).map((code) => new IngestError(code, 'x')),
  new AlerterFencedError(3),
  new SilenceInvalidError([{ field: 'comment', reason: 'required' }]),
  new SilenceNotFoundError('s-1'),
  new PauseInvalidError([{ field: 'reason', reason: 'required' }]),
  new PauseNotFoundError('domain:hr'),
  new AlerterWritesDisabledError(),
  new AlerterFencedError(3, { lapsed: true }),
  new DeliveryFailedError('webhook', 'HTTP 503', { retriable: true, status: 503 }),
  new DeliveryFailedError('webhook', 'HTTP 400', { retriable: false, status: 400 }),
  new ImportArgumentError('--since', 'not a date'),
  new ImportSourceError('https://api.github.com/orgs/acme/repos', 503, 'answered 503 5 times'),
  new ImportSourceError('https://api.github.com/orgs/acme/repos', 404, 'answered 404'),
];

describe('every error class', () => {
  it.each(SAMPLES.map((e) => [e.name, e] as const))('%s matches docs/errors.md', (_name, error) => {
    const row = docs.get(error.code);
    expect(row, `${error.code} is not documented`).toBeDefined();
    expect(error.httpStatus).toBe(row?.httpStatus);
    if (row?.retriable !== 'depends') expect(error.retriable).toBe(row?.retriable);
  });

  it('covers every documented code', () => {
    expect(new Set(SAMPLES.map((e) => e.code))).toEqual(new Set(docs.keys()));
  });
});
