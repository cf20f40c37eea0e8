import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

function capture(): { stream: PassThrough; lines: () => Record<string, unknown>[] } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return {
    stream,
    lines: () =>
      Buffer.concat(chunks)
        .toString('utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('createLogger', () => {
  it('redacts credentials wherever config objects carry them', () => {
    const out = capture();
    const logger = createLogger({ name: 'test', destination: out.stream });
    logger.info(
      {
        kafka: { sasl: { mechanism: 'plain', username: 'mm', password: 'hunter2' } },
        registry: { auth: { username: 'u', password: 'hunter3' } },
        redis: { url: 'redis://:hunter4@host:6379' },
        headers: { authorization: 'Bearer hunter5' },
      },
      'config loaded',
    );
    const text = JSON.stringify(out.lines());
    for (const secret of ['hunter2', 'hunter3', 'hunter4', 'hunter5']) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
    expect(out.lines()[0]).toMatchObject({ service: 'test', msg: 'config loaded' });
  });

  it('removes URL credentials from messages, errors, arguments and unexpected fields', () => {
    const out = capture();
    const logger = createLogger({ name: 'test', destination: out.stream });
    const failure = new Error('connect to redis://default:hunter6@redis:6379 failed');
    logger.error(failure);
    logger.error({ err: failure, target: { endpoint: 'https://svc:hunter7@registry/api' } }, 'retrying');
    logger.warn('registry %s unreachable', 'http://user:hunter8@registry:8081');
    logger.info('plain message about http://user:hunter9@x/');
    const lines = out.lines();
    const text = JSON.stringify(lines);
    for (const secret of ['hunter6', 'hunter7', 'hunter8', 'hunter9']) expect(text).not.toContain(secret);
    // The rest of each URL stays readable, and an Error first keeps pino's `err` + `msg` shape.
    expect(lines[0]).toMatchObject({
      msg: 'connect to redis://[redacted]@redis:6379 failed',
      err: { type: 'Error', message: 'connect to redis://[redacted]@redis:6379 failed' },
    });
    expect(lines[2]?.['msg']).toBe('registry http://[redacted]@registry:8081 unreachable');
  });

  it('lets child loggers name their component', () => {
    const out = capture();
    createLogger({ name: 'processor', destination: out.stream }).child({ component: 'consumer' }).warn('x');
    expect(out.lines()[0]).toMatchObject({ service: 'processor', component: 'consumer', level: 40 });
  });
});
