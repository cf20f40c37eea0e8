import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { REPO_ROOT, resolveServices, type ServiceEndpoints } from '@mesh-momentum/testing';
import { SASL_USERS, type SaslUsers } from './support/sasl.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    services: ServiceEndpoints;
    saslUsers: SaslUsers;
  }
}

const run = promisify(execFile);
const SCRIPT = resolve(REPO_ROOT, 'infra/local/kafka-sasl.sh');

async function kafkaSasl(...args: string[]): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await run('bash', [SCRIPT, ...args], { cwd: REPO_ROOT, timeout: 15 * 60_000 });
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` || e.message };
  }
}

/** `export NAME=value` lines (kafka-sasl.sh env USER) as variables. */
function parseExports(text: string): Record<string, string> {
  return Object.fromEntries(
    [...text.matchAll(/^export (MM_[A-Z_]+)=(.*)$/gm)].map((m) => [m[1] as string, m[2] as string]),
  );
}

/**
 * The `integration-kafka-sasl` project: the registry and Redis as for `integration`, plus the SASL_SSL
 * broker with ACLs (infra/local/kafka-sasl.sh), started for the run and purged afterwards unless it was
 * already running. Test files `inject('saslUsers')`: each user's MM_KAFKA_* variables.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const services = await resolveServices();
  const wasRunning = (await kafkaSasl('status')).ok;
  if (!wasRunning) {
    const up = await kafkaSasl('up');
    if (!up.ok)
      throw new Error(`could not start the SASL_SSL broker (infra/local/kafka-sasl.sh up):\n${up.output}`);
  }
  const users = {} as Record<(typeof SASL_USERS)[number], Record<string, string>>;
  for (const user of SASL_USERS) users[user] = parseExports((await kafkaSasl('env', user)).output);
  project.provide('services', services.endpoints);
  project.provide('saslUsers', users);
  console.warn(`integration-kafka-sasl: SASL_SSL broker ${users.admin['MM_KAFKA_BROKERS']}`);
  return async () => {
    if (!wasRunning) await kafkaSasl('down', '--purge');
    await services.stop();
  };
}
