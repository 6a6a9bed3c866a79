import { describe, expect, it } from "vitest";
import { LimitError } from "../../src/errors.ts";
import type { Framebuffer } from "../../src/image/framebuffer.ts";
import { grubMenuScreen, MAIN_MENU } from "../../src/providers/demo/boot-screens.ts";
import {
	KERNEL_PANIC_LINES,
	kernelPanicScreen,
	renderConsoleScreen,
	VGA_PALETTE,
} from "../../src/providers/demo/console-screen.ts";
import { GLYPH_CODES, GLYPH_HEIGHT, GLYPH_ROWS } from "../../src/providers/demo/font.ts";

function rgbAt(fb: Framebuffer, x: number, y: number): number {
	const i = (y * fb.width + x) * 4;
	return (fb.rgba[i] << 16) | (fb.rgba[i + 1] << 8) | fb.rgba[i + 2];
}

/**
 * Reads the character in a cell back by matching its pixels against every
 * glyph: "\0" if none matches. Ink is any pixel unlike the cell's top-left,
 * which is background in every glyph of this font.
 */
function readCell(fb: Framebuffer, row: number, column: number, cellWidth: number): string {
	const x0 = column * cellWidth;
	const y0 = row * GLYPH_HEIGHT;
	const paper = rgbAt(fb, x0, y0);
	const rows: number[] = [];
	for (let y = 0; y < GLYPH_HEIGHT; y++) {
		let bits = 0;
		for (let x = 0; x < 8; x++) bits = (bits << 1) | (rgbAt(fb, x0 + x, y0 + y) !== paper ? 1 : 0);
		rows.push(bits);
	}
	const index = GLYPH_CODES.findIndex((_, i) => rows.every((bits, y) => bits === glyphRows(i)[y]));
	return index < 0 ? "\0" : String.fromCodePoint(GLYPH_CODES[index]);
}

function readRow(fb: Framebuffer, row: number, cellWidth = 9): string {
	let text = "";
	for (let column = 0; column < Math.floor(fb.width / cellWidth); column++)
		text += readCell(fb, row, column, cellWidth);
	return text.trimEnd();
}

function glyphRows(index: number): Uint8Array {
	return GLYPH_ROWS.subarray(index * GLYPH_HEIGHT, (index + 1) * GLYPH_HEIGHT);
}

describe("font", () => {
	it("has a distinct, inked glyph for printable ASCII, box lines, the block and arrows", () => {
		const ascii = Array.from({ length: 0x7f - 0x20 }, (_, i) => 0x20 + i);
		expect(GLYPH_CODES.slice(0, ascii.length)).toEqual(ascii);
		expect(String.fromCodePoint(...GLYPH_CODES.slice(ascii.length))).toBe("─│┌┐└┘├┤┬┴┼█←↑→↓");
		expect(GLYPH_ROWS.length).toBe(GLYPH_CODES.length * GLYPH_HEIGHT);
		const seen = new Set<string>();
		GLYPH_CODES.forEach((code, index) => {
			const glyph = glyphRows(index);
			const ink = glyph.reduce((sum, bits) => sum + bits, 0);
			expect(ink > 0).toBe(code !== 0x20);
			seen.add(glyph.join(","));
			// Top-left pixel is paper, except for lines and blocks that reach the cell's edge.
			if (code < 0x2500) expect(glyph[0] & 0x80).toBe(0);
		});
		expect(seen.size).toBe(GLYPH_CODES.length);
	});
});

