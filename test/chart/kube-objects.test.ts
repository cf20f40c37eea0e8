import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  PRODUCTION_VALUES,
  Rendered,
  buildKubeValidate,
  type KubeValidate,
  type KubeVerdict,
} from './chart.ts';

/**
 * Every object the chart renders decodes into its Kubernetes API type with unknown fields refused
 * (test/chart/kube-validate, k8s.io/api): a misspelt or misplaced field fails here instead of being
 * dropped silently by the API server. `helm lint` checks none of that. ServiceMonitors (a custom
 * resource) are not checked; helm-chart.test.ts checks what they scrape.
 */

const UNCHECKED_KINDS = ['ServiceMonitor'];

let kubeValidate: KubeValidate;
const validate = (manifests: string): KubeVerdict[] => kubeValidate.run(manifests);
beforeAll(() => {
  kubeValidate = buildKubeValidate();
});
afterAll(() => kubeValidate.remove());

describe('the rendered objects are valid Kubernetes API objects', () => {
  it.each([
    ['default values', {}],
    [
      'values-production.yaml with the rebuild Job',
      { values: [PRODUCTION_VALUES], set: ['scoresRebuild.enabled=true'] },
    ],
  ])('with %s', (_name, options) => {
    const rendered = new Rendered(options);
    const verdicts = validate(rendered.text);
    expect(verdicts.map((v) => `${v.kind}/${v.name}`).sort()).toEqual(
      rendered.objects.map((o) => `${o.kind}/${o.metadata.name}`).sort(),
    );
    expect(verdicts.filter((v) => v.error !== undefined)).toEqual([]);
    const unchecked = new Set(verdicts.filter((v) => !v.checked).map((v) => v.kind));
    for (const kind of unchecked) expect(UNCHECKED_KINDS, `${kind} is not checked`).toContain(kind);
  });

  it('and a misspelt field is refused, naming it', () => {
    const [deployment] = new Rendered().ofKind('Deployment');
    const broken = structuredClone(deployment) as unknown as {
      spec: { template: { spec: { containers: { securityContext: Record<string, unknown> }[] } } };
    };
    broken.spec.template.spec.containers[0]!.securityContext['readOnlyRootFilesytem'] = true;
    const [verdict] = validate(stringify(broken));
    expect(verdict?.error).toMatch(/unknown field "readOnlyRootFilesytem"/);
  });
});
