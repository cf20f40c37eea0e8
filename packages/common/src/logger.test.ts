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

  it('lets child loggers name their component', () => {
    const out = capture();
    createLogger({ name: 'processor', destination: out.stream }).child({ component: 'consumer' }).warn('x');
    expect(out.lines()[0]).toMatchObject({ service: 'processor', component: 'consumer', level: 40 });
  });
});
