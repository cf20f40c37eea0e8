import type { DataProductTier } from '@mesh-momentum/events';

/** The tools adapters know; `generic` for mapped JSON webhooks. */
export type ToolName = 'github' | 'backstage' | 'dmm' | 'openmetadata' | 'generic';

/**
 * How a tool names a thing, with what conventions can read: Backstage annotations (or Data Mesh
 * Manager `custom` fields, read the same way), GitHub repository topics, a domain the tool itself
 * names (an OpenMetadata domain).
 */
export interface EntityReference {
  readonly tool: ToolName;
  /** The tool's own id: `acme/orders` (GitHub), `component:default/orders` (Backstage), an FQN, a DMM id. */
  readonly ref: string;
  /** Short name for the default product id `<domain>.<name>` (repository, entity or product name). */
  readonly name: string;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly topics?: readonly string[];
  /** The tool's own domain for the entity (OpenMetadata domain FQN), resolved through `domains`. */
  readonly domainRef?: string;
}

export interface MappedIdentity {
  readonly status: 'mapped';
  readonly productId: string;
  readonly domain: string;
  /** Which rule decided: an explicit entry of the mapping file, or a convention. */
  readonly via: 'config' | 'annotation' | 'topic' | 'tool-domain';
  readonly ownerTeam?: string;
  readonly tier?: DataProductTier;
}

/** A tool entity nobody mapped: the service acknowledges the delivery, counts and lists these. */
export interface UnmappedEntity {
  readonly status: 'unmapped';
  readonly tool: ToolName;
  readonly ref: string;
  readonly reason: string;
}

export type IdentityResolution = MappedIdentity | UnmappedEntity;

export type DomainResolution =
  | { readonly status: 'mapped'; readonly domain: string; readonly via: 'config' | 'tool-domain' }
  | UnmappedEntity;

export interface IdentityResolver {
  /** Product id and domain of a tool entity that is (or may be) a data product. */
  resolveProduct(entity: EntityReference): IdentityResolution;
  /** Our domain for a tool's own domain (OpenMetadata domain FQN), for domain-level events. */
  resolveDomain(tool: ToolName, domainRef: string): DomainResolution;
}
