// Every service's own configuration section, in the order docs/configuration.md lists them. A new service
// adds its section here; `pnpm docs:config --write` regenerates the table and a unit test checks it.
import type { ConfigSection } from '@mesh-momentum/common';
import { ALERTER_SECTION } from '@mesh-momentum/alerter';
import { DASHBOARD_SECTION } from '@mesh-momentum/dashboard';
import { INGEST_SECTION } from '@mesh-momentum/ingest';
import { PROCESSOR_SECTION } from '@mesh-momentum/processor';

export const CONFIG_SECTIONS: readonly ConfigSection[] = [
  PROCESSOR_SECTION,
  INGEST_SECTION,
  DASHBOARD_SECTION,
  ALERTER_SECTION,
];
