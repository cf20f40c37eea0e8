import type { ImportReport } from './run-import.ts';

/** The summary `pnpm ingest:import` prints: counts per type and domain, then every unmapped, refused and skipped item. */
export function formatImportReport(report: ImportReport, source: string): string[] {
  const seconds = report.elapsedMs / 1_000;
  const rate = seconds > 0 ? Math.round(report.events / seconds) : report.events;
  const lines = [
    `${report.dryRun ? 'Dry run of the import' : 'Imported'} ${report.tool} history of ${source}` +
      `${report.resumed ? ' (resumed from its checkpoint)' : ''}: ${report.events} events` +
      `${report.dryRun ? ' would be sent' : ' acknowledged by Kafka'}, ${report.pages} pages in ` +
      `${seconds.toFixed(1)} s (${rate} events/s)`,
  ];
  for (const [type, byDomain] of Object.entries(report.counts).sort()) {
    const domains = Object.entries(byDomain)
      .sort()
      .map(([domain, n]) => `${domain} ${n}`);
    lines.push(`  ${type}: ${domains.join(', ')}`);
  }
  if (report.tool === 'dmm') {
    // The live poller's rounds record their unmapped and refused items themselves.
    lines.push('  unmapped entities and refused items: GET /v1/admin/unmapped on the gateway');
    return lines;
  }
  const list = (title: string, items: readonly string[]) => {
    lines.push(`  ${title}: ${items.length}`);
    for (const item of items) lines.push(`    ${item}`);
  };
  list(
    'unmapped entities (not in the identity mapping)',
    report.unmapped.map((u) => `${u.ref}: ${u.reason}`),
  );
  list(
    'refused items',
    report.refused.map((r) => `${r.ref}: ${r.reason}`),
  );
  list(
    'left out on purpose',
    report.skipped.map((s) => `${s.ref}: ${s.reason}`),
  );
  return lines;
}
