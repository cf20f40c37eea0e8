#!/usr/bin/env node
// The container image's entry point (docs/image.md): `mesh-momentum <command> [arguments...]` runs one
// service or tool of commands.json from the compiled output, in this same process: node stays PID 1,
// so a service's own SIGTERM handling (graceful, bounded shutdown) is what `docker stop` reaches.
import { fileURLToPath } from 'node:url';
import COMMANDS from './commands.json' with { type: 'json' };

/** The image keeps the repository's layout: modules are named relative to its root (/app). */
const ROOT = new URL('../../', import.meta.url);

function usage() {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, { summary }]) => `  ${name.padEnd(width)}  ${summary}`);
  return ['usage: mesh-momentum <command> [arguments...]', '', 'commands:', ...lines, ''].join('\n');
}

const [name, ...args] = process.argv.slice(2);
if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
  process.stdout.write(usage());
  process.exitCode = name === undefined ? 2 : 0;
} else if (!Object.hasOwn(COMMANDS, name)) {
  process.stderr.write(`mesh-momentum: unknown command ${JSON.stringify(name)}\n\n${usage()}`);
  process.exitCode = 2;
} else {
  const command = COMMANDS[name];
  const modulePath = fileURLToPath(new URL(command.module, ROOT));
  if (!command.service) {
    // As PID 1, node ignores these signals unless something handles them: a tool ends on them as it
    // would anywhere else (128 + the signal's number). The services handle both themselves.
    process.once('SIGTERM', () => process.exit(143));
    process.once('SIGINT', () => process.exit(130));
  }
  // The command reads its arguments from process.argv, as when node runs it directly.
  process.argv = [process.argv[0], modulePath, ...args];
  await import(modulePath);
}
