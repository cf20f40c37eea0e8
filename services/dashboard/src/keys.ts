/**
 * The dashboard's own Redis key, built here and nowhere else; docs/redis-contract.md lists it with every
 * other key. Outside any score namespace, so a rebuild keeps the targets; one hash used by single
 * commands, so it works on a Redis Cluster as it is.
 */
export function dashboardKeys(prefix: string) {
  return {
    /** Hash: `<scopeId>|<metric>` → target JSON (targets.ts): the targets programme leads set. */
    targets: `${prefix}:dashboard:targets`,
  } as const;
}
