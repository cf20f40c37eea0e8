import type { ConfigSection, VariableSpecs } from './config-section.ts';
import { ENV_VARIABLES } from './config.ts';

function rows(specs: VariableSpecs, usedBy: string): string[] {
  return Object.entries(specs).map(([name, spec]) => {
    const shown =
      spec.default === undefined ? '(required)' : spec.default === '' ? '(empty)' : `\`${spec.default}\``;
    return `| \`${name}\` | ${usedBy} | ${shown} | ${spec.doc.replace(/\|/g, '\\|')} |`;
  });
}

/**
 * The configuration table of docs/configuration.md: the shared variables, then each service's section, rendered from
 * the definitions so the two cannot drift.
 */
export function renderConfigTable(sections: readonly ConfigSection[] = []): string {
  return [
    '| variable | read by | default | meaning |',
    '| --- | --- | --- | --- |',
    ...rows(ENV_VARIABLES, 'all'),
    ...sections.flatMap((s) => rows(s.variables, s.name)),
  ].join('\n');
}
