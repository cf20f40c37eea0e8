#!/usr/bin/env node
import { run } from './program.ts';

/**
 * Once the command is done, how long open handles (sockets closing, output flushing) may keep the
 * process alive before it exits anyway, ms: a broker that never answers must not hold a CI job forever.
 */
const EXIT_GRACE_MS = 2_000;

// The exit code is set, not forced: open handles (sockets) close first, output is flushed, within a bound.
process.exitCode = await run(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  cwd: process.cwd(),
});
setTimeout(() => process.exit(), EXIT_GRACE_MS).unref();
