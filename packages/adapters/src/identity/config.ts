import { DATA_PRODUCT_TIERS, type DataProductTier } from '@mesh-momentum/events';
import { MappingInvalidError, type MappingIssue } from '../errors.ts';
import { isRecord } from '../payload.ts';
import { parseYamlSource } from '../yaml-source.ts';
import type { ToolName } from './types.ts';

export const TOOL_NAMES: readonly ToolName[] = ['github', 'backstage', 'dmm', 'openmetadata', 'generic'];

/** Domains and product ids become parts of Redis keys: no braces, no whitespace (as validation asks). */
export const IDENTIFIER = /^[^{}\s]+$/;

export interface ProductMapping {
  readonly tool: ToolName;
  readonly ref: string;
  readonly productId: string;
  readonly domain: string;
  readonly ownerTeam?: string;
  readonly tier?: DataProductTier;
}

export interface DomainMapping {
  readonly tool: ToolName;
  readonly ref: string;
  readonly domain: string;
}

/** Names the conventions read; each can be changed in the file's `conventions` section. */
export interface IdentityConventions {
  /** @defaultValue 'mesh-momentum.io/product-id' */
  readonly productIdAnnotation: string;
  /** @defaultValue 'mesh-momentum.io/domain' */
  readonly domainAnnotation: string;
  /** @defaultValue 'mesh-momentum.io/owner-team' */
  readonly ownerTeamAnnotation: string;
  /** @defaultValue 'mesh-momentum.io/tier' */
  readonly tierAnnotation: string;
  /** Repository topic `mm-domain-<domain>` marks a data-product repository and names its domain. */
  readonly domainTopicPrefix: string;
  /** @defaultValue 'mm-product-' (topic naming the product id; default `<domain>.<repository>`) */
  readonly productTopicPrefix: string;
  /** @defaultValue 'mm-team-' */
  readonly teamTopicPrefix: string;
  /** @defaultValue 'mm-tier-' */
  readonly tierTopicPrefix: string;
  /**
   * Use a tool's own domain name (an OpenMetadata domain) as ours when no `domains` entry maps it and it
   * is a valid identifier. @defaultValue true
   */
  readonly toolDomainAsIs: boolean;
}

export interface IdentityConfig {
  readonly products: readonly ProductMapping[];
  readonly domains: readonly DomainMapping[];
  readonly conventions: IdentityConventions;
}

export const DEFAULT_CONVENTIONS: IdentityConventions = Object.freeze({
  productIdAnnotation: 'mesh-momentum.io/product-id',
  domainAnnotation: 'mesh-momentum.io/domain',
  ownerTeamAnnotation: 'mesh-momentum.io/owner-team',
  tierAnnotation: 'mesh-momentum.io/tier',
  domainTopicPrefix: 'mm-domain-',
  productTopicPrefix: 'mm-product-',
  teamTopicPrefix: 'mm-team-',
  tierTopicPrefix: 'mm-tier-',
  toolDomainAsIs: true,
});

/** An empty mapping: conventions only. */
export const EMPTY_IDENTITY_CONFIG: IdentityConfig = Object.freeze({
  products: [],
  domains: [],
  conventions: DEFAULT_CONVENTIONS,
});

type Line = (path: readonly (string | number)[]) => number | undefined;

class Checker {
  readonly issues: MappingIssue[] = [];
  private readonly lineOf: Line;

  constructor(lineOf: Line) {
    this.lineOf = lineOf;
  }

  issue(entry: string, path: readonly (string | number)[], reason: string): void {
    const line = this.lineOf(path);
    this.issues.push(line === undefined ? { entry, reason } : { entry, line, reason });
  }

  keys(
    entry: string,
    path: readonly (string | number)[],
    value: Readonly<Record<string, unknown>>,
    allowed: readonly string[],
  ): void {
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key))
        this.issue(entry, [...path, key], `unknown key "${key}" (allowed: ${allowed.join(', ')})`);
    }
  }

  text(
    entry: string,
    path: readonly (string | number)[],
    value: unknown,
    options: { identifier?: boolean } = {},
  ): string | undefined {
    if (typeof value !== 'string' || value.trim() === '') {
      this.issue(entry, path, `${String(path.at(-1))} is required (a non-empty string)`);
      return undefined;
    }
    if (options.identifier && !IDENTIFIER.test(value)) {
      this.issue(entry, path, `${String(path.at(-1))} must not contain braces or whitespace`);
      return undefined;
    }
    return value;
  }

  tool(entry: string, path: readonly (string | number)[], value: unknown): ToolName | undefined {
    if (typeof value === 'string' && (TOOL_NAMES as readonly string[]).includes(value))
      return value as ToolName;
    this.issue(entry, path, `tool must be one of ${TOOL_NAMES.join(', ')}`);
    return undefined;
  }
}

function entryName(section: string, index: number, value: unknown): string {
  const ref = isRecord(value) && typeof value['ref'] === 'string' ? ` (${value['ref']})` : '';
  return `${section}[${index}]${ref}`;
}

