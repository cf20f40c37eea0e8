import kafkajs, { type Admin, type ITopicConfig } from 'kafkajs';
import { TopicReplicationFactorError } from '@mesh-momentum/common';

// kafkajs is CommonJS and Node's named-export detection misses this enum; read it from the module object.
const { ConfigResourceTypes } = kafkajs;

/**
 * Topic layout. The events topic is the source of truth the processor rebuilds every score from, so it
 * keeps every record forever (`retention.ms=-1`, `retention.bytes=-1`); deleting old records would make
 * a rebuild disagree with the live scores. The dead-letter topic keeps records for 90 days: long enough
 * to notice, fix and re-send, short enough not to grow without bound.
 */
export const EVENTS_TOPIC_CONFIG: Readonly<Record<string, string>> = {
  'cleanup.policy': 'delete',
  'retention.ms': '-1',
  'retention.bytes': '-1',
};

/**
 * The record timestamp is when an event reached Kafka: the processor judges future-dated events and
 * de-duplication periods by it. With `LogAppendTime` the broker sets it, so a producer cannot send a
 * record "from next year" past the future-date check; a rebuild replays the stored timestamps, so it
 * decides exactly as the live processor did. (Event time itself travels in the record's value.)
 */
export const TIMESTAMP_TYPE_CONFIG = 'message.timestamp.type';

export const DEAD_LETTER_RETENTION_MS = 90 * 24 * 60 * 60 * 1000;

export const DEAD_LETTER_TOPIC_CONFIG: Readonly<Record<string, string>> = {
  'cleanup.policy': 'delete',
  'retention.ms': String(DEAD_LETTER_RETENTION_MS),
};

export interface TopicLayout {
  readonly events: string;
  readonly deadLetter: string;
  readonly partitions: number;
  /** Undefined: the cluster's own default (see resolveReplicationFactor). */
  readonly replicationFactor: number | undefined;
  /** Who sets the events topic's record timestamps (see TIMESTAMP_TYPE_CONFIG). */
  readonly timestampType: 'LogAppendTime' | 'CreateTime';
}

export function topicSpecs(layout: TopicLayout & { readonly replicationFactor: number }): ITopicConfig[] {
  const entries = (config: Readonly<Record<string, string>>) =>
    Object.entries(config).map(([name, value]) => ({ name, value }));
  return [
    {
      topic: layout.events,
      numPartitions: layout.partitions,
      replicationFactor: layout.replicationFactor,
      configEntries: entries({ ...EVENTS_TOPIC_CONFIG, [TIMESTAMP_TYPE_CONFIG]: layout.timestampType }),
    },
    {
      topic: layout.deadLetter,
      numPartitions: layout.partitions,
      replicationFactor: layout.replicationFactor,
      configEntries: entries(DEAD_LETTER_TOPIC_CONFIG),
    },
  ];
}

/**
 * Waits until every partition of the topics has a leader, polling the metadata and riding out the
 * errors it answers while a new topic settles; throws after `timeoutMs`.
 */
export async function waitForLeaders(
  admin: Admin,
  topics: readonly string[],
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let last: string;
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [...topics] });
      const leaderless = metadata.topics.filter(
        (t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0),
      );
      if (leaderless.length === 0 && metadata.topics.length === topics.length) return;
      last = `no leader yet for ${leaderless.map((t) => t.name).join(', ') || 'some topics'}`;
    } catch (error) {
      last = (error as Error).message;
    }
    if (Date.now() > deadline) {
      throw new Error(`topics ${topics.join(', ')} have no leaders after ${timeoutMs} ms (${last})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The broker setting a topic created without an explicit replication factor gets. */
export const DEFAULT_REPLICATION_FACTOR_CONFIG = 'default.replication.factor';

/**
 * The replication factor to create topics with: the one asked for, or else the cluster's
 * default.replication.factor (read from a live broker), so one setting serves a single broker and a
 * replicated cluster. Refused when above the brokers the cluster has now (describeCluster lists the
 * live, unfenced ones): the broker would refuse it too, with a less telling INVALID_REPLICATION_FACTOR.
 */
export async function resolveReplicationFactor(admin: Admin, requested: number | undefined): Promise<number> {
  const { brokers } = await admin.describeCluster();
  let factor = requested;
  let source = 'MM_TOPIC_REPLICATION_FACTOR';
  if (factor === undefined) {
    const asked = brokers[0];
    const described = asked
      ? await admin.describeConfigs({
          resources: [
            {
              type: ConfigResourceTypes.BROKER,
              name: String(asked.nodeId),
              configNames: [DEFAULT_REPLICATION_FACTOR_CONFIG],
            },
          ],
          includeSynonyms: false,
        })
      : undefined;
    const value = described?.resources[0]?.configEntries.find(
      (e) => e.configName === DEFAULT_REPLICATION_FACTOR_CONFIG,
    )?.configValue;
    // Kafka's own default when a broker does not say (it always does).
    factor = value === undefined ? 1 : Number(value);
    source = `the cluster's ${DEFAULT_REPLICATION_FACTOR_CONFIG}, MM_TOPIC_REPLICATION_FACTOR being empty`;
  }
  if (factor > brokers.length) throw new TopicReplicationFactorError(factor, source, brokers.length);
  return factor;
}

export interface EnsureTopicsResult {
  readonly created: readonly string[];
  readonly existing: readonly string[];
  /** The existing events topic's timestamp type where it differs from the layout's. */
  readonly timestampTypeDrift: string | undefined;
}

/**
 * Creates the topics that do not exist yet and waits for their leaders; existing topics are left as
 * they are (their partition count is never changed here: that would move domains between partitions).
 */
export async function ensureTopics(admin: Admin, layout: TopicLayout): Promise<EnsureTopicsResult> {
  const present = new Set(await admin.listTopics());
  const names = [layout.events, layout.deadLetter];
  let missing: ITopicConfig[] = [];
  if (names.some((t) => !present.has(t))) {
    const replicationFactor = await resolveReplicationFactor(admin, layout.replicationFactor);
    missing = topicSpecs({ ...layout, replicationFactor }).filter((s) => !present.has(s.topic));
    // createTopics answers false (not an error) for a topic a concurrent caller created first. Its own
    // waitForLeaders gives up on "does not host this topic-partition", which a broker that has just
    // created the topic may still answer (tulios/kafkajs#1222), so leaders are awaited here instead.
    await admin.createTopics({ topics: missing, waitForLeaders: false });
    await waitForLeaders(
      admin,
      missing.map((s) => s.topic),
    );
  }
  return {
    created: missing.map((s) => s.topic),
    existing: names.filter((t) => present.has(t)),
    timestampTypeDrift: present.has(layout.events) ? await timestampTypeDrift(admin, layout) : undefined,
  };
}

/**
 * The events topic's timestamp type when an existing topic differs from the layout's (a topic created
 * before the default changed, or by hand); undefined when it agrees. Never altered here: kafkajs only
 * offers a non-incremental AlterConfigs, which would reset every other setting of the topic.
 */
async function timestampTypeDrift(admin: Admin, layout: TopicLayout): Promise<string | undefined> {
  const described = await admin.describeConfigs({
    resources: [
      { type: ConfigResourceTypes.TOPIC, name: layout.events, configNames: [TIMESTAMP_TYPE_CONFIG] },
    ],
    includeSynonyms: false,
  });
  const actual = described.resources[0]?.configEntries.find((e) => e.configName === TIMESTAMP_TYPE_CONFIG);
  return actual && actual.configValue !== layout.timestampType ? actual.configValue : undefined;
}
