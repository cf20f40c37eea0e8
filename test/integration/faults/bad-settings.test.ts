import { afterEach, describe, expect, inject, it } from 'vitest';
import { isolatedEnv } from '@mesh-momentum/testing';
import { ProcessorProcess } from '../support/service-process.ts';

const processes: ProcessorProcess[] = [];
afterEach(async () => {
  await Promise.all(processes.splice(0).map((p) => p.stop(5_000)));
});

function processor(name: string, env: Record<string, string>): ProcessorProcess {
  const child = new ProcessorProcess(isolatedEnv(inject('services'), { name, env }));
  processes.push(child);
  return child;
}

describe('settings that used to be accepted and then did nothing useful', () => {
  it('a Redis URL naming a database that does not exist is refused at start-up', async () => {
    const services = inject('services');
    const child = processor('redis-db-99', { MM_REDIS_URL: `${services.redisUrl.replace(/\/\d*$/, '')}/99` });
    const exit = await child.exited();
    expect(exit.code).toBe(1);
    expect(child.output).toContain('MM_REDIS_URL: database 99 does not exist on this server');
  });

  it('a wildcard bind is logged as the address it is, and answers on loopback', async () => {
    const child = processor('wildcard-bind', {
      MM_PROCESSOR_HTTP_HOST: '0.0.0.0',
      MM_PROCESSOR_HTTP_PORT: '0',
      MM_LOG_LEVEL: 'info',
    });
    const url = await child.opsUrl();
    const line = child.output.split('\n').find((l) => l.includes('health and metrics server listening'));
    expect(JSON.parse(line ?? '{}')).toMatchObject({ host: '0.0.0.0' });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});
