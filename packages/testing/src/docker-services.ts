import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { KafkaContainer } from '@testcontainers/kafka';
import { RedisContainer } from '@testcontainers/redis';
import type { ServiceEndpoints } from './endpoints.ts';

/**
 * The same three services as docker-compose.yml, started with testcontainers for users who have a
 * Docker engine. Apicurio 3.0.9 and Redis 7 as in infra/local; Kafka from Confluent's 7.9 image (the
 * 3.9 line, which testcontainers' KafkaContainer drives), while infra/local defaults to 4.4.
 */
export const DOCKER_IMAGES = {
  kafka: 'confluentinc/cp-kafka:7.9.0',
  registry: 'apicurio/apicurio-registry:3.0.9',
  redis: 'redis:7',
} as const;

export interface DockerServices {
  readonly endpoints: ServiceEndpoints;
  stop(): Promise<void>;
}

export async function startDockerServices(): Promise<DockerServices> {
  const [kafka, registry, redis] = await Promise.all([
    new KafkaContainer(DOCKER_IMAGES.kafka).withKraft().start(),
    new GenericContainer(DOCKER_IMAGES.registry)
      .withExposedPorts(8080)
      .withWaitStrategy(Wait.forHttp('/apis/ccompat/v7/subjects', 8080))
      .start(),
    new RedisContainer(DOCKER_IMAGES.redis)
      .withCommand(['redis-server', '--maxmemory-policy', 'noeviction'])
      .start(),
  ]);
  const containers: StartedTestContainer[] = [kafka, registry, redis];
  return {
    endpoints: {
      kafkaBrokers: `${kafka.getHost()}:${kafka.getMappedPort(9093)}`,
      registryUrl: `http://${registry.getHost()}:${registry.getMappedPort(8080)}/apis/ccompat/v7`,
      redisUrl: redis.getConnectionUrl(),
      origin: 'docker',
    },
    stop: async () => {
      await Promise.all(containers.map((c) => c.stop()));
    },
  };
}
