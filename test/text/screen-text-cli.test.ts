/**
 * `npm run screen-text -- <image.png>`, run for real in Node by
 * screen-text-cli.setup.ts: stdout is exactly get_screen_text's first text
 * block, stderr its summary; exit 2 for a graphical screen, 1 for bad input.
 */
import { describe, expect, inject, it } from "vitest";
import type { Framebuffer } from "../../src/image/framebuffer.ts";
import { encodePng } from "../../src/image/png.ts";
import { kernelPanicScreen } from "../../src/providers/demo/console-screen.ts";
import { GRAPHICAL_NOTICE, readScreenText, screenTextContents } from "../../src/text/index.ts";
import { imageOf } from "../support/png.ts";
import { fontSpecimen, fontTable } from "../support/text-screens.ts";
import type { CliRun } from "./screen-text-cli.setup.ts";

const control = inject("screenTextCli");
const USAGE = "usage: npm run screen-text -- <image.png>\n";

async function run(query: string, file?: Uint8Array): Promise<CliRun> {
	const res = await fetch(`${control}/run${query}`, { method: "POST", body: file ?? "" });
	if (!res.ok) throw new Error(`control endpoint: ${res.status} ${await res.text()}`);
	return (await res.json()) as CliRun;
}

const runOn = (fb: Framebuffer) => run("", encodePng(fb));

describe("npm run screen-text", { timeout: 60_000 }, () => {
	it("prints a text screen's lines exactly as get_screen_text's first block, the summary on stderr", async () => {
		const screen = fontSpecimen(fontTable("ter"), 1024, 768);
		const [block, summary] = screenTextContents(readScreenText(screen.fb));
		expect(block).toBe(screen.lines.join("\n"));
		expect(await runOn(screen.fb)).toEqual({
			status: 0,
			stdout: `${block}\n`,
			stderr: `${summary}\n`,
		});
	});

	it("reads the demo's kernel panic (VGA 9x16 cells, cursor on the last row)", async () => {
		const out = await runOn(kernelPanicScreen());
		expect(out.status).toBe(0);
		expect(out.stdout.split("\n")).toHaveLength(26);
		expect(out.stdout).toContain(
			"Kernel panic - not syncing: VFS: Unable to mount root fs on unkno\n",
		);
		expect(out.stderr).toBe(
			"80x25 text screen in font vga-9; cursor at row 24, column 0; 0 uncertain cells.\n",
		);
	});

	it("exits 2 on a graphical screen: nothing on stdout, the tool's notice on stderr", async () => {
		// Smooth colour gradients with hashed noise: a picture, no glyphs.
		const picture = imageOf(800, 600, (x, y) => {
			const noise = Math.imul(x * 7919 + y * 104729, 0x9e3779b1) >>> 28;
			return (((x * 255) / 800) << 16) | (((y * 255) / 600) << 8) | (noise * 16);
		});
		expect(await runOn(picture)).toEqual({
			status: 2,
			stdout: "",
			stderr: `${GRAPHICAL_NOTICE}\n`,
		});
	});

	it("exits 1 with what is wrong: not a PNG, a truncated PNG, a missing file, no argument", async () => {
		const png = encodePng(kernelPanicScreen());
		const cases: [string, Uint8Array | undefined, RegExp][] = [
			["", new TextEncoder().encode("root:x:0:0:root:/root:/bin/bash\n"), /is not a PNG file/],
			["", png.subarray(0, 200), /is not a readable PNG \(truncated or corrupt\)/],
			["?file=missing", undefined, /cannot read .*missing\.png: ENOENT/],
			["?args=none", undefined, /give exactly one PNG file/],
		];
		for (const [query, file, message] of cases) {
			const out = await run(query, file);
			expect(out.status).toBe(1);
			expect(out.stdout).toBe("");
			expect(out.stderr).toMatch(message);
			expect(out.stderr.startsWith("screen-text: ")).toBe(true);
			expect(out.stderr.endsWith(USAGE)).toBe(true);
		}
	});
});
