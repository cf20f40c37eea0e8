import { DATA_PRODUCT_TIERS, type DataProductTier } from '@mesh-momentum/events';
import { IDENTIFIER, type IdentityConfig, type ProductMapping } from './config.ts';
import type {
  DomainResolution,
  EntityReference,
  IdentityResolution,
  IdentityResolver,
  MappedIdentity,
  ToolName,
  UnmappedEntity,
} from './types.ts';

function key(tool: ToolName, ref: string): string {
  // Backstage compares entity refs case-insensitively; the adapter hands them over in lower case.
  return `${tool}\n${tool === 'backstage' ? ref.toLowerCase() : ref}`;
}

function tierOf(value: string | undefined): DataProductTier | undefined {
  return value !== undefined && (DATA_PRODUCT_TIERS as readonly string[]).includes(value)
    ? (value as DataProductTier)
    : undefined;
}

function topicValue(topics: readonly string[] | undefined, prefix: string): string | undefined {
  const topic = topics?.find((t) => t.startsWith(prefix) && t.length > prefix.length);
  return topic?.slice(prefix.length);
}

/**
 * Resolves tool entities to Mesh Momentum's `{productId, domain}`: first an explicit entry of the
 * mapping file, then conventions (Backstage annotations or Data Mesh Manager custom fields, GitHub topics,
 * the tool's own domain). The default product id is `<domain>.<name>`. Anything else is "unmapped":
 * acknowledged, counted and listed by the service, never guessed.
 */
export function createIdentityResolver(config: IdentityConfig): IdentityResolver {
  const products = new Map<string, ProductMapping>(config.products.map((p) => [key(p.tool, p.ref), p]));
  const domains = new Map<string, string>(config.domains.map((d) => [key(d.tool, d.ref), d.domain]));
  const c = config.conventions;

  const unmapped = (entity: { tool: ToolName; ref: string }, reason: string): UnmappedEntity => ({
    status: 'unmapped',
    tool: entity.tool,
    ref: entity.ref,
    reason,
  });

  function resolveDomain(tool: ToolName, domainRef: string): DomainResolution {
    const mapped = domains.get(key(tool, domainRef));
    if (mapped !== undefined) return { status: 'mapped', domain: mapped, via: 'config' };
    if (c.toolDomainAsIs && IDENTIFIER.test(domainRef))
      return { status: 'mapped', domain: domainRef, via: 'tool-domain' };
    return unmapped(
      { tool, ref: domainRef },
      c.toolDomainAsIs
        ? 'tool domain is not a valid identifier (braces or whitespace); map it under domains'
        : 'tool domain not mapped under domains',
    );
  }

  function resolveProduct(entity: EntityReference): IdentityResolution {
    const explicit = products.get(key(entity.tool, entity.ref));
    if (explicit) {
      return {
        status: 'mapped',
        productId: explicit.productId,
        domain: explicit.domain,
        via: 'config',
        ...(explicit.ownerTeam === undefined ? {} : { ownerTeam: explicit.ownerTeam }),
        ...(explicit.tier === undefined ? {} : { tier: explicit.tier }),
      };
    }

    const annotations = entity.annotations ?? {};
    let domain: string | undefined;
    let via: MappedIdentity['via'] | undefined;
    let productId: string | undefined;
    let ownerTeam: string | undefined;
    let tier: string | undefined;
    if (annotations[c.domainAnnotation] !== undefined) {
      domain = annotations[c.domainAnnotation];
      productId = annotations[c.productIdAnnotation];
      ownerTeam = annotations[c.ownerTeamAnnotation];
      tier = annotations[c.tierAnnotation];
      via = 'annotation';
    } else if (topicValue(entity.topics, c.domainTopicPrefix) !== undefined) {
      domain = topicValue(entity.topics, c.domainTopicPrefix);
      productId = topicValue(entity.topics, c.productTopicPrefix);
      ownerTeam = topicValue(entity.topics, c.teamTopicPrefix);
      tier = topicValue(entity.topics, c.tierTopicPrefix);
      via = 'topic';
    } else if (entity.domainRef !== undefined) {
      const resolved = resolveDomain(entity.tool, entity.domainRef);
      if (resolved.status === 'unmapped') return unmapped(entity, resolved.reason);
      domain = resolved.domain;
      via = 'tool-domain';
    }
    if (domain === undefined || via === undefined) {
      return unmapped(entity, 'not in the identity mapping and no convention names its domain');
    }
    productId ??= `${domain}.${entity.name}`;
    if (!IDENTIFIER.test(domain) || !IDENTIFIER.test(productId)) {
      return unmapped(
        entity,
        `derived ids are not valid identifiers (domain ${domain}, product ${productId})`,
      );
    }
    const knownTier = tierOf(tier);
    return {
      status: 'mapped',
      productId,
      domain,
      via,
      ...(ownerTeam === undefined || ownerTeam.trim() === '' ? {} : { ownerTeam }),
      ...(knownTier === undefined ? {} : { tier: knownTier }),
    };
  }

  return { resolveProduct, resolveDomain };
}
