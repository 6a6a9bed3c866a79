/**
 * Mutation fuzzing of the parsers and decoders (targets in scripts/fuzz/).
 *
 *   npm run fuzz -- --iterations 20000 [--seed 1] [--target ast2x00,rfb]
 *   npm run fuzz -- --target rfb --replay 123456789     (one case, by its seed)
 *
 * --iterations is per target. A case fails on an exception that is not a
 * UserFacingError (ProtocolError, LimitError, ConfigError, KvmError, OvhError...),
 * on a broken invariant of an accepted result, on taking longer than
 * --time-limit ms (default 1000), or on memory (see MemoryProbe). Failing
 * inputs go to --out (default /tmp/fuzz-failures). Exit status 1 on any failure.
 */

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { CAPTURE_HEADERS } from "../test/support/captures.ts";
import {
	type Failure,
	type FuzzTarget,
	fuzzTarget,
	hexExcerpt,
	type Probe,
	runCase,
	type TargetReport,
} from "./fuzz/engine.ts";
import { capture, fuzzTargets } from "./fuzz/targets/index.ts";

const MIB = 1 << 20;

const { values } = parseArgs({
	options: {
		iterations: { type: "string", default: "1000" },
		seed: { type: "string", default: "1" },
		target: { type: "string" },
		replay: { type: "string" },
		out: { type: "string", default: "/tmp/fuzz-failures" },
		"time-limit": { type: "string", default: "1000" },
		"memory-limit": { type: "string", default: "64" },
	},
});

const iterations = Number(values.iterations);
const runSeed = Number(values.seed) >>> 0;
const timeLimitMs = Number(values["time-limit"]);
const retainLimit = Number(values["memory-limit"]) * MIB;
/** A single input may churn through more than it keeps (freed buffers not yet collected), but not this much. */
const transientLimit = 4 * retainLimit;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const memory = () => {
	const m = process.memoryUsage();
	return m.arrayBuffers + m.heapUsed;
};

/**
 * Time and memory of one input. Memory is ArrayBuffer backing stores plus
 * the JS heap in use, before and after `run`, without a collection in
 * between: the growth counts what the input allocated and has not yet been
 * collected. When that passes the retained limit the case is run again
 * (cases are deterministic) with a full GC before and after, holding what
 * the target keeps alive: it fails if it then still holds more than the
 * retained limit, or if it allocated more than 4x that between the two
 * collections. A GC that V8 runs by itself inside an input can hide a
 * transient allocation from the first pass; that is the honest limit of
 * measuring from outside instead of instrumenting every allocation.
 */
class MemoryProbe implements Probe {
	#t0 = 0;
	#m0 = 0;
	maxGrowth = 0;
	maxRetained = 0;
	rechecks = 0;
	slowest = 0;

	begin(strict: boolean): void {
		if (strict) gc();
		this.#m0 = memory();
		this.#t0 = performance.now();
	}

	end(kept: unknown, strict: boolean): string | null | "recheck" {
		const ms = performance.now() - this.#t0;
		const growth = memory() - this.#m0;
		this.slowest = Math.max(this.slowest, ms);
		this.maxGrowth = Math.max(this.maxGrowth, growth);
		if (ms > timeLimitMs) return `took ${ms.toFixed(0)} ms (limit ${timeLimitMs} ms)`;
		if (!strict) {
			// Keep the baseline low so that V8's own collections rarely land inside an input.
			if (process.memoryUsage().arrayBuffers > 256 * MIB) gc();
			if (growth <= retainLimit) return null;
			this.rechecks++;
			return "recheck";
		}
		const retained = collectHolding(kept) - this.#m0;
		this.maxRetained = Math.max(this.maxRetained, retained);
		if (retained > retainLimit) {
			return `keeps ${(retained / MIB).toFixed(1)} MiB after GC (limit ${retainLimit / MIB} MiB)`;
		}
		if (growth > transientLimit) {
			return `allocated ${(growth / MIB).toFixed(1)} MiB for one input (limit ${transientLimit / MIB} MiB)`;
		}
		return null;
	}
}

/** Memory after a full GC, with `kept` still reachable (it is used after the collection). */
function collectHolding(kept: unknown): number {
	gc();
	const m = memory();
	return kept === collectHolding ? 0 : m;
}

function loadCaptures() {
	const dir = resolve(import.meta.dirname, "../../shared/vectors/ast2x00");
	if (!existsSync(dir)) {
		console.log(`note: ${dir} is absent; the ast2x00 target uses encoder seeds only`);
		return [];
	}
	return readdirSync(dir)
		.filter((name) => name.replace(/\.bin$/, "") in CAPTURE_HEADERS)
		.sort()
		.map((name) => capture(name, new Uint8Array(readFileSync(join(dir, name)))));
}

