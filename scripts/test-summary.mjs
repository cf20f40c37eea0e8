// Prints "N passed, N failed" from the vitest JSON reports in a folder (one per test project), so a
// run that executed no test cannot pass for one that did. `--extra-failure` adds one failure for a
// step that failed without writing a report (lint, typecheck, a crash).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir = '.test-results', flag] = process.argv.slice(2);
let passed = 0;
let failed = flag === '--extra-failure' ? 1 : 0;
let reports = 0;
for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
  const report = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += (report.numFailedTests ?? 0) + (report.numFailedTestSuites ?? 0);
  reports += 1;
}
if (reports === 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
