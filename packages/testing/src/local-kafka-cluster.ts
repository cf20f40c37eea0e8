import { localInfra } from './local-services.ts';

/**
 * The project's three-broker Kafka cluster (infra/local/kafka-cluster.sh), driven through
 * `local-infra.sh kafka-cluster`, so a test can kill a broker and start it again exactly as an operator
 * would. The script's settings (MM_LOCAL_STATE_DIR, MM_LOCAL_KAFKA_CLUSTER_PORT, MM_LOCAL_KAFKA_VERSION)
 * reach it through this process's environment.
 */

/** Broker ports of the local cluster: MM_LOCAL_KAFKA_CLUSTER_PORT (default 29092) and the next two. */
export function localKafkaClusterBrokers(env = process.env): string {
  const base = Number(env['MM_LOCAL_KAFKA_CLUSTER_PORT'] ?? '29092');
  return [0, 1, 2].map((i) => `127.0.0.1:${base + i}`).join(',');
}

export interface ClusterNode {
  /** `controller`, or the broker's node id (1-3). */
  readonly node: string;
  readonly pid: number | undefined;
  readonly port: number;
}

const STATUS_LINE = /^kafka-cluster-(\S+)\s+(running \(pid (\d+), port (\d+)\)|stopped \(port (\d+)\))/;

export class LocalKafkaCluster {
  readonly brokers: string;
  /** True when this run started it, so it stops it again. */
  readonly startedHere: boolean;

  constructor(brokers: string, startedHere: boolean) {
    this.brokers = brokers;
    this.startedHere = startedHere;
  }

  /** Every node with its pid (undefined while stopped), from `kafka-cluster status`. */
  async nodes(): Promise<ClusterNode[]> {
    const { output } = await localInfra('kafka-cluster', 'status');
    return output.split('\n').flatMap((line) => {
      const m = STATUS_LINE.exec(line);
      if (!m) return [];
      const pid = m[3] === undefined ? undefined : Number(m[3]);
      return [{ node: m[1] ?? '', pid, port: Number(m[4] ?? m[5]) }];
    });
  }

  /** Sends the signal to the broker with this node id; resolves with its pid. */
  async signal(nodeId: number, signal: NodeJS.Signals): Promise<number> {
    const node = (await this.nodes()).find((n) => n.node === String(nodeId));
    if (node?.pid === undefined) throw new Error(`kafka cluster broker ${nodeId} is not running`);
    process.kill(node.pid, signal);
    return node.pid;
  }

  /** Starts whatever is not running and waits until every broker sees the whole cluster again. */
  async up(): Promise<void> {
    const up = await localInfra('kafka-cluster', 'up');
    if (!up.ok) throw new Error(`could not start the local Kafka cluster:\n${up.output}`);
  }

  async stop(): Promise<void> {
    if (this.startedHere) await localInfra('kafka-cluster', 'down');
  }
}

/** Uses the local Kafka cluster, starting it when it is not running (and then stopping it afterwards). */
export async function ensureLocalKafkaCluster(): Promise<LocalKafkaCluster> {
  const running = (await localInfra('kafka-cluster', 'status')).ok;
  const cluster = new LocalKafkaCluster(localKafkaClusterBrokers(), !running);
  if (!running) await cluster.up();
  return cluster;
}
