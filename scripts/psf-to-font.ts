/**
 * Regenerates src/providers/demo/font.ts from a Linux console font:
 *
 *   node scripts/psf-to-font.ts /usr/share/consolefonts/Uni2-VGA16.psf.gz
 *
 * (Debian package console-setup-linux). Takes the glyph for each printable
 * ASCII character, and for the line-drawing, block and arrow characters that
 * firmware, GRUB and text UIs draw, through the font's Unicode table. Reads
 * PSF1 with a Unicode table and 16-row, 8-column glyphs: what that file is.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { gunzipSync } from "node:zlib";

const FIRST = 0x20;
const LAST = 0x7e;
/**
 * Beyond ASCII: the single box lines, full block and arrows of the VGA ROM
 * font, for menus and boxes. (This font draws double lines and triangles with
 * the same glyphs as single lines and arrows, so they are left out.)
 */
const EXTRA = [
	...[0x2500, 0x2502, 0x250c, 0x2510, 0x2514, 0x2518, 0x251c, 0x2524, 0x252c, 0x2534, 0x253c],
	...[0x2588],
	...[0x2190, 0x2191, 0x2192, 0x2193],
];
const HEIGHT = 16;

const path = process.argv[2];
if (path === undefined) throw new Error("usage: psf-to-font.ts <font.psf[.gz]>");
const raw = readFileSync(path);
const psf = path.endsWith(".gz") ? gunzipSync(raw) : raw;

const PSF1_MODE_512 = 0x01;
const PSF1_MODE_HAS_TABLE = 0x02;
if (psf[0] !== 0x36 || psf[1] !== 0x04) throw new Error(`${path} is not a PSF1 font`);
const mode = psf[2];
const charSize = psf[3];
if (charSize !== HEIGHT) throw new Error(`${path} has ${charSize}-row glyphs, need ${HEIGHT}`);
if (!(mode & PSF1_MODE_HAS_TABLE)) throw new Error(`${path} has no Unicode table`);
const glyphCount = mode & PSF1_MODE_512 ? 512 : 256;
const glyphsAt = 4;

// Table: per glyph, little-endian UCS-2 code points; 0xFFFE starts combining
// sequences (skipped), 0xFFFF ends the glyph's entry.
const glyphOf = new Map<number, number>();
let at = glyphsAt + glyphCount * charSize;
for (let glyph = 0; glyph < glyphCount; glyph++) {
	let inSequence = false;
	for (;;) {
		if (at + 2 > psf.length) throw new Error(`${path}: Unicode table ends early`);
		const u = psf[at] | (psf[at + 1] << 8);
		at += 2;
		if (u === 0xffff) break;
		if (u === 0xfffe) inSequence = true;
		else if (!inSequence && !glyphOf.has(u)) glyphOf.set(u, glyph);
	}
}

const codes = [...Array.from({ length: LAST - FIRST + 1 }, (_, i) => FIRST + i), ...EXTRA];
const lines: string[] = [];
for (const c of codes) {
	const glyph = glyphOf.get(c);
	if (glyph === undefined) throw new Error(`${path} has no glyph for U+${c.toString(16)}`);
	const start = glyphsAt + glyph * charSize;
	const hex = Buffer.from(psf.subarray(start, start + charSize)).toString("hex");
	const name = c === FIRST ? "space" : String.fromCodePoint(c);
	lines.push(`\t[0x${c.toString(16).padStart(4, "0")}, "${hex}"], // ${name}`);
}

const out = resolve(import.meta.dirname, "../src/providers/demo/font.ts");
writeFileSync(
	out,
	`/**
 * 8x16 glyphs for printable ASCII and the line-drawing, block and arrow
 * characters of the VGA ROM font, the classic IBM VGA look, taken from the
 * Linux console font ${basename(path)} (Debian package console-setup-linux) by
 * scripts/psf-to-font.ts. console-setup builds its VGA fonts from
 * Dmitry Bolkhovityanov's UNI-VGA font (u_vga16.bdf), licensed as follows:
 *
 * Copyright © 2000, 2001 by Dmitry Bolkhovityanov.  All Rights Reserved.
 *
 * Permission is hereby granted, free of charge, to any person obtaining a copy
 * of this software and associated documentation files (the "Software"), to deal
 * in the Software without restriction, including without limitation the rights
 * to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
 * copies of the Software, and to permit persons to whom the Software is fur-
 * nished to do so, subject to the following conditions:
 *
 * The above copyright notice and this permission notice shall be included in
 * all copies or substantial portions of the Software.
 *
 * THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
 * IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FIT-
 * NESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT.  IN NO EVENT SHALL THE
 * XFREE86 PROJECT BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER
 * IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CON-
 * NECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
 *
 * Except as contained in this notice, the name of Dmitry Bolkhovityanov
 * shall not be used in advertising or otherwise to promote the sale, use
 * or other dealings in this Software without prior written authorization
 * from the Dmitry Bolkhovityanov.
 */

export const GLYPH_WIDTH = 8;
export const GLYPH_HEIGHT = ${HEIGHT};

/** Code point and rows of each glyph: ${HEIGHT} rows top to bottom, one byte each, bit 7 the leftmost pixel. */
const GLYPHS: readonly (readonly [number, string])[] = [
${lines.join("\n")}
];

/** Code point of each glyph, by glyph index; index 0 is the space. */
export const GLYPH_CODES: readonly number[] = GLYPHS.map(([code]) => code);

/** Rows of glyph i start at i * GLYPH_HEIGHT. */
export const GLYPH_ROWS: Uint8Array = Uint8Array.from(
	GLYPHS.flatMap(([, hex]) =>
		Array.from({ length: GLYPH_HEIGHT }, (_, y) => Number.parseInt(hex.slice(y * 2, y * 2 + 2), 16)),
	),
);
`,
);
console.log(`wrote ${out}: ${codes.length} glyphs`);
