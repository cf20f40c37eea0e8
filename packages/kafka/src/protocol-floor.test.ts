import { describe, expect, it } from 'vitest';
import { describeFloorViolations, negotiateApis } from './protocol-floor.ts';

const apiKeys = { Produce: 0, DeleteTopics: 20, CreateAcls: 30 };
const client = { Produce: ['0', '3', '7'], DeleteTopics: ['0', '1'], CreateAcls: [0, 1] };

describe('negotiateApis', () => {
  it('sends the lower of the client maximum and the broker maximum, and accepts it at or above the floor', () => {
    const [produce, deleteTopics] = negotiateApis(['Produce', 'DeleteTopics'], apiKeys, client, {
      0: { minVersion: 3, maxVersion: 12 },
      20: { minVersion: 1, maxVersion: 6 },
    });
    expect(produce).toMatchObject({ api: 'Produce', clientMax: 7, sent: 7, belowFloor: false });
    expect(deleteTopics).toMatchObject({ api: 'DeleteTopics', clientMax: 1, sent: 1, belowFloor: false });
  });

  it('names the API whose floor a broker raised above what kafkajs implements', () => {
    const negotiations = negotiateApis(['Produce', 'DeleteTopics'], apiKeys, client, {
      0: { minVersion: 3, maxVersion: 12 },
      20: { minVersion: 2, maxVersion: 6 },
    });
    expect(describeFloorViolations(negotiations)).toEqual([
      'DeleteTopics (key 20): kafkajs sends v1 (implements up to v1), the broker accepts v2-v6',
    ]);
  });

  it('names an API the broker does not offer at all', () => {
    const negotiations = negotiateApis(['CreateAcls'], apiKeys, client, {});
    expect(negotiations[0]?.belowFloor).toBe(true);
    expect(describeFloorViolations(negotiations)).toEqual([
      'CreateAcls (key 30): the broker does not offer it',
    ]);
  });

  it('refuses a name kafkajs does not implement, so the list cannot silently check nothing', () => {
    expect(() => negotiateApis(['Produse'], apiKeys, client, {})).toThrow(
      'kafkajs implements no request named Produse',
    );
  });
});
