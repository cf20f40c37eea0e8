// Prints the configuration table from ENV_VARIABLES and every service's section (scripts/config-sections.ts); with --write, replaces it in README.md between the
// config-table markers (run `pnpm format` afterwards; a unit test checks the two agree).
import { readFileSync, writeFileSync } from 'node:fs';
import { renderConfigTable } from '@mesh-momentum/common';
import { CONFIG_SECTIONS } from './config-sections.ts';

const table = renderConfigTable(CONFIG_SECTIONS);
if (process.argv.includes('--write')) {
  const readme = new URL('../README.md', import.meta.url);
  const text = readFileSync(readme, 'utf8');
  const replaced = text.replace(
    /<!-- config-table:start -->\n[\s\S]*?\n<!-- config-table:end -->/,
    `<!-- config-table:start -->\n${table}\n<!-- config-table:end -->`,
  );
  writeFileSync(readme, replaced);
  console.log('README.md configuration table updated');
} else {
  console.log(table);
}
