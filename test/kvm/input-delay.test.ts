/**
 * INPUT_DELAY_MS: the pause after each AMI keyboard or mouse report, for
 * BIOSes that double or drop keys sent back to back. Parsed strictly; the
 * console link keeps at least that much time between reports.
 */
import { describe, expect, it } from "vitest";
import { parseLimits } from "../../src/config.ts";
import { ConfigError } from "../../src/errors.ts";
import { typeText } from "../../src/input/index.ts";
import { openFlatConsole } from "./flat-console.ts";

const limits = (INPUT_DELAY_MS?: string) => parseLimits({ INPUT_DELAY_MS } as Env);

describe("INPUT_DELAY_MS", () => {
	it("is a whole number of milliseconds from 0 to 1000; unset keeps the protocol's default", () => {
		expect(limits().inputDelayMs).toBeUndefined();
		expect(limits(" ").inputDelayMs).toBeUndefined();
		expect(limits("0").inputDelayMs).toBe(0);
		expect(limits("80").inputDelayMs).toBe(80);
		for (const bad of ["-1", "1001", "2.5", "fast"]) {
			expect(() => limits(bad)).toThrow(ConfigError);
			expect(() => limits(bad)).toThrow(
				`INPUT_DELAY_MS must be a whole number of milliseconds from 0 to 1000, got "${bad}"`,
			);
		}
	});

	it("spaces the reports at least that far apart", { timeout: 30_000 }, async () => {
		const { mock, link, ctx } = await openFlatConsole({}, { inputDelayMs: 150 }, 20_000);
		try {
			const started = Date.now();
			// "ab": four reports, each followed by the pause, then the final all-released one.
			await link.sendInput(typeText("ab"), ctx);
			expect(Date.now() - started).toBeGreaterThanOrEqual(4 * 150);
			expect(mock.connections[0].input).toHaveLength(5);
		} finally {
			link.close();
		}
	});
});
