// A Jest reporter writing JUnit XML to the file named by E2E_JUNIT (npm run test:e2e:remote),
// for QA dashboards. One <testsuite> per spec file, one <testcase> per test; failures carry
// their message, todo tests (NOT RUN, see browser.ts) are <skipped/>.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';

const escape = (text) =>
  String(text)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

export default class JunitReporter {
  constructor(globalConfig, options = {}) {
    this.rootDir = globalConfig.rootDir;
    this.outputFile = options.outputFile ?? process.env.E2E_JUNIT;
  }

  onRunComplete(_contexts, results) {
    if (!this.outputFile) return;
    const suites = results.testResults.map((file) => {
      const name = relative(this.rootDir, file.testFilePath);
      const cases = file.testResults.map((test) => {
        const title = escape([...test.ancestorTitles, test.title].join(' › '));
        const time = ((test.duration ?? 0) / 1000).toFixed(3);
        const body =
          test.status === 'failed'
            ? `<failure message="${escape(test.failureMessages[0]?.split('\n')[0] ?? 'failed')}">${escape(test.failureMessages.join('\n'))}</failure>`
            : test.status === 'passed'
              ? ''
              : '<skipped/>';
        return `    <testcase classname="${escape(name)}" name="${title}" time="${time}">${body}</testcase>`;
      });
      if (file.testExecError) cases.push(`    <testcase classname="${escape(name)}" name="(suite)"><error message="${escape(file.testExecError.message)}"/></testcase>`);
      const failures = file.numFailingTests + (file.testExecError ? 1 : 0);
      const skipped = file.numPendingTests + file.numTodoTests;
      const time = ((file.perfStats.end - file.perfStats.start) / 1000).toFixed(3);
      return `  <testsuite name="${escape(name)}" tests="${cases.length}" failures="${failures}" skipped="${skipped}" time="${time}">\n${cases.join('\n')}\n  </testsuite>`;
    });
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="refresh-token-service e2e" tests="${results.numTotalTests}" failures="${results.numFailedTests}">\n${suites.join('\n')}\n</testsuites>\n`;
    mkdirSync(dirname(this.outputFile), { recursive: true });
    writeFileSync(this.outputFile, xml);
  }
}
