import { ENV_VARIABLES } from './config.ts';

/** The README's configuration table, rendered from ENV_VARIABLES so the two cannot drift. */
export function renderConfigTable(): string {
  const rows = Object.entries(ENV_VARIABLES).map(([name, spec]) => {
    const shown =
      spec.default === undefined ? '(required)' : spec.default === '' ? '(empty)' : `\`${spec.default}\``;
    return `| \`${name}\` | ${shown} | ${spec.doc.replace(/\|/g, '\\|')} |`;
  });
  return ['| variable | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}
