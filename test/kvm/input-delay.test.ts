/**
 * INPUT_DELAY_MS: the pause after each AMI keyboard or mouse report, for
 * BIOSes that double or drop keys sent back to back. Parsed strictly; the
 * console link keeps at least that much time between reports.
 */
import { describe, expect, it } from "vitest";
import { parseLimits } from "../../src/config.ts";
import { ConfigError } from "../../src/errors.ts";
import { typeText } from "../../src/input/index.ts";
import { encodeAst2x00 } from "../../src/kvm/ast2x00/encoder.ts";
import { openAmiConsole } from "../../src/kvm/console-link.ts";
import { createMockBmc } from "../../src/kvm/mock-bmc.ts";

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
		const screen = { width: 16, height: 16, rgba: new Uint8Array(16 * 16 * 4).fill(90) };
		const mock = createMockBmc({
			frames: () => ({
				header: { ...screen, mode420: false, selector: 4, advanceSelector: 0, mapping: 0 },
				stream: encodeAst2x00(screen, { mode420: false, selector: 4 }),
			}),
		});
		const ctx = { signal: AbortSignal.timeout(20_000) };
		const link = await openAmiConsole(
			{ fetch: mock.fetch, viewerUrl: mock.viewerUrl(), inputDelayMs: 150 },
			ctx,
		);
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
