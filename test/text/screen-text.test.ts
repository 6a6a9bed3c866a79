/**
 * Reading console text from pixels: exact on lossless renders of every font
 * and on the demo console, >= 99.9 % through our ASPEED encoder, and no
 * text invented on a real desktop capture.
 */
import { describe, expect, it } from "vitest";
import type { Framebuffer } from "../../src/image/framebuffer.ts";
import { Ast2x00Decoder, encodeAst2x00 } from "../../src/kvm/ast2x00/index.ts";
import {
	KERNEL_PANIC_LINES,
	kernelPanicScreen,
	renderConsoleScreen,
	VGA_PALETTE,
} from "../../src/providers/demo/console-screen.ts";
import { FONT_TABLES } from "../../src/text/fonts/tables.ts";
import { newTextCache, readScreenText } from "../../src/text/index.ts";
import { CAPTURE_HEADERS } from "../support/captures.ts";
import {
	bootLogLines,
	drawCells,
	drawText,
	fontSpecimen,
	fontTable,
} from "../support/text-screens.ts";
import { VECTORS_MISSING, vector, vectorsPresent } from "../support/vectors.ts";

/** Where a font is drawn: its cell sizes at the resolutions consoles use. */
const SCREENS: Record<number, [number, number, number][]> = {
	8: [
		[720, 400, 9],
		[640, 480, 8],
		[800, 600, 8],
		[1024, 768, 8],
		[1280, 1024, 8],
	],
	16: [
		[1920, 1080, 16],
		[1920, 1200, 16],
	],
};

function throughAspeed(fb: Framebuffer, mode420: boolean, selector: number): Framebuffer {
	const header = {
		width: fb.width,
		height: fb.height,
		mode420,
		selector,
		advanceSelector: 0,
		mapping: 0,
	};
	return new Ast2x00Decoder().decode(header, encodeAst2x00(fb, { mode420, selector }));
}

/** Characters read differently from the truth, over the whole grid. */
function charErrors(truth: readonly string[], read: readonly string[], columns: number): number {
	let errors = 0;
	truth.forEach((line, r) => {
		const a = line.padEnd(columns);
		const b = (read[r] ?? "").padEnd(columns);
		for (let c = 0; c < columns; c++) if (a[c] !== b[c]) errors++;
	});
	return errors;
}

/** The demo's lines as an 80-column VGA console wraps and scrolls them. */
function wrapped(lines: readonly string[], columns: number, rows: number): string[] {
	const out: string[] = [];
	for (const line of lines) {
		if (line.length === 0) out.push("");
		for (let i = 0; i < line.length; i += columns) out.push(line.slice(i, i + columns));
	}
	return out.slice(-rows).map((l) => l.trimEnd());
}

describe("lossless renders of every font", () => {
	for (const font of FONT_TABLES) {
		for (const [width, height, cellWidth] of SCREENS[font.width]) {
			it(`${font.id} in ${cellWidth}x${font.height} cells at ${width}x${height}: every character exact`, () => {
				const screen = fontSpecimen(font, width, height, cellWidth);
				const text = readScreenText(screen.fb);
				expect(text.isText).toBe(true);
				expect([text.columns, text.rows]).toEqual([screen.columns, screen.rows]);
				expect(text.lines).toEqual(screen.lines);
				expect(text.uncertain).toEqual([]);
				expect(text.font).toBe(cellWidth === 9 ? `${font.id}-9` : font.id);
			});
		}
	}

	it("box drawing and blocks come back as their Unicode (CP437) characters", () => {
		const font = fontTable("vga");
		const lines = ["╔══════════╗", "║ Boot Menu║", "╟──────────╢", "║▒░▓▐▌▄▀■ │║", "╚══════════╝"];
		const cells = lines.map((l) => [...l].map((char) => ({ char, fg: 0xffffff, bg: 0x0000aa })));
		const fb = drawCells(font, cells, { width: 720, height: 400, cellWidth: 9, paper: 0x0000aa });
		const text = readScreenText(fb);
		expect(text.lines.slice(0, 5)).toEqual(lines);
		expect(text.lines.slice(5).every((l) => l === "")).toBe(true);
	});

	it("a menu highlight (inverse video) reads as its characters", () => {
		const font = fontTable("vga");
		const rows = ["  Ubuntu", "  Advanced options for Ubuntu", "  UEFI Firmware Settings"];
		const cells = rows.map((l, r) =>
			[...l.padEnd(40)].map((char) =>
				r === 1 ? { char, fg: 0x000000, bg: 0xaaaaaa } : { char, fg: 0xaaaaaa, bg: 0x000000 },
			),
		);
		const text = readScreenText(drawCells(font, cells, { width: 640, height: 480 }));
		expect(text.lines.slice(0, 3)).toEqual(rows);
	});

	it("a highlight narrower than its row (the paper stays black) reads sure in every 8x16 font", () => {
		const rows = ["  Debian GNU/Linux", "  Advanced options for Debian"];
		for (const id of ["vga", "fixed", "ter", "ter-bold"]) {
			const cells = rows.map((l, r) =>
				[...l.padEnd(32)].map((char) =>
					r === 0 ? { char, fg: 0x000000, bg: 0xaaaaaa } : { char, fg: 0xaaaaaa, bg: 0x000000 },
				),
			);
			const text = readScreenText(drawCells(fontTable(id), cells, { width: 640, height: 400 }));
			expect(text.lines.slice(0, 2)).toEqual(rows);
			expect(text.uncertain).toEqual([]);
		}
	});

	it("an underline cursor is reported, not read: over a letter, and over a blank", () => {
		const font = fontTable("fixed");
		const cells = ["login: root", "Password: x"].map((l) =>
			[...l].map((char) => ({ char, fg: 0xaaaaaa, bg: 0x000000 })),
		);
		for (const cursor of [
			{ row: 0, col: 7 },
			{ row: 1, col: 11 },
		]) {
			const fb = drawCells(font, cells, {
				width: 1024,
				height: 768,
				cursor: { ...cursor, colour: 0xaaaaaa },
			});
			const text = readScreenText(fb);
			expect(text.cursor).toEqual(cursor);
			expect(text.lines.slice(0, 2)).toEqual(["login: root", "Password: x"]);
		}
	});
});