describe("renderConsoleScreen", () => {
	it("draws 80x25 VGA text mode by default: 720x400, light grey on black", () => {
		const fb = renderConsoleScreen(["Hello, world!", "", "login: root"]);
		expect([fb.width, fb.height]).toEqual([720, 400]);
		expect(readRow(fb, 0)).toBe("Hello, world!");
		expect(readRow(fb, 1)).toBe("");
		expect(readRow(fb, 2)).toBe("login: root");
		const colours = new Set<number>();
		for (let y = 0; y < 48; y++) for (let x = 0; x < 720; x++) colours.add(rgbAt(fb, x, y));
		expect([...colours].sort()).toEqual([0x000000, 0xaaaaaa]);
		expect(fb.rgba.every((v, i) => i % 4 !== 3 || v === 255)).toBe(true);
	});

	it("leaves the ninth column of VGA cells blank and packs 8-pixel cells tight", () => {
		const line = "#".repeat(80);
		const vga = renderConsoleScreen([line]);
		for (let y = 0; y < 16; y++)
			for (let c = 0; c < 80; c++) expect(rgbAt(vga, c * 9 + 8, y)).toBe(0);
		const fbcon = renderConsoleScreen([line], { cellWidth: 8 });
		expect([fbcon.width, fbcon.height]).toEqual([640, 400]);
		expect(readRow(fbcon, 0, 8)).toBe(line);
	});

	it("fits the cell grid into any screen size, leaving the rest as background", () => {
		const fb = renderConsoleScreen(["x"], { width: 800, height: 600, cellWidth: 8 });
		expect([fb.width, fb.height]).toEqual([800, 600]);
		for (let y = 592; y < 600; y++)
			for (let x = 0; x < 800; x += 13) expect(rgbAt(fb, x, y)).toBe(0);
	});

	it("wraps long lines and scrolls so the last rows show, like a VT", () => {
		const lines = Array.from({ length: 30 }, (_, i) => `line ${i}`);
		lines.push(`${"a".repeat(80)}b`, "c".repeat(80), "end");
		const fb = renderConsoleScreen(lines);
		expect(readRow(fb, 24)).toBe("end");
		expect(readRow(fb, 23)).toBe("c".repeat(80));
		expect(readRow(fb, 22)).toBe("b");
		expect(readRow(fb, 21)).toBe("a".repeat(80));
		expect(readRow(fb, 20)).toBe("line 29");
		expect(readRow(fb, 0)).toBe("line 9");
	});

	it("expands tabs to 8-column stops and shows non-ASCII as ?", () => {
		const fb = renderConsoleScreen(["a\tb\tc", "naïve ☃"]);
		expect(readRow(fb, 0)).toBe("a       b       c");
		expect(readRow(fb, 1)).toBe("na?ve ?");
	});

	it("colours spans, falling back to the screen colours", () => {
		const fb = renderConsoleScreen(
			[[{ text: "W", fg: VGA_PALETTE[15], bg: VGA_PALETTE[1] }, { text: "d" }]],
			{ fg: VGA_PALETTE[0], bg: VGA_PALETTE[7] },
		);
		expect(rgbAt(fb, 0, 0)).toBe(0x0000aa);
		expect(readCell(fb, 0, 0, 9)).toBe("W");
		expect(rgbAt(fb, 9, 0)).toBe(0xaaaaaa);
		expect(readCell(fb, 0, 1, 9)).toBe("d");
		expect(rgbAt(fb, 400, 300)).toBe(0xaaaaaa);
	});

	it("draws the cursor after the last character when asked", () => {
		const fb = renderConsoleScreen(["$ "], { cursor: true });
		const cursor = (x: number, y: number) => rgbAt(fb, x, y) === 0xaaaaaa;
		expect(cursor(18, 13) && cursor(25, 14)).toBe(true);
		expect(cursor(18, 12) || cursor(18, 15) || cursor(26, 13)).toBe(false);
		expect(rgbAt(renderConsoleScreen(["$ "]), 18, 13)).toBe(0);
	});

	it("rejects sizes it will not draw", () => {
		expect(() => renderConsoleScreen([], { width: 0 })).toThrow(LimitError);
		expect(() => renderConsoleScreen([], { width: 5000 })).toThrow(LimitError);
		expect(() => renderConsoleScreen([], { height: 10.5 })).toThrow(LimitError);
		expect(() => renderConsoleScreen([], { height: 15 })).toThrow(LimitError);
		expect(() => renderConsoleScreen([], { cellWidth: 7 as 8 })).toThrow(LimitError);
	});
});

describe("kernelPanicScreen", () => {
	it("shows a readable kernel panic in VGA text mode", () => {
		const fb = kernelPanicScreen();
		expect([fb.width, fb.height]).toEqual([720, 400]);
		const text = Array.from({ length: 25 }, (_, row) => readRow(fb, row));
		expect(text[0]).toBe(
			'[    1.625203] VFS: Cannot open root device "UUID=8d4e5f0a-3c61-4b2e-9f7d-1a6c2e',
		);
		const screen = text.join("\n");
		expect(screen).toContain(
			"Kernel panic - not syncing: VFS: Unable to mount root fs on unkno\nwn-block(0,0)",
		);
		expect(screen).toContain("Call Trace:");
		expect(screen).toContain("mount_block_root+0x1d3/0x1e6");
		expect(text[23]).toBe(" on unknown-block(0,0) ]---");
		// The last row holds only the cursor, in the first cell.
		expect(rgbAt(fb, 0, 24 * 16 + 13)).toBe(0xaaaaaa);
		expect(rgbAt(fb, 9, 24 * 16 + 13)).toBe(0);
		expect(KERNEL_PANIC_LINES.every((line) => /^[\x20-\x7e]*$/.test(line))).toBe(true);
	});
});

describe("the GRUB menu on the VGA text screen", () => {
	it("draws the box with lines that join across cells, the highlight in inverse video", () => {
		const fb = renderConsoleScreen(grubMenuScreen(MAIN_MENU, 1, false, 30));
		expect(readRow(fb, 1)).toBe(`${" ".repeat(23)}GNU GRUB  version 2.06-13+deb12u1`);
		expect(readRow(fb, 3)).toBe(` ┌${"─".repeat(76)}┐`);
		expect(readRow(fb, 4)).toBe(` │ ${"Debian GNU/Linux".padEnd(75)}│`);
		expect(readRow(fb, 5)).toBe(` │*${"Advanced options for Debian GNU/Linux".padEnd(75)}│`);
		expect(readRow(fb, 16)).toBe(` └${"─".repeat(76)}┘`);
		expect(readRow(fb, 18)).toBe(
			"      Use the ↑ and ↓ keys to select which entry is highlighted.",
		);
		expect(readRow(fb, 22)).toBe("   The highlighted entry will be executed automatically in 30s.");
		// VGA line graphics fill the ninth column: the top edge is one unbroken line.
		const edge = 3 * 16 + 7;
		for (let x = 2 * 9; x < 78 * 9; x++) expect(rgbAt(fb, x, edge)).toBe(0xaaaaaa);
		// Text glyphs leave it blank; the highlight is black on light grey across the box.
		expect(rgbAt(fb, 3 * 9, 4 * 16)).toBe(0x000000);
		for (let x = 2 * 9; x < 78 * 9; x++) expect(rgbAt(fb, x, 5 * 16)).toBe(0xaaaaaa);
		const ink = new Set<number>();
		for (let y = 5 * 16; y < 6 * 16; y++)
			for (let x = 2 * 9; x < 78 * 9; x++) ink.add(rgbAt(fb, x, y));
		expect([...ink].sort()).toEqual([0x000000, 0xaaaaaa]);
	});
});
