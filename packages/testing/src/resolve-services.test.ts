import { describe, expect, it } from 'vitest';
import { serviceSourceFromEnv } from './resolve-services.ts';

describe('serviceSourceFromEnv', () => {
  it('uses the local infrastructure unless Docker is asked for, even where an engine answers', () => {
    expect(serviceSourceFromEnv({})).toBe('local');
    expect(serviceSourceFromEnv({ MM_TEST_SERVICES: '' })).toBe('local');
    expect(serviceSourceFromEnv({ MM_TEST_SERVICES: 'local' })).toBe('local');
    expect(serviceSourceFromEnv({ MM_TEST_SERVICES: 'docker' })).toBe('docker');
  });

  it('refuses any other value, naming the variable', () => {
    expect(() => serviceSourceFromEnv({ MM_TEST_SERVICES: 'podman' })).toThrow(
      'MM_TEST_SERVICES must be "local" or "docker", got "podman"',
    );
  });
});
