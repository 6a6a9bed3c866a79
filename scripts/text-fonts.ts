/**
 * Regenerates src/text/fonts/tables.ts, the glyphs screen text is matched
 * against, from Linux console fonts of the Debian package console-setup-linux:
 *
 *   apt-get install console-setup-linux   # or: apt-get download it and dpkg-deb -x
 *   node scripts/text-fonts.ts [/usr/share/consolefonts]
 *
 * Every font here is under public-domain, MIT/X11 or OFL terms (see
 * src/text/fonts/README.md). Keeps the glyphs of printable ASCII, Latin-1 and
 * code page 437 (box drawing, blocks, the PC symbols), found through each
 * font's Unicode table. Reads PSF1 and PSF2.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import { CP437 } from "../src/text/cp437.ts";

/**
 * Our id, the console-setup files (each glyph from the first that has it),
 * and where they come from. The FullGreek sets carry all of code page 437's
 * line graphics and blocks (the Uni2 sets draw double lines as single ones);
 * Uni2, Debian's default Latin set, fills in the rest of Latin-1.
 */
const FONTS = [
	[
		"vga",
		["FullGreek-VGA16", "Uni2-VGA16"],
		"UNI-VGA (u_vga16), MIT/X11 licence: the IBM VGA shapes",
	],
	[
		"fixed",
		["FullGreek-Fixed16", "Uni2-Fixed16"],
		"X11 misc-fixed and others, public domain: Debian's default",
	],
	["ter", ["FullGreek-Terminus16", "Uni2-Terminus16"], "derived from Terminus Font, SIL OFL 1.1"],
	[
		"ter-bold",
		["FullGreek-TerminusBold16", "Uni2-TerminusBold16"],
		"derived from Terminus Font, SIL OFL 1.1",
	],
	[
		"ter-32",
		["FullGreek-Terminus32x16", "Uni2-Terminus32x16"],
		"derived from Terminus Font, SIL OFL 1.1",
	],
	[
		"ter-bold-32",
		["FullGreek-TerminusBold32x16", "Uni2-TerminusBold32x16"],
		"derived from Terminus Font, SIL OFL 1.1",
	],
	["vga-32", ["FullGreek-VGA32x16", "Uni2-VGA32x16"], "UNI-VGA (u_vga16) doubled, MIT/X11 licence"],
] as const;

interface Psf {
	width: number;
	height: number;
	rowBytes: number;
	glyphs: Uint8Array[];
	/** Code point -> glyph index, first mapping wins. */
	glyphOf: Map<number, number>;
}

function readPsf(path: string): Psf {
	const raw = readFileSync(path);
	const psf = new Uint8Array(path.endsWith(".gz") ? gunzipSync(raw) : raw);
	const le32 = (at: number) =>
		(psf[at] | (psf[at + 1] << 8) | (psf[at + 2] << 16) | (psf[at + 3] << 24)) >>> 0;
	let width: number;
	let height: number;
	let count: number;
	let start: number;
	let table: number;
	let utf8: boolean;
	if (psf[0] === 0x36 && psf[1] === 0x04) {
		const mode = psf[2];
		if (!(mode & 0x02)) throw new Error(`${path} has no Unicode table`);
		width = 8;
		height = psf[3];
		count = mode & 0x01 ? 512 : 256;
		start = 4;
		table = start + count * height;
		utf8 = false;
	} else if (le32(0) === 0x864ab572) {
		if (!(le32(12) & 1)) throw new Error(`${path} has no Unicode table`);
		start = le32(8);
		count = le32(16);
		height = le32(24);
		width = le32(28);
		table = start + count * le32(20);
		utf8 = true;
	} else {
		throw new Error(`${path} is neither PSF1 nor PSF2`);
	}
	const rowBytes = Math.ceil(width / 8);
	const size = rowBytes * height;
	const glyphs = Array.from({ length: count }, (_, i) =>
		psf.slice(start + i * size, start + (i + 1) * size),
	);
	const glyphOf = new Map<number, number>();
	let at = table;
	for (let glyph = 0; glyph < count; glyph++) {
		// Each entry lists code points, then 0xFFFE/0xFE-led sequences (skipped), then an end mark.
		let inSequence = false;
		for (;;) {
			if (at >= psf.length) throw new Error(`${path}: Unicode table ends early`);
			let u: number;
			if (utf8) {
				const b = psf[at];
				if (b === 0xff) {
					at++;
					break;
				}
				if (b === 0xfe) {
					inSequence = true;
					at++;
					continue;
				}
				const len = b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
				u = len === 1 ? b : b & (0xff >> (len + 1));
				for (let k = 1; k < len; k++) u = (u << 6) | (psf[at + k] & 0x3f);
				at += len;
			} else {
				u = psf[at] | (psf[at + 1] << 8);
				at += 2;
				if (u === 0xffff) break;
				if (u === 0xfffe) {
					inSequence = true;
					continue;
				}
			}
			if (!inSequence && !glyphOf.has(u)) glyphOf.set(u, glyph);
		}
	}
	return { width, height, rowBytes, glyphs, glyphOf };
}

/** What consoles show that we read: ASCII, Latin-1, CP437. No control characters. */
const WANTED = [
	...new Set([
		...Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)),
		...Array.from({ length: 0x100 - 0xa1 }, (_, i) => String.fromCharCode(0xa1 + i)),
		...CP437.slice(1, 0xff),
	]),
];

const dir = process.argv[2] ?? "/usr/share/consolefonts";
const entries: string[] = [];
for (const [id, files, source] of FONTS) {
	const psfs = files.map((f) => readPsf(join(dir, `${f}.psf.gz`)));
	const { width, height } = psfs[0];
	if (psfs.some((p) => p.width !== width || p.height !== height))
		throw new Error(`${files.join(", ")} differ in size`);
	let chars = "";
	const bits: number[] = [];
	for (const ch of WANTED) {
		const code = ch.codePointAt(0) ?? 0;
		const psf = psfs.find((p) => p.glyphOf.has(code));
		if (psf === undefined) continue;
		chars += ch;
		bits.push(...psf.glyphs[psf.glyphOf.get(code) as number]);
	}
	const file = files.map((f) => `${f}.psf.gz`).join(" + ");
	entries.push(`	{
		id: ${JSON.stringify(id)},
		source: ${JSON.stringify(`${file}: ${source}`)},
		width: ${width},
		height: ${height},
		chars: ${JSON.stringify(chars)},
		rows: ${JSON.stringify(Buffer.from(bits).toString("base64"))},
	},`);
	console.log(`${id}: ${width}x${height}, ${[...chars].length} glyphs from ${file}`);
}

const out = resolve(import.meta.dirname, "../src/text/fonts/tables.ts");
writeFileSync(
	out,
	`// Generated by scripts/text-fonts.ts from Debian's console-setup-linux fonts; do not edit.
// Licences and attribution: ./README.md and the licence files beside it.
import type { FontTable } from "./font-table.ts";

export const FONT_TABLES: readonly FontTable[] = [
${entries.join("\n")}
];
`,
);
console.log(`wrote ${out}`);
