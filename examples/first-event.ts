import { loadConfig } from '@mesh-momentum/common';
import { createMeshMomentumProducer } from '@mesh-momentum/sdk';

const producer = createMeshMomentumProducer({ config: loadConfig(), source: 'https://catalog.example.com' });
await producer.dataProductPublished({
  domain: 'payments',
  productId: 'payments.orders-daily',
  name: 'Orders (daily)',
  version: '1.0.0',
  ownerTeam: 'payments-data',
  tier: 'standard',
});
await producer.close();