describe("the demo console", () => {
	const truth = wrapped(KERNEL_PANIC_LINES, 80, 25);

	it("reads the rendered kernel panic exactly, with its cursor", () => {
		const text = readScreenText(kernelPanicScreen());
		expect(text.lines).toEqual(truth);
		expect(text.cursor).toEqual({ row: 24, col: 0 });
		expect([text.columns, text.rows, text.font]).toEqual([80, 25, "vga-9"]);
	});

	it("reads it exactly through the stream the demo BMC sends (4:4:4, selector 7)", () => {
		const text = readScreenText(throughAspeed(kernelPanicScreen(), false, 7));
		expect(text.lines).toEqual(truth);
		expect(text.cursor).toEqual({ row: 24, col: 0 });
	});

	it("reads coloured spans and an 8-pixel-cell console", () => {
		const fb = renderConsoleScreen(
			[
				[
					{ text: "[  " },
					{ text: "OK", fg: VGA_PALETTE[10] },
					{ text: "  ] Started Journal Service." },
				],
				[
					{ text: "[" },
					{ text: "FAILED", fg: VGA_PALETTE[12] },
					{ text: "] Failed to mount /boot." },
				],
				[{ text: " Emergency ", fg: VGA_PALETTE[15], bg: VGA_PALETTE[4] }],
			],
			{ width: 800, height: 600, cellWidth: 8 },
		);
		const text = readScreenText(fb);
		expect(text.lines.slice(0, 4)).toEqual([
			"[  OK  ] Started Journal Service.",
			"[FAILED] Failed to mount /boot.",
			" Emergency",
			"",
		]);
	});
});

// Encoding, decoding and reading a 1920x1080 frame takes seconds on a loaded machine.
describe("through the ASPEED encoder", { timeout: 60_000 }, () => {
	const screens = [
		{
			name: "VGA text 720x400",
			screen: drawText(fontTable("vga"), bootLogLines(25, 80), 720, 400, 9),
		},
		{
			name: "fbcon 1024x768 (Fixed)",
			screen: drawText(fontTable("fixed"), bootLogLines(48, 128), 1024, 768),
		},
		{ name: "specimen 800x600 (Terminus)", screen: fontSpecimen(fontTable("ter"), 800, 600) },
		{
			name: "16x32 1920x1080 (Terminus)",
			screen: drawText(fontTable("ter-32"), bootLogLines(33, 120), 1920, 1080),
		},
	];
	for (const { name, screen } of screens) {
		for (const mode420 of [true, false]) {
			for (const selector of [4, 7, 2]) {
				it(`${name}, ${mode420 ? "4:2:0" : "4:4:4"} selector ${selector}: >= 99.9 % of characters`, () => {
					const text = readScreenText(throughAspeed(screen.fb, mode420, selector));
					expect(text.isText).toBe(true);
					const cells = screen.columns * screen.rows;
					const errors = charErrors(screen.lines, text.lines, screen.columns);
					expect(errors / cells).toBeLessThanOrEqual(0.001);
				});
			}
		}
	}
});

describe.skipIf(!vectorsPresent)("real captures", () => {
	const decode = (name: string) =>
		new Ast2x00Decoder().decode(CAPTURE_HEADERS[name], vector(`ast2x00/${name}.bin`));

	it("the Ubuntu desktop is graphical: no lines, never invented text", () => {
		const text = readScreenText(decode("ubuntu_444_800x600_0chrom_0lum"));
		expect(text.isText).toBe(false);
		expect(text.lines).toEqual([]);
		expect(text.cursor).toBeNull();
		expect(text.font).toBeNull();
	});

	it("a flat screen with a one-pixel line is graphical, not a row of '¯'", () => {
		expect(readScreenText(decode("aspeedbluescreen")).isText).toBe(false);
		expect(readScreenText(decode("aspeedblackscreen")).isText).toBe(false);
	});

	it("a cache remembers the verdict: the second read of the same desktop reads no cell again", () => {
		const cache = newTextCache();
		const fb = decode("ubuntu_444_800x600_0chrom_0lum");
		const first = readScreenText(fb, cache);
		expect(readScreenText(fb, cache)).toEqual(first);
	});
});
if (!vectorsPresent) it.skip(VECTORS_MISSING, () => {});
