/**
 * The fuzz engine: a seeded PRNG, per-iteration seeds, and a runner that
 * sorts each outcome into accepted, rejected with one of our typed errors
 * (UserFacingError), or a failure. Pure module: no node: imports, so the same
 * targets run from the CLI (scripts/fuzz.ts, which adds time and memory
 * checks through a Probe) and inside workerd (test/fuzz.test.ts).
 */

import { UserFacingError } from "../../src/errors.ts";

/** sfc32: small, fast, and good enough to drive mutations; every draw is a function of the seed. */
export class Rng {
	#a: number;
	#b: number;
	#c: number;
	#d: number;

	constructor(seed: number) {
		this.#a = 0x9e3779b9;
		this.#b = 0x243f6a88;
		this.#c = 0xb7e15162;
		this.#d = seed >>> 0;
		for (let i = 0; i < 12; i++) this.u32();
	}

	u32(): number {
		const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
		this.#d = (this.#d + 1) | 0;
		this.#a = this.#b ^ (this.#b >>> 9);
		this.#b = (this.#c + (this.#c << 3)) | 0;
		this.#c = (this.#c << 21) | (this.#c >>> 11);
		this.#c = (this.#c + t) | 0;
		return t >>> 0;
	}

	/** 0 <= n < bound (bound >= 1). */
	below(bound: number): number {
		return Math.floor((this.u32() / 4294967296) * bound);
	}

	/** lo <= n <= hi. */
	int(lo: number, hi: number): number {
		return lo + this.below(hi - lo + 1);
	}

	chance(p: number): boolean {
		return this.u32() / 4294967296 < p;
	}

	pick<T>(items: readonly T[]): T {
		return items[this.below(items.length)];
	}

	bytes(n: number): Uint8Array {
		const out = new Uint8Array(n);
		for (let i = 0; i < n; i++) out[i] = this.u32() & 255;
		return out;
	}
}

/** 32-bit mix (murmur3 finaliser). */
function mix(h: number): number {
	h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
	h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
	return (h ^ (h >>> 16)) >>> 0;
}

function hashString(s: string): number {
	let h = 0x811c9dc5;
	for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
	return h >>> 0;
}

/** The seed of one iteration: what `--replay` takes to run that case alone. */
export function caseSeed(runSeed: number, target: string, iteration: number): number {
	return mix(mix(runSeed ^ hashString(target)) + Math.imul(iteration + 1, 0x9e3779b1));
}

/** One generated input, ready to run. */
export interface FuzzCase {
	/** The main bytes fed to the target, for the failure dump. */
	bytes: Uint8Array;
	/** Everything else the case uses (header fields, split points, options), in words. */
	note: string;
	/** Runs the case; returns what it keeps alive, so a probe can measure it. */
	run(): unknown;
}

export interface FuzzTarget {
	name: string;
	/** What it feeds and how it mutates, one line. */
	about: string;
	/** Builds the case of one iteration; a pure function of the generator's state. */
	make(rng: Rng): FuzzCase;
}

/** An accepted result that breaks the target's contract (wrong size, not opaque, ...). */
export class InvariantError extends Error {
	override name = "InvariantError";
}

/**
 * Node-side measurement around `run` (time, memory). `end` returns a failure
 * message, null, or "recheck": run the same case again with `strict` set
 * (the probe may then afford a garbage collection around it).
 */
export interface Probe {
	begin(strict: boolean): void;
	end(kept: unknown, strict: boolean): string | null | "recheck";
}

export type FailureKind = "crash" | "invariant" | "limit";

export interface Failure {
	target: string;
	iteration: number;
	seed: number;
	kind: FailureKind;
	message: string;
	stack?: string;
	input: FuzzCase;
}

export interface TargetReport {
	target: string;
	iterations: number;
	/** Ran to completion (including "needs more bytes" for streaming parsers). */
	accepted: number;
	/** Ended with a UserFacingError subclass. */
	rejected: number;
	/** Rejections by error class name. */
	rejectedBy: Record<string, number>;
	failures: Failure[];
	ms: number;
}

export type Outcome =
	| { verdict: "accepted"; input: FuzzCase }
	| { verdict: "rejected"; error: UserFacingError; input: FuzzCase }
	| { verdict: "failed"; kind: FailureKind; error: unknown; input: FuzzCase };

/** Builds and runs the case of one seed. */
export async function runCase(
	target: FuzzTarget,
	seed: number,
	probe?: Probe,
	strict = false,
): Promise<Outcome> {
	const input = target.make(new Rng(seed));
	probe?.begin(strict);
	let kept: unknown;
	let error: unknown;
	let threw = false;
	try {
		kept = input.run();
		if (kept instanceof Promise) kept = await kept;
	} catch (e) {
		threw = true;
		error = e;
	}
	const limit = probe ? probe.end(kept, strict) : null;
	if (limit === "recheck") return runCase(target, seed, probe, true);
	if (limit !== null) return { verdict: "failed", kind: "limit", error: limit, input };
	if (!threw) return { verdict: "accepted", input };
	if (error instanceof UserFacingError) return { verdict: "rejected", error, input };
	const kind = error instanceof InvariantError ? "invariant" : "crash";
	return { verdict: "failed", kind, error, input };
}

export interface FuzzOptions {
	seed: number;
	iterations: number;
	probe?: Probe;
	/** Stop the target after this many failures (default 5). */
	maxFailures?: number;
	now?: () => number;
}

export async function fuzzTarget(target: FuzzTarget, opts: FuzzOptions): Promise<TargetReport> {
	const now = opts.now ?? (() => Date.now());
	const started = now();
	const report: TargetReport = {
		target: target.name,
		iterations: 0,
		accepted: 0,
		rejected: 0,
		rejectedBy: {},
		failures: [],
		ms: 0,
	};
	const maxFailures = opts.maxFailures ?? 5;
	for (let i = 0; i < opts.iterations && report.failures.length < maxFailures; i++) {
		const seed = caseSeed(opts.seed, target.name, i);
		const out = await runCase(target, seed, opts.probe);
		report.iterations++;
		if (out.verdict === "accepted") {
			report.accepted++;
		} else if (out.verdict === "rejected") {
			report.rejected++;
			const name = out.error.name;
			report.rejectedBy[name] = (report.rejectedBy[name] ?? 0) + 1;
		} else {
			const e = out.error;
			report.failures.push({
				target: target.name,
				iteration: i,
				seed,
				kind: out.kind,
				message: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
				stack: e instanceof Error ? e.stack : undefined,
				input: out.input,
			});
		}
	}
	report.ms = now() - started;
	return report;
}

/** Up to `max` bytes as hex, 32 a line, with offsets. */
export function hexExcerpt(bytes: Uint8Array, max = 256): string {
	const lines: string[] = [];
	const n = Math.min(bytes.length, max);
	for (let at = 0; at < n; at += 32) {
		let line = `${at.toString(16).padStart(6, "0")} `;
		for (let i = at; i < Math.min(at + 32, n); i++)
			line += ` ${bytes[i].toString(16).padStart(2, "0")}`;
		lines.push(line);
	}
	if (bytes.length > n) lines.push(`... ${bytes.length - n} more bytes (${bytes.length} in all)`);
	return lines.join("\n");
}
