#!/usr/bin/env node
import { run } from './program.ts';

// The exit code is set, not forced: open handles (sockets) close first, output is flushed.
process.exitCode = await run(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  cwd: process.cwd(),
});
