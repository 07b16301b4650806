// Prints the plain totals line CI reads ("N passed, N failed[, N skipped]") from Vitest's JSON report.
// A missing or unreadable report counts as a failure, never as zero tests passed.
import { readFileSync } from 'node:fs';

const file = process.argv[2];
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
  console.log(`test-totals: no readable Vitest report at ${file} (${error.message})`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const passed = report.numPassedTests ?? 0;
// A file that failed without a failing test (it did not load, or a hook threw) counts once; a failing test is not
// counted again through the describe blocks around it.
const files = Array.isArray(report.testResults) ? report.testResults : undefined;
const brokenFiles = files
  ? files.filter((f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed')).length
  : (report.numFailedTests ?? 0) === 0
    ? (report.numFailedTestSuites ?? 0)
    : 0;
const failed = (report.numFailedTests ?? 0) + brokenFiles;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
