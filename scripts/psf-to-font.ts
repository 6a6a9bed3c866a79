/**
 * Regenerates src/providers/demo/font.ts from a Linux console font:
 *
 *   node scripts/psf-to-font.ts /usr/share/consolefonts/Uni2-VGA16.psf.gz
 *
 * (Debian package console-setup-linux). Takes the glyph for each printable
 * ASCII character through the font's Unicode table. Reads PSF1 with a
 * Unicode table and 16-row, 8-column glyphs: what that file is.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { gunzipSync } from "node:zlib";

const FIRST = 0x20;
const LAST = 0x7e;
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

const lines: string[] = [];
for (let c = FIRST; c <= LAST; c++) {
	const glyph = glyphOf.get(c);
	if (glyph === undefined) throw new Error(`${path} has no glyph for U+${c.toString(16)}`);
	const start = glyphsAt + glyph * charSize;
	const hex = Buffer.from(psf.subarray(start, start + charSize)).toString("hex");
	lines.push(`\t"${hex}", // ${c === FIRST ? "space" : String.fromCharCode(c)}`);
}

const out = resolve(import.meta.dirname, "../src/providers/demo/font.ts");
writeFileSync(
	out,
	`/**
 * 8x16 glyphs for printable ASCII, the classic IBM VGA look, taken from the
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
/** Code of the first glyph; the glyphs run contiguously to U+00${LAST.toString(16).toUpperCase()}. */
export const FIRST_GLYPH = 0x${FIRST.toString(16)};
export const LAST_GLYPH = 0x${LAST.toString(16)};

/** One glyph per entry: ${HEIGHT} rows top to bottom, one byte each, bit 7 the leftmost pixel. */
const GLYPH_ROWS_HEX = [
${lines.join("\n")}
].join("");

/** Glyph rows of character code c start at (c - FIRST_GLYPH) * GLYPH_HEIGHT. */
export const GLYPH_ROWS: Uint8Array = Uint8Array.from(
	{ length: GLYPH_ROWS_HEX.length / 2 },
	(_, i) => Number.parseInt(GLYPH_ROWS_HEX.slice(i * 2, i * 2 + 2), 16),
);
`,
);
console.log(`wrote ${out}: ${LAST - FIRST + 1} glyphs`);