function checkConventions(check: Checker, value: unknown): IdentityConventions {
  if (value === undefined) return DEFAULT_CONVENTIONS;
  if (!isRecord(value)) {
    check.issue('conventions', ['conventions'], 'must be a mapping');
    return DEFAULT_CONVENTIONS;
  }
  check.keys('conventions', ['conventions'], value, Object.keys(DEFAULT_CONVENTIONS));
  const out: Record<string, unknown> = { ...DEFAULT_CONVENTIONS };
  for (const [key, fallback] of Object.entries(DEFAULT_CONVENTIONS)) {
    const given = value[key];
    if (given === undefined) continue;
    if (typeof given !== typeof fallback || given === '') {
      check.issue(
        'conventions',
        ['conventions', key],
        `${key} must be a ${typeof fallback === 'boolean' ? 'boolean' : 'non-empty string'}`,
      );
    } else out[key] = given;
  }
  return Object.freeze(out) as unknown as IdentityConventions;
}

/**
 * Validates an identity mapping (already parsed) and returns it frozen. Every problem is reported at
 * once, naming the entry and its line.
 *
 * @throws MappingInvalidError (MM_ERR_MAPPING_INVALID).
 */
export function validateIdentityConfig(
  value: unknown,
  file: string,
  lineOf: Line = () => undefined,
): IdentityConfig {
  const check = new Checker(lineOf);
  if (value === null || value === undefined) return EMPTY_IDENTITY_CONFIG;
  if (!isRecord(value))
    throw new MappingInvalidError(file, [
      { entry: '(file)', reason: 'must be a mapping with products, domains, conventions' },
    ]);
  check.keys('(file)', [], value, ['products', 'domains', 'conventions']);

  const products: ProductMapping[] = [];
  const seen = new Set<string>();
  const list = (section: 'products' | 'domains'): readonly unknown[] => {
    const items = value[section];
    if (items === undefined) return [];
    if (Array.isArray(items)) return items;
    check.issue(section, [section], `${section} must be a list`);
    return [];
  };
  list('products').forEach((item, i) => {
    const entry = entryName('products', i, item);
    const path = ['products', i];
    if (!isRecord(item)) return check.issue(entry, path, 'must be a mapping');
    check.keys(entry, path, item, ['tool', 'ref', 'productId', 'domain', 'ownerTeam', 'tier']);
    const tool = check.tool(entry, [...path, 'tool'], item['tool']);
    const ref = check.text(entry, [...path, 'ref'], item['ref']);
    const productId = check.text(entry, [...path, 'productId'], item['productId'], { identifier: true });
    const domain = check.text(entry, [...path, 'domain'], item['domain'], { identifier: true });
    const ownerTeam =
      item['ownerTeam'] === undefined
        ? undefined
        : check.text(entry, [...path, 'ownerTeam'], item['ownerTeam']);
    const tier = item['tier'];
    if (tier !== undefined && !(DATA_PRODUCT_TIERS as readonly unknown[]).includes(tier)) {
      check.issue(entry, [...path, 'tier'], `tier must be one of ${DATA_PRODUCT_TIERS.join(', ')}`);
    }
    if (tool && ref && seen.has(`${tool}\n${ref}`))
      check.issue(entry, path, `${tool} ${ref} is mapped twice`);
    if (tool && ref) seen.add(`${tool}\n${ref}`);
    if (tool && ref && productId && domain) {
      products.push({
        tool,
        ref,
        productId,
        domain,
        ...(ownerTeam === undefined ? {} : { ownerTeam }),
        ...(tier === undefined ? {} : { tier: tier as DataProductTier }),
      });
    }
  });

  const domains: DomainMapping[] = [];
  const seenDomains = new Set<string>();
  list('domains').forEach((item, i) => {
    const entry = entryName('domains', i, item);
    const path = ['domains', i];
    if (!isRecord(item)) return check.issue(entry, path, 'must be a mapping');
    check.keys(entry, path, item, ['tool', 'ref', 'domain']);
    const tool = check.tool(entry, [...path, 'tool'], item['tool']);
    const ref = check.text(entry, [...path, 'ref'], item['ref']);
    const domain = check.text(entry, [...path, 'domain'], item['domain'], { identifier: true });
    if (tool && ref && seenDomains.has(`${tool}\n${ref}`))
      check.issue(entry, path, `${tool} ${ref} is mapped twice`);
    if (tool && ref) seenDomains.add(`${tool}\n${ref}`);
    if (tool && ref && domain) domains.push({ tool, ref, domain });
  });

  const conventions = checkConventions(check, value['conventions']);
  if (check.issues.length > 0) throw new MappingInvalidError(file, check.issues);
  return Object.freeze({ products: Object.freeze(products), domains: Object.freeze(domains), conventions });
}

/**
 * Parses and validates an identity mapping file's text (YAML or JSON).
 * @throws MappingInvalidError naming each entry and line.
 */
export function parseIdentityConfig(text: string, file: string): IdentityConfig {
  const source = parseYamlSource(text, file);
  return validateIdentityConfig(source.value, file, (path) => source.lineOf(path));
}
