/**
 * Lists the skipped tests at the end of `npm test`, and why. The default
 * reporter only counts them ("3 skipped"), so a fresh clone without
 * ../shared/vectors, TigerVNC or chromium would pass without saying what it
 * did not test.
 */
import { relative } from "node:path";
import type { Reporter, TestModule } from "vitest/node";
import { skipReasons } from "./skip-reasons.ts";

export default class SkippedTestsReporter implements Reporter {
	onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
		const lines: string[] = [];
		let count = 0;
		for (const module of testModules) {
			const skipped = [...module.children.allTests("skipped")];
			if (skipped.length === 0) continue;
			count += skipped.length;
			lines.push(`  ${relative(process.cwd(), module.moduleId)} (${skipped.length}):`);
			for (const test of skipped) {
				const result = test.result();
				const note = result.state === "skipped" ? result.note : undefined;
				lines.push(`    - ${test.fullName}${note ? ` (${note})` : ""}`);
			}
		}
		if (count === 0) return;
		const reasons = skipReasons();
		const why =
			reasons.length > 0
				? ["Why:", ...reasons.map((r) => `  - ${r}`)]
				: ["Why: the test names above say (no setup reported a reason)."];
		process.stdout.write(
			`\n${count} test${count === 1 ? "" : "s"} skipped, not passed:\n${lines.join("\n")}\n${why.join("\n")}\n`,
		);
	}
}
