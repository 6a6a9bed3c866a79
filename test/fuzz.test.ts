/**
 * A small, fixed-seed sample of `npm run fuzz` (scripts/fuzz.ts), run inside
 * workerd: every target, a few hundred cases each. Time and memory limits are
 * the CLI's (Node) job; here a case fails on a crash or a broken invariant.
 */

import { describe, expect, it } from "vitest";
import {
	caseSeed,
	type FuzzTarget,
	fuzzTarget,
	InvariantError,
	runCase,
} from "../scripts/fuzz/engine.ts";
import { capture, fuzzTargets } from "../scripts/fuzz/targets/index.ts";
import { ProtocolError } from "../src/errors.ts";
import { CAPTURE_HEADERS } from "./support/captures.ts";
import { vector, vectorsPresent } from "./support/vectors.ts";

const ITERATIONS = 300;
const SEED = 20250101;

const captures = vectorsPresent
	? Object.keys(CAPTURE_HEADERS).map((name) =>
			capture(`${name}.bin`, vector(`ast2x00/${name}.bin`)),
		)
	: [];

describe("fuzz sample", () => {
	for (const target of fuzzTargets(captures)) {
		it(`${target.name}: ${ITERATIONS} cases without a crash`, async () => {
			const report = await fuzzTarget(target, { seed: SEED, iterations: ITERATIONS });
			const failures = report.failures.map(
				(f) => `${f.kind} at case seed ${f.seed}: ${f.message}\n${f.input.note.slice(0, 300)}`,
			);
			expect(failures).toEqual([]);
			expect(report.iterations).toBe(ITERATIONS);
			expect(report.accepted + report.rejected).toBe(ITERATIONS);
			// Mutations must reach both outcomes, or the target is not exercising the parser.
			if (target.name !== "enc-raw") expect(report.rejected).toBeGreaterThan(0);
			expect(report.accepted).toBeGreaterThan(0);
		});
	}
});

describe("fuzz engine", () => {
	const thrower = (error: () => unknown): FuzzTarget => ({
		name: "thrower",
		about: "throws",
		make: (rng) => ({
			bytes: rng.bytes(4),
			note: "",
			run() {
				throw error();
			},
		}),
	});

	it("counts typed errors as rejections and anything else as a failure", async () => {
		expect(
			(
				await runCase(
					thrower(() => new ProtocolError("bad")),
					1,
				)
			).verdict,
		).toBe("rejected");
		const crash = await runCase(
			thrower(() => new TypeError("x is undefined")),
			1,
		);
		expect(crash).toMatchObject({ verdict: "failed", kind: "crash" });
		const broken = await runCase(
			thrower(() => new InvariantError("wrong size")),
			1,
		);
		expect(broken).toMatchObject({ verdict: "failed", kind: "invariant" });
		const report = await fuzzTarget(
			thrower(() => new RangeError("offset")),
			{
				seed: 1,
				iterations: 10,
				maxFailures: 3,
			},
		);
		expect(report.failures.map((f) => f.seed)).toEqual(
			[0, 1, 2].map((i) => caseSeed(1, "thrower", i)),
		);
	});

	it("makes the same case from the same seed", async () => {
		for (const target of fuzzTargets([])) {
			const seed = caseSeed(7, target.name, 3);
			const a = (await runCase(target, seed)).input;
			const b = (await runCase(target, seed)).input;
			expect(a.bytes).toEqual(b.bytes);
			expect(a.note).toBe(b.note);
		}
	});
});
