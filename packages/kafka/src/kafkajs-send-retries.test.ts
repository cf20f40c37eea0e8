import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

/**
 * kafkajs' own send loop (`producer/sendMessages.js`, as patched in patches/kafkajs@2.2.4.patch) driven
 * with an in-process cluster whose leadership moves mid-send. A real cluster cannot move a leader at
 * the exact moment between two requests of one send; the broker-kill test (test/kafka-cluster) is where
 * real brokers exercise the same path. What is checked: a send resolves only once every partition it
 * carries was acknowledged, also when a partition moved to a broker that had already answered.
 */
const require = createRequire(import.meta.url);
type SendMessages = (deps: object) => (request: object) => Promise<{ partition: number }[]>;
const sendMessages = require('kafkajs/src/producer/sendMessages') as SendMessages;
const createRetry = require('kafkajs/src/retry') as (options: object) => unknown;
const { createErrorFromCode } = require('kafkajs/src/protocol/error') as {
  createErrorFromCode: (code: number) => Error;
};

const NOT_LEADER_FOR_PARTITION = 6;
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

interface Partition {
  readonly partition: number;
  readonly messages: readonly { readonly value: string }[];
}

/** Two brokers, partition p led by `leaders[p]`; `failures` lists the requests to refuse, in order. */
function twoBrokerCluster(leaders: Record<number, number>, failures: { nodeId: number; moveTo: number }[]) {
  const logs: Record<number, string[]> = { 0: [], 1: [] };
  const requests: { nodeId: number; partitions: number[] }[] = [];
  const broker = (nodeId: number) => ({
    nodeId,
    produce: async ({ topicData }: { topicData: { partitions: Partition[] }[] }) => {
      const partitions = topicData.flatMap((t) => t.partitions);
      requests.push({ nodeId, partitions: partitions.map((p) => p.partition) });
      const failure = failures[0]?.nodeId === nodeId ? failures.shift() : undefined;
      if (failure) {
        // The broker is shutting down: its partitions are led elsewhere from now on.
        for (const p of Object.keys(leaders))
          if (leaders[Number(p)] === nodeId) leaders[Number(p)] = failure.moveTo;
        throw createErrorFromCode(NOT_LEADER_FOR_PARTITION);
      }
      await new Promise((resolve) => setImmediate(resolve));
      for (const p of partitions) logs[p.partition]!.push(...p.messages.map((m) => m.value));
      return {
        topics: [
          {
            topicName: 'events',
            partitions: partitions.map((p) => ({ partition: p.partition, errorCode: 0, baseOffset: '0' })),
          },
        ],
      };
    },
  });
  const brokers: Record<number, ReturnType<typeof broker>> = { 1: broker(1), 2: broker(2) };
  const cluster = {
    refreshMetadataIfNecessary: async () => {},
    refreshMetadata: async () => {},
    addMultipleTargetTopics: async () => {},
    isConnected: () => true,
    removeBroker() {},
    findTopicPartitionMetadata: () => [0, 1].map((p) => ({ partitionId: p, leader: leaders[p] })),
    findLeaderForPartitions: (_topic: string, partitions: string[]) =>
      partitions.reduce<Record<number, number[]>>((byLeader, p) => {
        const leader = leaders[Number(p)]!;
        return { ...byLeader, [leader]: [...(byLeader[leader] ?? []), Number(p)] };
      }, {}),
    findBroker: async ({ nodeId }: { nodeId: number }) => brokers[nodeId],
  };
  const sequences: Record<number, number> = {};
  const eosManager = {
    acquireBrokerLock: async () => {},
    releaseBrokerLock: async () => {},
    isTransactional: () => false,
    getSequence: (_topic: string, p: number) => sequences[p] ?? 0,
    updateSequence: (_topic: string, p: number, n: number) => (sequences[p] = (sequences[p] ?? 0) + n),
    getProducerId: () => 1,
    getProducerEpoch: () => 0,
  };
  const send = sendMessages({
    logger: quiet,
    cluster,
    eosManager,
    // A message's key is its partition.
    partitioner: ({ message }: { message: { key: string } }) => Number(message.key),
    retrier: createRetry({ retries: 5, initialRetryTime: 1, maxRetryTime: 5 }),
  });
  return { send, logs, requests, sequences };
}

const messages = ['a0', 'b1', 'c0', 'd1'].map((value) => ({ key: value[1], value }));
const sendAll = (send: ReturnType<SendMessages>) =>
  send({ acks: -1, timeout: 1_000, topicMessages: [{ topic: 'events', messages }] });

describe('kafkajs send retries (patched)', () => {
  it('sends a partition that moved to a broker which already answered, before resolving', async () => {
    const { send, logs, requests, sequences } = twoBrokerCluster({ 0: 1, 1: 2 }, [{ nodeId: 2, moveTo: 1 }]);
    const responses = await sendAll(send);
    expect(responses.map((r) => r.partition).sort()).toEqual([0, 1]);
    expect(logs).toEqual({ 0: ['a0', 'c0'], 1: ['b1', 'd1'] });
    // Broker 1 asked twice: partition 0 first, then partition 1 alone after it moved there.
    expect(requests.filter((r) => r.nodeId === 1)).toEqual([
      { nodeId: 1, partitions: [0] },
      { nodeId: 1, partitions: [1] },
    ]);
    expect(sequences).toEqual({ 0: 2, 1: 2 });
  });

  it('keeps going until every partition is acknowledged, across several leadership moves', async () => {
    const { send, logs } = twoBrokerCluster({ 0: 1, 1: 2 }, [
      { nodeId: 2, moveTo: 1 },
      { nodeId: 1, moveTo: 2 },
    ]);
    const responses = await sendAll(send);
    expect(responses.map((r) => r.partition).sort()).toEqual([0, 1]);
    expect([...logs[0]!, ...logs[1]!].sort()).toEqual(['a0', 'b1', 'c0', 'd1']);
  });
});
