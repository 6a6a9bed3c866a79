/**
 * Console screens drawn with the font tables, with their true text: the
 * ground truth for screen-text tests and the bench. Pure, so workerd tests
 * and Node scripts share it. Drawn independently of src/text's matching.
 */
import type { Framebuffer } from "../../src/image/framebuffer.ts";
import { NINTH_COLUMN_REPEATS } from "../../src/text/cp437.ts";
import type { FontTable } from "../../src/text/fonts/font-table.ts";
import { FONT_TABLES } from "../../src/text/fonts/tables.ts";

export interface Cell {
	char: string;
	fg: number;
	bg: number;
}

export interface DrawnScreen {
	fb: Framebuffer;
	/** The text as a reader should return it: trailing spaces removed. */
	lines: string[];
	columns: number;
	rows: number;
}

export function fontTable(id: string): FontTable {
	const font = FONT_TABLES.find((f) => f.id === id);
	if (!font) throw new Error(`no font ${id}`);
	return font;
}

function glyphRows(font: FontTable): Uint8Array {
	const text = atob(font.rows);
	const rows = new Uint8Array(text.length);
	for (let i = 0; i < text.length; i++) rows[i] = text.charCodeAt(i);
	return rows;
}

/**
 * The characters a reader can tell apart in this font: each glyph once
 * (the first character drawn with it), no blank glyph, and no full block
 * (a cell of one colour reads as a space: an inverse-video space looks the same).
 */
export function distinctChars(font: FontTable): string[] {
	const rows = glyphRows(font);
	const size = Math.ceil(font.width / 8) * font.height;
	const seen = new Set<string>();
	const out: string[] = [];
	[...font.chars].forEach((ch, g) => {
		const glyph = rows.subarray(g * size, (g + 1) * size);
		const key = glyph.join(",");
		if (seen.has(key) || glyph.every((b) => b === 0) || ch === "█") return;
		seen.add(key);
		out.push(ch);
	});
	return out;
}

/**
 * Characters whose glyph is another's complement (▀ and ▄): drawn in
 * inverse video they are the other one in normal video, so only the
 * screen's paper colour tells them apart. Kept out of inverse-video rows.
 */
export function complementChars(font: FontTable): Set<string> {
	const rows = glyphRows(font);
	const size = Math.ceil(font.width / 8) * font.height;
	const mask = font.width % 8 === 0 ? 255 : (0xff00 >> (font.width % 8)) & 255;
	const lastByte = Math.ceil(font.width / 8) - 1;
	const key = (g: number, invert: boolean) =>
		Array.from(rows.subarray(g * size, (g + 1) * size), (b, i) =>
			invert ? ~b & (i % (lastByte + 1) === lastByte ? mask : 255) : b,
		).join(",");
	const glyphs = new Map([...font.chars].map((ch, g) => [key(g, false), ch]));
	const out = new Set<string>();
	[...font.chars].forEach((ch, g) => {
		if (glyphs.has(key(g, true))) out.add(ch);
	});
	return out;
}

/**
 * Draws cells (row-major, columns x rows) with `font` in cells of
 * cellWidth (9: VGA's ninth-column rule) at the top-left, the rest of the
 * screen in `paper`. `cursor` draws an underline (rows cellHeight-3 and -2).
 */
export function drawCells(
	font: FontTable,
	cells: readonly Cell[][],
	options: {
		width: number;
		height: number;
		cellWidth?: number;
		paper?: number;
		cursor?: { row: number; col: number; colour: number };
		x0?: number;
		y0?: number;
	},
): Framebuffer {
	const { width, height, cellWidth = font.width, paper = 0x000000, x0 = 0, y0 = 0 } = options;
	const rows = glyphRows(font);
	const rowBytes = Math.ceil(font.width / 8);
	const size = rowBytes * font.height;
	const index = new Map([...font.chars].map((ch, g) => [ch, g]));
	const rgba = new Uint8Array(width * height * 4);
	const put = (x: number, y: number, rgb: number) => {
		const p = (y * width + x) * 4;
		rgba[p] = rgb >>> 16;
		rgba[p + 1] = (rgb >>> 8) & 255;
		rgba[p + 2] = rgb & 255;
		rgba[p + 3] = 255;
	};
	for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) put(x, y, paper);
	cells.forEach((line, r) => {
		line.forEach((cell, c) => {
			const g = index.get(cell.char) ?? index.get(" ");
			if (g === undefined) throw new Error(`font ${font.id} has no space`);
			const repeat = cellWidth === 9 && NINTH_COLUMN_REPEATS.has(cell.char);
			for (let y = 0; y < font.height; y++) {
				for (let x = 0; x < cellWidth; x++) {
					const fx = x < font.width ? x : repeat ? font.width - 1 : -1;
					const on = fx >= 0 && (rows[g * size + y * rowBytes + (fx >> 3)] << (fx & 7)) & 0x80;
					put(x0 + c * cellWidth + x, y0 + r * font.height + y, on ? cell.fg : cell.bg);
				}
			}
		});
	});
	const cur = options.cursor;
	if (cur) {
		for (let y = font.height - 3; y <= font.height - 2; y++)
			for (let x = 0; x < cellWidth; x++)
				put(x0 + cur.col * cellWidth + x, y0 + cur.row * font.height + y, cur.colour);
	}
	return { width, height, rgba };
}

