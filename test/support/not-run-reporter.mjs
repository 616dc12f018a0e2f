// A Jest reporter that repeats, after the summary, every spec registered as
// "NOT RUN: …" (test/support/browser.ts), so a run without a browser says so loudly.
export default class NotRunReporter {
  onRunComplete(_contexts, results) {
    const notRun = [];
    for (const file of results.testResults) {
      for (const test of file.testResults) {
        if (test.status === 'todo' && test.title.startsWith('NOT RUN:')) notRun.push(`${file.testFilePath}: ${[...test.ancestorTitles, test.title].join(' › ')}`);
      }
    }
    if (notRun.length === 0) return;
    const bar = '!'.repeat(78);
    process.stderr.write(`\n${bar}\n!! ${notRun.length} spec block(s) did NOT run on this machine:\n`);
    for (const line of notRun) process.stderr.write(`!!   ${line}\n`);
    process.stderr.write(`!! They are counted as "todo" above, not as passed. CI (REQUIRE_BROWSER=1) runs them.\n${bar}\n`);
  }
}
