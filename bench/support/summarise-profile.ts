import { readFileSync } from 'node:fs';
import { printTable } from './table.ts';

/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by function and by area (package or
 * workspace module), so the top costs of a benchmark can be read without a profiler UI.
 *
 *   node bench/support/summarise-profile.ts <file.cpuprofile> [top=30]
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Which part of the system a frame belongs to. */
export function areaOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(idle)' || functionName === '(program)') return functionName;
    return 'native/builtins';
  }
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1] as string;
  const ws = /\/(packages|services)\/([^/]+)\/src\/(.*)$/.exec(url);
  if (ws) return `${ws[1]}/${ws[2]}`;
  if (url.startsWith('node:')) return 'node internals';
  return url.replace(/^file:\/\/.*\/(bench|test)\//, '$1/');
}

/** Functions whose inclusive time (self + callees) tells where a processor batch goes. */
export const PIPELINE_FUNCTIONS = [
  'decodeBatch',
  'decodeKnown',
  'validateEvent',
  'applyPartitionBatch',
  'planDomainBatch',
  'mergeAggregates',
  'scoreOf',
  'refreshMesh',
  '#loadDomains',
  'aggregateFromHashes',
  'refreshOwned',
  'exec',
  'commitOffsets',
  'stringify',
];

export function summarise(file: string, top = 30, inclusive: readonly string[] = PIPELINE_FUNCTIONS): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
    total += dt;
  });
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = (byId.get(id) as ProfileNode).callFrame;
    const file = frame.url.replace(
      /^.*\/(node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?|work\/main\/)/,
      '',
    );
    const key = `${frame.functionName || '(anonymous)'}  ${file}${file ? `:${frame.lineNumber + 1}` : ''}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    const area = areaOf(frame);
    byArea.set(area, (byArea.get(area) ?? 0) + us);
  }
  const busy = total - (byArea.get('(idle)') ?? 0);
  const pct = (us: number) => `${((100 * us) / total).toFixed(1)}%`;
  const pctBusy = (us: number) => `${((100 * us) / busy).toFixed(1)}%`;
  console.log(
    `\n${file}: ${(total / 1e6).toFixed(2)} s sampled, ${(busy / 1e6).toFixed(2)} s busy (not idle)`,
  );
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  console.log('\nself time by area');
  printTable(
    ['area', 'self s', '% of all', '% of busy'],
    sorted(byArea).map(([k, us]) => [k, (us / 1e6).toFixed(2), pct(us), k === '(idle)' ? '-' : pctBusy(us)]),
  );
  // Inclusive time: a sample counts for every distinct function name on its stack.
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const wanted = new Set(inclusive);
  const inclusiveUs = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const names = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const name = (byId.get(n) as ProfileNode).callFrame.functionName;
      if (wanted.has(name)) names.add(name);
    }
    for (const name of names) inclusiveUs.set(name, (inclusiveUs.get(name) ?? 0) + us);
  }
  console.log('\ninclusive time (self + callees) of pipeline functions');
  printTable(
    ['function', 'incl s', '% of busy'],
    inclusive.map((f) => [f, ((inclusiveUs.get(f) ?? 0) / 1e6).toFixed(2), pctBusy(inclusiveUs.get(f) ?? 0)]),
  );
  console.log(`\ntop ${top} functions by self time`);
  printTable(
    ['function  file:line', 'self s', '% of busy'],
    sorted(byFunction)
      .filter(([k]) => !k.startsWith('(idle)'))
      .slice(0, top)
      .map(([k, us]) => [k, (us / 1e6).toFixed(2), pctBusy(us)]),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node bench/support/summarise-profile.ts <file.cpuprofile> [top]');
    process.exit(2);
  }
  summarise(file, Number(top ?? 30));
}