const GREY = 0xaaaaaa;
const BLACK = 0x000000;
const WHITE = 0xffffff;
const BLUE = 0x0000aa;

/**
 * A full screen of the font's every distinct character, in rows with
 * the colours consoles use: grey on black, white on blue (firmware setup),
 * an inverse-video bar (black on grey, a menu highlight), and prose.
 */
export function fontSpecimen(
	font: FontTable,
	width: number,
	height: number,
	cellWidth: number = font.width,
): DrawnScreen {
	const columns = Math.floor(width / cellWidth);
	const rowCount = Math.floor(height / font.height);
	const chars = distinctChars(font).filter((c) => c !== " ");
	const complements = complementChars(font);
	const plainChars = chars.filter((c) => !complements.has(c));
	const prose =
		"GNU GRUB  version 2.06  Press enter to boot the selected OS, 'e' to edit the commands before booting or 'c' for a command-line. login: root Password: ";
	const cells: Cell[][] = [];
	let k = 0;
	for (let r = 0; r < rowCount; r++) {
		const scheme = r % 4;
		const [fg, bg] = scheme === 1 ? [WHITE, BLUE] : scheme === 2 ? [BLACK, GREY] : [GREY, BLACK];
		const line: Cell[] = [];
		for (let c = 0; c < columns; c++) {
			let char: string;
			if (scheme === 3) char = prose[(r * 7 + c) % prose.length];
			else if (c >= columns - 3) char = " ";
			else if (scheme === 2) char = plainChars[k++ % plainChars.length];
			else char = chars[k++ % chars.length];
			line.push({ char, fg, bg });
		}
		cells.push(line);
	}
	const fb = drawCells(font, cells, { width, height, cellWidth });
	return {
		fb,
		lines: cells.map((l) =>
			l
				.map((c) => c.char)
				.join("")
				.trimEnd(),
		),
		columns,
		rows: rowCount,
	};
}

/** Plain console text (grey on black) drawn with a font, e.g. a boot log. */
export function drawText(
	font: FontTable,
	text: readonly string[],
	width: number,
	height: number,
	cellWidth: number = font.width,
): DrawnScreen {
	const columns = Math.floor(width / cellWidth);
	const rowCount = Math.floor(height / font.height);
	const cells: Cell[][] = [];
	for (let r = 0; r < rowCount; r++) {
		const s = (text[r] ?? "").slice(0, columns).padEnd(columns);
		cells.push([...s].map((char) => ({ char, fg: GREY, bg: BLACK })));
	}
	return {
		fb: drawCells(font, cells, { width, height, cellWidth }),
		lines: cells.map((l) =>
			l
				.map((c) => c.char)
				.join("")
				.trimEnd(),
		),
		columns,
		rows: rowCount,
	};
}

/** A boot log as a framebuffer console shows it: kernel lines and systemd status. */
export function bootLogLines(rows: number, columns: number): string[] {
	const units = [
		"Journal Service",
		"Network Manager",
		"OpenSSH server daemon",
		"Load Kernel Modules",
	];
	const out: string[] = [];
	for (let i = 0; out.length < rows; i++) {
		const unit = units[i % units.length];
		const line =
			i % 3 === 2
				? `[ ${(2.5 + i * 0.0137).toFixed(6).padStart(11)}] ata${(i % 4) + 1}: SATA link up 6.0 Gbps (SStatus 133 SControl 300) dev_id=0x${(i * 2654435761).toString(16).slice(-6)}`
				: i % 17 === 16
					? `[FAILED] Failed to start ${unit}. See 'systemctl status ${unit.split(" ")[0].toLowerCase()}.service' for details.`
					: `[  OK  ] Started ${unit}. {pid=${1000 + i * 37}; mem=${(i * 1.37).toFixed(1)}M; cgroup=/system.slice/${unit.split(" ")[0].toLowerCase()}}`;
		out.push(line.slice(0, columns));
	}
	return out;
}
