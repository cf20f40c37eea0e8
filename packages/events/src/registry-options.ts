import type { Config } from '@mesh-momentum/common';

/**
 * Where the schema registry is and how to reach it, shared by the codec's client and the registry
 * workflow. Any Confluent-compatible API works (Confluent Schema Registry, Apicurio's ccompat API,
 * Redpanda, Karapace).
 */
export interface RegistryClientOptions {
  readonly url: string;
  readonly auth?: { readonly username: string; readonly password: string } | undefined;
}

/** Consumers on any schema version read events of any other version: needed by rebuilds and rollbacks. */
export const SUBJECT_COMPATIBILITY = 'FULL_TRANSITIVE';

export function registryOptionsFrom(config: Pick<Config, 'registry'>): RegistryClientOptions {
  return { url: config.registry.url, auth: config.registry.auth };
}
