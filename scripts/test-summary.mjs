// Prints "N passed, N failed" from the vitest JSON reports in a folder (one per test project), so a
// run that executed no test cannot pass for one that did. With `--extra-failure-if-none-failed`, a run
// whose reports show no failure still counts one: a step failed without writing a report (lint,
// typecheck, a crash).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir = '.test-results', flag] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let reports = 0;
for (const file of existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : []) {
  const report = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += (report.numFailedTests ?? 0) + (report.numFailedTestSuites ?? 0);
  reports += 1;
}
if (failed === 0 && (reports === 0 || flag === '--extra-failure-if-none-failed')) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
