/**
 * The protocol-floor check: for every Kafka API the project calls, the request version kafkajs will
 * send must be one the broker still accepts. kafkajs negotiates by taking the lower of its own highest
 * implemented version and the broker's maximum, and never looks at the broker's minimum; a Kafka that
 * raises a minimum above what kafkajs implements (as Kafka 4.0 did for many APIs, KIP-896) makes that
 * API fail with UNSUPPORTED_VERSION at run time. Pure: the integration test
 * (test/integration/kafka-protocol-floor.test.ts) feeds it the running broker's ApiVersions and
 * kafkajs' own request tables.
 */

/**
 * kafkajs request names (keys of kafkajs' protocol/requests table) of every API the project uses:
 * producers (SDK, ingest, CLI, alerter), the processor's consumer group, the admin calls (topics
 * create/delete, describeConfigs/describeCluster, offsets, groups) and SASL. A new kind of call
 * (ACLs, transactions) must be added here, or the check does not cover it.
 */
export const PROJECT_KAFKA_APIS = [
  'ApiVersions',
  'Metadata',
  'Produce',
  'InitProducerId',
  'Fetch',
  'ListOffsets',
  'GroupCoordinator',
  'JoinGroup',
  'SyncGroup',
  'Heartbeat',
  'LeaveGroup',
  'OffsetCommit',
  'OffsetFetch',
  'ListGroups',
  'DeleteGroups',
  'CreateTopics',
  'DeleteTopics',
  'DescribeConfigs',
  'SaslHandshake',
  'SaslAuthenticate',
] as const;

/** What a broker's ApiVersions answer says of one API key. */
export interface BrokerApiRange {
  readonly minVersion: number;
  readonly maxVersion: number;
}

export interface ApiNegotiation {
  readonly api: string;
  readonly apiKey: number;
  /** kafkajs' highest implemented version of the request. */
  readonly clientMax: number;
  /** The broker's range, or undefined when the broker does not offer the API at all. */
  readonly broker: BrokerApiRange | undefined;
  /** The version kafkajs sends: min(clientMax, broker.maxVersion); undefined when not offered. */
  readonly sent: number | undefined;
  /** True when the broker would refuse the request (no such API, or `sent` below its minimum). */
  readonly belowFloor: boolean;
}

/**
 * The version kafkajs will send for each API, and whether the broker accepts it.
 * `apiKeys`: kafkajs' name-to-key table; `clientVersions`: its implemented versions per request name;
 * `brokerVersions`: the broker's ApiVersions answer by key.
 */
export function negotiateApis(
  apis: readonly string[],
  apiKeys: Readonly<Record<string, number>>,
  clientVersions: Readonly<Record<string, readonly (string | number)[]>>,
  brokerVersions: Readonly<Record<number, BrokerApiRange>>,
): ApiNegotiation[] {
  return apis.map((api) => {
    const apiKey = apiKeys[api];
    const implemented = (clientVersions[api] ?? []).map(Number);
    if (apiKey === undefined || implemented.length === 0) {
      throw new Error(`kafkajs implements no request named ${api}: fix PROJECT_KAFKA_APIS`);
    }
    const clientMax = Math.max(...implemented);
    const broker = brokerVersions[apiKey];
    const sent = broker === undefined ? undefined : Math.min(clientMax, broker.maxVersion);
    const belowFloor = broker === undefined || sent === undefined || sent < broker.minVersion;
    return { api, apiKey, clientMax, broker, sent, belowFloor };
  });
}

/** One line per API that the broker would refuse, naming it and both version ranges. */
export function describeFloorViolations(negotiations: readonly ApiNegotiation[]): string[] {
  return negotiations
    .filter((n) => n.belowFloor)
    .map((n) =>
      n.broker === undefined
        ? `${n.api} (key ${n.apiKey}): the broker does not offer it`
        : `${n.api} (key ${n.apiKey}): kafkajs sends v${n.sent ?? '?'} (implements up to v${n.clientMax}), ` +
          `the broker accepts v${n.broker.minVersion}-v${n.broker.maxVersion}`,
    );
}
