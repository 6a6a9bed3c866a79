/**
 * Glyph templates as bit patterns per cell size, built once from the font
 * tables: the union of every font drawn in that cell, deduplicated, indexed
 * for an exact lookup (lossless frames) and sorted by ink count for a pruned
 * nearest-pattern search (lossy frames).
 */
import { NINTH_COLUMN_REPEATS } from "./cp437.ts";
import { FONT_TABLES } from "./fonts/tables.ts";

/** A cell's pixels as bits: pixel (x, y) is bit (y * width + x), 32 to a word. */
export interface GlyphBank {
	width: number;
	height: number;
	/** Words per pattern. */
	words: number;
	/** Fonts drawn in this cell, by id; a template's `fonts` bit i is fonts[i]. */
	fonts: string[];
	/** Pattern t at words [t * words, (t + 1) * words). */
	patterns: Uint32Array;
	chars: string[];
	/** Bit mask over `fonts`: which fonts draw this pattern as this character. */
	fontMask: Uint32Array;
	inkCount: Uint16Array;
	/** Template indices by ascending ink count. */
	byInk: Uint32Array;
	/** Pattern hash -> templates with that hash (verify the words). */
	exact: Map<number, number[]>;
}

/** Cell sizes we read: VGA text 9x16, framebuffer 8x16, large 16x32. */
export const CELL_SIZES: readonly (readonly [number, number])[] = [
	[9, 16],
	[8, 16],
	[16, 32],
];

const banks = new Map<string, GlyphBank>();

/** The bank for a cell size, built on first use (a few ms), or undefined if no font fits. */
export function glyphBank(width: number, height: number): GlyphBank | undefined {
	const key = `${width}x${height}`;
	let bank = banks.get(key);
	if (bank === undefined) {
		bank = buildBank(width, height);
		if (bank === undefined) return undefined;
		banks.set(key, bank);
	}
	return bank;
}

function buildBank(width: number, height: number): GlyphBank | undefined {
	// A VGA adapter draws the 8-pixel font in 9-pixel cells (ninth-column rule).
	const ninth = width === 9;
	const sources = FONT_TABLES.filter(
		(f) => f.height === height && (f.width === width || (ninth && f.width === 8)),
	);
	if (sources.length === 0) return undefined;
	const words = Math.ceil((width * height) / 32);
	const fonts = sources.map((f) => (ninth ? `${f.id}-9` : f.id));
	const capacity = sources.reduce((n, f) => n + f.chars.length, 0);
	const patterns = new Uint32Array(capacity * words);
	const chars: string[] = [];
	const masks: number[] = [];
	const exact = new Map<number, number[]>();
	const pattern = new Uint32Array(words);
	/** The template with this pattern: drawing `ch` if given, else any. */
	const find = (h: number, ch?: string) =>
		exact.get(h)?.find((t) => {
			if (ch !== undefined && chars[t] !== ch) return false;
			for (let w = 0; w < words; w++) if (patterns[t * words + w] !== pattern[w]) return false;
			return true;
		});
	sources.forEach((font, fontIndex) => {
		const text = atob(font.rows);
		const rows = new Uint8Array(text.length);
		for (let i = 0; i < text.length; i++) rows[i] = text.charCodeAt(i);
		const rowBytes = Math.ceil(font.width / 8);
		const glyphBytes = rowBytes * font.height;
		const bit = 1 << fontIndex;
		let g = 0;
		for (const ch of font.chars) {
			pattern.fill(0);
			const repeat = ninth && NINTH_COLUMN_REPEATS.has(ch);
			for (let y = 0, i = 0; y < height; y++) {
				const at = g * glyphBytes + y * rowBytes;
				for (let x = 0; x < width; x++, i++) {
					const fx = ninth && x === 8 ? (repeat ? 7 : -1) : x;
					if (fx >= 0 && (rows[at + (fx >> 3)] << (fx & 7)) & 0x80)
						pattern[i >>> 5] |= 1 << (i & 31);
				}
			}
			g++;
			const h = hashWords(pattern, 0, words);
			const same = find(h, ch);
			if (same !== undefined) {
				masks[same] |= bit;
				continue;
			}
			// A font drawing two characters alike (- and soft hyphen): the first, ASCII before the rest, wins.
			const other = find(h);
			if (other !== undefined && masks[other] & bit) continue;
			const t = chars.length;
			patterns.set(pattern, t * words);
			chars.push(ch);
			masks.push(bit);
			const list = exact.get(h);
			if (list) list.push(t);
			else exact.set(h, [t]);
		}
	});
	const count = chars.length;
	const bank: GlyphBank = {
		width,
		height,
		words,
		fonts,
		patterns: patterns.slice(0, count * words),
		chars,
		fontMask: Uint32Array.from(masks),
		inkCount: new Uint16Array(count),
		byInk: new Uint32Array(count),
		exact,
	};
	for (let t = 0; t < count; t++) {
		let ink = 0;
		for (let w = 0; w < words; w++) ink += popcount(bank.patterns[t * words + w]);
		bank.inkCount[t] = ink;
	}
	const order = Array.from({ length: count }, (_, t) => t).sort(
		(a, b) => bank.inkCount[a] - bank.inkCount[b],
	);
	bank.byInk.set(order);
	return bank;
}

export function popcount(v: number): number {
	v -= (v >>> 1) & 0x55555555;
	v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
	return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** FNV-1a over the words: the exact-lookup key. */
export function hashWords(a: Uint32Array, at: number, words: number): number {
	let h = 0x811c9dc5;
	for (let w = 0; w < words; w++) h = Math.imul(h ^ a[at + w], 0x01000193);
	return h >>> 0;
}
