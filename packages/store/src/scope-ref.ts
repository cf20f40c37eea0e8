import type { ScopeKind } from '@mesh-momentum/scoring';
import { MESH_TAG, scopeId, type DomainScope } from './keys.ts';

/** Any scope a reader can name: the mesh, a domain, or a data product of a domain. */
export type ScopeRef =
  | { readonly kind: 'mesh' }
  | { readonly kind: 'domain'; readonly domain: string }
  | { readonly kind: 'product'; readonly domain: string; readonly productId: string };

export const MESH_REF: ScopeRef = { kind: 'mesh' };

export const domainRef = (domain: string): ScopeRef => ({ kind: 'domain', domain });

export const productRef = (domain: string, productId: string): ScopeRef => ({
  kind: 'product',
  domain,
  productId,
});

/**
 * A stable string for maps and URLs: `mesh`, `<domain>` or `<domain>/<productId>` (domains and
 * product ids contain no whitespace or braces; a domain never contains `/` in this key's use).
 */
export function refKey(ref: ScopeRef): string {
  if (ref.kind === 'mesh') return 'mesh';
  return ref.kind === 'domain' ? ref.domain : `${ref.domain}/${ref.productId}`;
}

/** The scope kind, for the per-kind scoring settings. */
export function kindOf(ref: ScopeRef): ScopeKind {
  return ref.kind;
}

/** The hash tag of the slot the scope's keys live in. */
export function tagOf(ref: ScopeRef): string {
  return ref.kind === 'mesh' ? MESH_TAG : ref.domain;
}

/** The scope within its domain's slot (keys' `<scope>` part); undefined for the mesh. */
export function domainScopeOf(ref: ScopeRef): DomainScope | undefined {
  if (ref.kind === 'mesh') return undefined;
  return ref.kind === 'domain' ? { kind: 'domain' } : { kind: 'product', productId: ref.productId };
}

/** The ref a notification's (domain, scope id) names: `domain`, `product:<id>` or `mesh`. */
export function refFromScopeId(domain: string, id: string): ScopeRef {
  if (id === 'mesh') return MESH_REF;
  if (id === scopeId({ kind: 'domain' })) return domainRef(domain);
  return productRef(domain, id.slice('product:'.length));
}