function selectTargets(all: FuzzTarget[]): FuzzTarget[] {
	if (!values.target) return all;
	const wanted = values.target.split(",");
	for (const name of wanted) {
		if (!all.some((t) => t.name === name)) {
			console.error(`unknown target ${name}; targets: ${all.map((t) => t.name).join(", ")}`);
			process.exit(2);
		}
	}
	return all.filter((t) => wanted.includes(t.name));
}

function saveFailure(f: Failure): string {
	mkdirSync(values.out as string, { recursive: true });
	const base = join(values.out as string, `${f.target}-${f.seed}`);
	writeFileSync(`${base}.bin`, f.input.bytes);
	writeFileSync(
		`${base}.txt`,
		`target ${f.target}\nreplay: npm run fuzz -- --target ${f.target} --replay ${f.seed}\n` +
			`iteration ${f.iteration} of run seed ${runSeed}\nkind ${f.kind}\n${f.message}\n\n` +
			`${f.input.note}\n\n${f.stack ?? ""}\n`,
	);
	return base;
}

function printFailure(f: Failure): void {
	console.log(`\nFAIL ${f.target} iteration ${f.iteration}, case seed ${f.seed} (${f.kind})`);
	console.log(`  ${f.message}`);
	if (f.stack) console.log(f.stack.split("\n").slice(1, 6).join("\n"));
	console.log(`  ${f.input.note.slice(0, 600)}`);
	console.log(hexExcerpt(f.input.bytes, 128).replace(/^/gm, "  "));
	console.log(`  saved to ${saveFailure(f)}.{bin,txt}`);
	console.log(`  replay: npm run fuzz -- --target ${f.target} --replay ${f.seed}`);
}

const pad = (s: string | number, n: number) => String(s).padStart(n);

async function main(): Promise<void> {
	const targets = selectTargets(fuzzTargets(loadCaptures()));

	if (values.replay !== undefined) {
		if (targets.length !== 1) {
			console.error("--replay needs exactly one --target");
			process.exit(2);
		}
		const seed = Number(values.replay) >>> 0;
		const probe = new MemoryProbe();
		const out = await runCase(targets[0], seed, probe);
		console.log(`${targets[0].name} case ${seed}: ${out.verdict}`);
		console.log(out.input.note);
		console.log(hexExcerpt(out.input.bytes, 512));
		if (out.verdict === "failed") {
			console.log(out.error instanceof Error ? out.error.stack : String(out.error));
			process.exit(1);
		}
		if (out.verdict === "rejected") console.log(`${out.error.name}: ${out.error.message}`);
		return;
	}

	console.log(
		`fuzz: ${iterations} iterations per target, run seed ${runSeed}, time limit ${timeLimitMs} ms, ` +
			`memory: retained ${retainLimit / MIB} MiB / transient ${transientLimit / MIB} MiB per input`,
	);
	const started = performance.now();
	const reports: { report: TargetReport; probe: MemoryProbe }[] = [];
	for (const target of targets) {
		const probe = new MemoryProbe();
		const report = await fuzzTarget(target, {
			seed: runSeed,
			iterations,
			probe,
			now: () => performance.now(),
		});
		reports.push({ report, probe });
		const r = report;
		console.log(
			`${r.target.padEnd(14)} ${pad(r.iterations, 7)} iterations ${pad(r.accepted, 7)} accepted ` +
				`${pad(r.rejected, 7)} rejected ${pad(r.failures.length, 3)} failed ` +
				`${pad((r.ms / 1000).toFixed(1), 6)} s  slowest ${probe.slowest.toFixed(1)} ms  ` +
				`max growth ${(probe.maxGrowth / MIB).toFixed(1)} MiB` +
				(probe.rechecks > 0
					? ` (${probe.rechecks} rechecked, max retained ${(probe.maxRetained / MIB).toFixed(1)} MiB)`
					: ""),
		);
		const why = Object.entries(r.rejectedBy)
			.map(([k, v]) => `${k} ${v}`)
			.join(", ");
		if (why) console.log(`${"".padEnd(14)} rejected by: ${why}`);
		for (const f of r.failures) printFailure(f);
	}
	const total = reports.reduce((n, { report }) => n + report.iterations, 0);
	const failed = reports.reduce((n, { report }) => n + report.failures.length, 0);
	console.log(
		`\n${total} cases over ${reports.length} targets in ${((performance.now() - started) / 1000).toFixed(1)} s: ` +
			(failed === 0 ? "no failures" : `${failed} FAILURES`),
	);
	if (failed > 0) process.exit(1);
}

await main();
