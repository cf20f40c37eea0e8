// Prints the configuration table from ENV_VARIABLES and every service's section (scripts/config-sections.ts); with --write, replaces it in
// docs/configuration.md between the config-table markers (run `pnpm format` afterwards; a unit test checks the two agree).
import { readFileSync, writeFileSync } from 'node:fs';
import { renderConfigTable } from '@mesh-momentum/common';
import { commandLine } from '@mesh-momentum/service-kit';
import { CONFIG_SECTIONS } from './config-sections.ts';

const { values } = commandLine({
  name: 'docs:config',
  synopsis: '[--write]',
  description:
    'Prints the table of every MM_* configuration variable, its default and meaning, from the code.',
  optionHelp: ['--write      replace the table in docs/configuration.md instead of printing it'],
  options: { write: { type: 'boolean' } },
});

const table = renderConfigTable(CONFIG_SECTIONS);
if (values.write === true) {
  const doc = new URL('../docs/configuration.md', import.meta.url);
  const text = readFileSync(doc, 'utf8');
  const replaced = text.replace(
    /<!-- config-table:start -->\n[\s\S]*?\n<!-- config-table:end -->/,
    `<!-- config-table:start -->\n${table}\n<!-- config-table:end -->`,
  );
  writeFileSync(doc, replaced);
  console.log('docs/configuration.md: configuration table updated');
} else {
  console.log(table);
}
