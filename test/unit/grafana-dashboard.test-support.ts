/** A PromQL expression of a Grafana panel, with the panel's title. */
export interface GrafanaQuery {
  readonly panel: string;
  readonly expr: string;
}

interface Panel {
  readonly title?: string;
  readonly targets?: readonly { readonly expr?: string }[];
  readonly panels?: readonly Panel[];
}

/** Every PromQL expression of a Grafana dashboard's panels, rows' nested panels included. */
export function grafanaQueries(dashboard: unknown): GrafanaQuery[] {
  const out: GrafanaQuery[] = [];
  const walk = (panels: readonly Panel[] | undefined) => {
    for (const panel of panels ?? []) {
      for (const target of panel.targets ?? []) {
        if (target.expr) out.push({ panel: panel.title ?? '(untitled)', expr: target.expr });
      }
      walk(panel.panels);
    }
  };
  walk((dashboard as { panels?: Panel[] }).panels);
  return out;
}

/** The series names (`mm_…`) a PromQL expression reads. */
export const seriesNamesIn = (expr: string): string[] =>
  [...expr.matchAll(/\bmm_[a-z0-9_]+\b/g)].map((m) => m[0]);
