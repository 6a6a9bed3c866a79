/**
 * Reads one character cell: splits its pixels into two colours (any
 * foreground on any background, noisy or not), turns them into a bit
 * pattern, and finds the glyph it is, either polarity (inverse video).
 */
import { type Framebuffer, pixelWords } from "../image/framebuffer.ts";
import { type GlyphBank, hashWords, popcount } from "./glyphs.ts";

/**
 * Below this L1 RGB distance between a cell's two colours, the cell is
 * blank: above JPEG ringing near text (up to ~90), below the dimmest VGA
 * pair (blue on black, 170).
 */
const MIN_CONTRAST = 120;
/** Hamming distance (in pixels) under which a lossy cell is its glyph: a share of the cell. */
const GOOD_SHARE = 0.07;
/** Under this soft-score margin (in pixels) the runner-up is a real possibility. */
const UNCERTAIN_MARGIN = 1.5;
/** Soft-score cost (pixels) of reading the screen's background colour as ink. */
const PAPER_PENALTY = 0.25;
/** A lossy pixel whose position between the colours is provably under this is background, unprojected. */
const SURE_PAPER = 0.49;
/** Candidates kept for the soft comparison. */
const TOP = 4;

export const CellKind = {
	Blank: 0,
	/** A glyph, confidently. */
	Glyph: 1,
	/** A glyph, but the second best is close. */
	Uncertain: 2,
	/** Ink that is no glyph we know. */
	Unknown: 3,
} as const;
export type CellKind = (typeof CellKind)[keyof typeof CellKind];

export interface CellReading {
	kind: CellKind;
	char: string;
	second: string;
	/** Template index of the best glyph, -1 when blank. */
	template: number;
	/** An underline cursor was drawn over this cell (and removed before matching). */
	cursor: boolean;
	/**
	 * The cell's exact pattern is this glyph's in the preferred fonts, found
	 * by lookup alone: narrower preferred fonts that draw it read it alike.
	 */
	exact: boolean;
	/** Foreground and background, each quantised to 2 bits per channel. */
	fg: number;
	bg: number;
}

/**
 * Reusable scratch for reading cells of one size. `preferred` is a bit mask
 * over bank.fonts tried first (the screen's font); the union is the fallback.
 */
export class CellReader {
	readonly bank: GlyphBank;
	preferred: number;
	/** The row's background colour: a pixel in the frame's byte order. */
	paper = 0;
	/** The cell's two colours (0: its first pixel's), as 0xBBGGRR-ordered pixels. */
	private colour0 = 0;
	private colour1 = 0;
	private readonly fb: Framebuffer;
	private readonly px: Int32Array;
	private readonly pattern: Uint32Array;
	private readonly inverse: Uint32Array;
	/** Soft ink per pixel, filled by softInk() when softReady is false. */
	private readonly soft: Float32Array;
	private softReady = false;
	/** The lossy cell's pixels, row by row. */
	private readonly cell: Int32Array;
	/** Each lossy pixel's L1 distance from the cell's first pixel. */
	private readonly dist: Int32Array;
	/** The lossy cell's split: background mean (r, g, b), axis to the ink mean (r, g, b), 1 / axis². */
	private readonly axis = new Float64Array(7);
	private readonly lastMask: number;
	private readonly good: number;
	private readonly limit: number;
	/** Top candidates: template, distance, polarity (1 = inverse). */
	private readonly topT = new Int32Array(TOP);
	private readonly topD = new Int32Array(TOP);
	private readonly topInv = new Uint8Array(TOP);
	private topN = 0;
	private exactPixels = false;

	constructor(fb: Framebuffer, bank: GlyphBank, preferred: number) {
		this.fb = fb;
		this.bank = bank;
		this.preferred = preferred;
		this.px = pixelWords(fb);
		this.pattern = new Uint32Array(bank.words);
		this.inverse = new Uint32Array(bank.words);
		this.soft = new Float32Array(bank.width * bank.height);
		this.cell = new Int32Array(bank.width * bank.height);
		this.dist = new Int32Array(bank.width * bank.height);
		const bits = (bank.width * bank.height) % 32;
		this.lastMask = bits === 0 ? 0xffffffff : (1 << bits) - 1;
		this.good = Math.max(3, Math.round(bank.width * bank.height * GOOD_SHARE));
		this.limit = this.good * 2 + 1;
	}

	/** The frame as one 32-bit word per pixel. */
	get pixels(): Int32Array {
		return this.px;
	}

	/** 1 when the cell's second colour is nearer the paper (so its first is the ink), else 0. */
	private paperSide(): number {
		return l1(this.colour1, this.paper) < l1(this.colour0, this.paper) ? 1 : 0;
	}

	/** Reads the cell whose top-left pixel is (x0, y0). */
	read(x0: number, y0: number, out: CellReading): void {
		out.cursor = false;
		out.exact = false;
		out.second = "";
		out.template = -1;
		if (!this.binarise(x0, y0, out)) {
			out.kind = CellKind.Blank;
			out.char = " ";
			return;
		}
		const { bank } = this;
		const inverse = this.inverse;
		const last = bank.words - 1;
		for (let w = 0; w <= last; w++) inverse[w] = ~this.pattern[w];
		inverse[last] &= this.lastMask;

		// The exact glyph, preferring the screen's font, then any. Lossy cells
		// mostly split into their glyph's exact pattern too.
		// Complementary glyphs (the half blocks) differ only in which colour is
		// the background: the screen's paper is. So the exact lookup takes the
		// paper as background; the other way round goes through the ranking.
		// A glyph with no complement (an inverse-video menu highlight on a row
		// whose paper is the other colour) is then exact the other way round.
		const paperInk = this.paperSide() === 1;
		const hit = paperInk
			? (this.exact(inverse, this.preferred, true) ?? this.exact(this.pattern, this.preferred))
			: (this.exact(this.pattern, this.preferred) ?? this.exact(inverse, this.preferred, true));
		if (hit !== undefined) {
			this.accept(hit, out);
			out.exact = true;
			return;
		}
		if (this.exactPixels) {
			if (this.underlined(out) !== undefined) return;
			const other = paperInk ? this.exact(inverse, -1, true) : this.exact(this.pattern, -1);
			if (other !== undefined) {
				this.accept(other, out);
				return;
			}
		}
		this.nearest(this.preferred);
		const close = this.topN > 0 && this.topD[0] * 3 <= this.good;
		if (!close) {
			if (this.underlined(out) !== undefined) return;
			const everyFont = this.preferred === (1 << this.bank.fonts.length) - 1;
			if (!everyFont && (this.topN === 0 || this.topD[0] > this.good)) this.nearest(-1);
		}
		this.decide(out);
	}

	/**
	 * Splits the cell into background and ink: exact two colours when the
	 * frame is lossless, else the two clusters along its main colour axis,
	 * with a soft 0..1 ink value per pixel. False when the cell is blank.
	 */
	private binarise(x0: number, y0: number, out: CellReading): boolean {
		const base = y0 * this.fb.width + x0;
		const c0 = this.px[base];
		this.pattern.fill(0);
		this.softReady = false;
		if (!this.twoColours(base, c0)) {
			this.exactPixels = false;
			return this.split(base, c0, out);
		}
		this.exactPixels = true;
		const c1 = this.colour1;
		if (c1 === c0 || l1(c0, c1) < MIN_CONTRAST) {
			out.bg = out.fg = quantise(c0);
			return false;
		}
		out.bg = quantise(c0);
		out.fg = quantise(c1);
		this.colour0 = c0;
		return true;
	}

	/**
	 * True when the cell has at most two exact colours, c0 (its first
	 * pixel's) and colour1; the pattern then has colour1's pixels set.
	 */
	private twoColours(base: number, c0: number): boolean {
		const { width: w, height: h } = this.bank;
		const stride = this.fb.width;
		const px = this.px;
		const pattern = this.pattern;
		let c1 = c0;
		for (let y = 0, i = 0; y < h; y++) {
			for (let p = base + y * stride, end = p + w; p < end; p++, i++) {
				const v = px[p];
				if (v === c0) continue;
				if (c1 === c0) c1 = v;
				else if (v !== c1) return false;
				pattern[i >>> 5] |= 1 << (i & 31);
			}
		}
		this.colour1 = c1;
		return true;
	}

	/** The lossy split: two clusters along the cell's main colour axis. False when the cell is blank. */
	private split(base: number, c0: number, out: CellReading): boolean {
		const { width: w, height: h } = this.bank;
		const stride = this.fb.width;
		const px = this.px;
		const pattern = this.pattern;
		// The cell's pixels copied out once: three passes read them.
		const cell = this.cell;
		const c0r = c0 & 255;
		const c0g = (c0 >>> 8) & 255;
		const c0b = (c0 >>> 16) & 255;
		// The pixel farthest from the first one: the other colour. Each
		// pixel's distance from the first one is kept: it lets the later
		// passes skip pixels that are surely background.
		const dist = this.dist;
		let far = 0;
		let farAt = 0;
		let sr = 0;
		let sg = 0;
		let sb = 0;
		for (let y = 0, i = 0; y < h; y++) {
			for (let p = base + y * stride, end = p + w; p < end; p++, i++) {
				const v = px[p];
				cell[i] = v;
				const r = v & 255;
				const g = (v >>> 8) & 255;
				const b = (v >>> 16) & 255;
				sr += r;
				sg += g;
				sb += b;
				const d = Math.abs(r - c0r) + Math.abs(g - c0g) + Math.abs(b - c0b);
				dist[i] = d;
				if (d > far) {
					far = d;
					farAt = i;
				}
			}
		}
		if (far < MIN_CONTRAST) {
			out.bg = out.fg = quantise(c0);
			return false;
		}
		const size = w * h;
		// Two clusters: nearer the first pixel or nearer the far one; their means.
		const c1 = cell[farAt];
		const c1r = c1 & 255;
		const c1g = (c1 >>> 8) & 255;
		const c1b = (c1 >>> 16) & 255;
		let n1 = 0;
		let sr1 = 0;
		let sg1 = 0;
		let sb1 = 0;
		for (let i = 0; i < size; i++) {
			// No nearer the far pixel than the first: d1 >= far - d0 >= d0.
			const d0 = dist[i];
			if (d0 * 2 <= far) continue;
			const v = cell[i];
			const r = v & 255;
			const g = (v >>> 8) & 255;
			const b = (v >>> 16) & 255;
			const d1 = Math.abs(r - c1r) + Math.abs(g - c1g) + Math.abs(b - c1b);
			if (d1 < d0) {
				n1++;
				sr1 += r;
				sg1 += g;
				sb1 += b;
			}
		}
		const n0 = size - n1;
		const mr0 = (sr - sr1) / n0;
		const mg0 = (sg - sg1) / n0;
		const mb0 = (sb - sb1) / n0;
		const mr1 = sr1 / n1;
		const mg1 = sg1 / n1;
		const mb1 = sb1 / n1;
		const ar = mr1 - mr0;
		const ag = mg1 - mg0;
		const ab = mb1 - mb0;
		if (Math.abs(ar) + Math.abs(ag) + Math.abs(ab) < MIN_CONTRAST) {
			out.bg = out.fg = quantise(c0);
			return false;
		}
		// Ink where a pixel lies past halfway between the two means; its soft
		// value (the position itself) is worked out only if a ranking needs it.
		const norm = 1 / (ar * ar + ag * ag + ab * ab);
		const axis = this.axis;
		axis[0] = mr0;
		axis[1] = mg0;
		axis[2] = mb0;
		axis[3] = ar;
		axis[4] = ag;
		axis[5] = ab;
		axis[6] = norm;
		// A pixel's position t <= (|p - c0| + |c0 - m0|) / |a| (Euclidean; the
		// L1 distance bounds the first): pixels below a margin under 0.5 are
		// background for sure, far beyond rounding.
		const axisLength = Math.sqrt(ar * ar + ag * ag + ab * ab);
		const offset = Math.sqrt((c0r - mr0) ** 2 + (c0g - mg0) ** 2 + (c0b - mb0) ** 2);
		const surelyPaper = SURE_PAPER * axisLength - offset;
		// (The exact scan left a partial pattern.)
		pattern.fill(0);
		for (let i = 0; i < size; i++) {
			if (dist[i] < surelyPaper) continue;
			const v = cell[i];
			const t =
				((v & 255) - mr0) * ar + (((v >>> 8) & 255) - mg0) * ag + (((v >>> 16) & 255) - mb0) * ab;
			if (t * norm > 0.5) pattern[i >>> 5] |= 1 << (i & 31);
		}
		out.bg = quantiseRgb(mr0, mg0, mb0);
		out.fg = quantiseRgb(mr1, mg1, mb1);
		this.colour0 = pixelOf(mr0, mg0, mb0);
		this.colour1 = pixelOf(mr1, mg1, mb1);
		return true;
	}

	/** The soft 0..1 ink value per pixel: exact bits on a lossless cell, else the position between the means. */
	private softInk(): Float32Array {
		const soft = this.soft;
		if (this.softReady) return soft;
		this.softReady = true;
		const size = this.bank.width * this.bank.height;
		if (this.exactPixels) {
			const pattern = this.pattern;
			for (let i = 0; i < size; i++) soft[i] = (pattern[i >>> 5] >>> (i & 31)) & 1;
			return soft;
		}
		const { cell, axis } = this;
		const [mr0, mg0, mb0, ar, ag, ab, norm] = axis;
		for (let i = 0; i < size; i++) {
			const v = cell[i];
			const t =
				(((v & 255) - mr0) * ar +
					(((v >>> 8) & 255) - mg0) * ag +
					(((v >>> 16) & 255) - mb0) * ab) *
				norm;
			soft[i] = t < 0 ? 0 : Math.min(t, 1);
		}
		return soft;
	}

	/** Template with exactly this pattern, in the fonts of `fonts` (-1: any); inverse swaps the colours. */
	private exact(pattern: Uint32Array, fonts: number, inverse = false): number | undefined {
		const { bank } = this;
		const list = bank.exact.get(hashWords(pattern, 0, bank.words));
		if (list === undefined) return undefined;
		for (const t of list) {
			if ((bank.fontMask[t] & fonts) === 0) continue;
			let same = true;
			for (let w = 0; w < bank.words && same; w++)
				same = bank.patterns[t * bank.words + w] === pattern[w];
			if (same) {
				this.topN = 1;
				this.topT[0] = t;
				this.topD[0] = 0;
				this.topInv[0] = inverse ? 1 : 0;
				return t;
			}
		}
		return undefined;
	}

	private accept(t: number, out: CellReading): void {
		out.second = "";
		out.kind = CellKind.Glyph;
		out.char = this.bank.chars[t];
		out.template = t;
		if (this.topInv[0]) {
			const fg = out.fg;
			out.fg = out.bg;
			out.bg = fg;
		}
	}

	/**
	 * The TOP nearest templates by Hamming distance, both polarities, among
	 * the fonts of `fonts` (-1: all). Templates are sorted by ink, so the
	 * search stops once the ink difference alone exceeds the worst kept.
	 */
	private nearest(fonts: number): void {
		this.topN = 0;
		this.search(this.pattern, 0, fonts);
		this.search(this.inverse, 1, fonts);
	}

	private search(pattern: Uint32Array, inverse: number, fonts: number): void {
		const { bank } = this;
		const words = bank.words;
		const patterns = bank.patterns;
		let ink = 0;
		for (let w = 0; w < words; w++) ink += popcount(pattern[w]);
		const order = bank.byInk;
		const n = order.length;
		// First template with at least this much ink.
		let lo = 0;
		let hi = n;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if (bank.inkCount[order[mid]] < ink) lo = mid + 1;
			else hi = mid;
		}
		let up = lo;
		let down = lo - 1;
		const topD = this.topD;
		for (;;) {
			// Beyond twice a good distance nothing is worth ranking.
			const bound = this.topN < TOP ? this.limit : Math.min(topD[TOP - 1], this.limit);
			const upGap = up < n ? bank.inkCount[order[up]] - ink : 1 << 30;
			const downGap = down >= 0 ? ink - bank.inkCount[order[down]] : 1 << 30;
			const gap = Math.min(upGap, downGap);
			if (gap >= bound || gap === 1 << 30) return;
			const t = upGap <= downGap ? order[up++] : order[down--];
			if ((bank.fontMask[t] & fonts) === 0) continue;
			let d = 0;
			for (let w = 0, at = t * words; w < words && d < bound; w++, at++)
				d += popcount(patterns[at] ^ pattern[w]);
			if (d < bound) this.keep(t, d, inverse);
		}
	}

	/** Inserts a candidate, one entry per character. */
	private keep(t: number, d: number, inverse: number): void {
		const { topT, topD, topInv } = this;
		const ch = this.bank.chars[t];
		let at = this.topN;
		for (let k = 0; k < this.topN; k++) {
			if (this.bank.chars[topT[k]] === ch) {
				if (topD[k] <= d) return;
				// Replace the worse entry for this character.
				for (let j = k; j < this.topN - 1; j++) {
					topT[j] = topT[j + 1];
					topD[j] = topD[j + 1];
					topInv[j] = topInv[j + 1];
				}
				this.topN--;
				at = this.topN;
				break;
			}
		}
		at = this.topN;
		// Equal distances go to a space: noise in a blank cell is not a block.
		while (at > 0 && (topD[at - 1] > d || (topD[at - 1] === d && ch === " "))) at--;
		if (at >= TOP) return;
		const end = Math.min(this.topN, TOP - 1);
		for (let j = end; j > at; j--) {
			topT[j] = topT[j - 1];
			topD[j] = topD[j - 1];
			topInv[j] = topInv[j - 1];
		}
		topT[at] = t;
		topD[at] = d;
		topInv[at] = inverse;
		if (this.topN < TOP) this.topN++;
	}

	/** Ranks the candidates by soft distance and says how sure the best is. */
	private decide(out: CellReading): void {
		const { bank } = this;
		const soft = this.softInk();
		const size = bank.width * bank.height;
		let best = -1;
		let bestScore = Number.POSITIVE_INFINITY;
		let secondScore = Number.POSITIVE_INFINITY;
		let second = -1;
		// A reading with the paper as its ink is worth a little less.
		const paperSide = this.paperSide();
		for (let k = 0; k < this.topN; k++) {
			const t = this.topT[k];
			const inv = this.topInv[k];
			let s = inv !== paperSide ? PAPER_PENALTY : 0;
			const at = t * bank.words;
			for (let i = 0; i < size; i++) {
				const bit = (bank.patterns[at + (i >>> 5)] >>> (i & 31)) & 1;
				const e = (inv ? 1 - soft[i] : soft[i]) - bit;
				s += e * e;
			}
			if (s < bestScore) {
				secondScore = bestScore;
				second = best;
				bestScore = s;
				best = k;
			} else if (s < secondScore) {
				secondScore = s;
				second = k;
			}
		}
		if (best < 0 || this.topD[best] > this.good * 2) {
			out.kind = CellKind.Unknown;
			out.char = "?";
			out.second = best < 0 ? "" : bank.chars[this.topT[best]];
			return;
		}
		const t = this.topT[best];
		this.topT[0] = t;
		this.topInv[0] = this.topInv[best];
		this.accept(t, out);
		if (this.topD[best] > this.good) out.kind = CellKind.Uncertain;
		if (second >= 0) {
			out.second = bank.chars[this.topT[second]];
			if (secondScore - bestScore < UNCERTAIN_MARGIN) out.kind = CellKind.Uncertain;
		}
	}

	/**
	 * An underline cursor over the cell: a run of full ink rows in the lower
	 * half, two rows to a quarter of the cell high. If the rest is a glyph of the
	 * preferred fonts, that is the character and the cursor is reported.
	 */
	private underlined(out: CellReading): number | undefined {
		const { bank } = this;
		const { width: w, height: h, words } = bank;
		for (const [pattern, inverse] of [
			[this.pattern, 0],
			[this.inverse, 1],
		] as const) {
			let bottom = -1;
			let top = -1;
			for (let y = h - 1; y >= h >> 1; y--) {
				let ink = 0;
				for (let x = 0, i = y * w; x < w; x++, i++) ink += (pattern[i >>> 5] >>> (i & 31)) & 1;
				const full = ink >= w - (this.exactPixels ? 1 : 2);
				if (full) {
					if (bottom < 0) bottom = y;
					top = y;
				} else if (bottom >= 0) break;
			}
			// Two rows at least: a one-row line is an underscore.
			if (bottom < 0 || bottom === top || bottom - top + 1 > h >> 2) continue;
			// Compare everything but the cursor rows, within the preferred fonts.
			const mask = new Uint32Array(words).fill(0xffffffff);
			mask[words - 1] = this.lastMask;
			for (let i = top * w; i < (bottom + 1) * w; i++) mask[i >>> 5] &= ~(1 << (i & 31));
			// Ties go to the glyph with less ink: a cursor on a space, not an underscore.
			let best = -1;
			let bestD = this.exactPixels ? 1 : this.good + 1;
			let bestKey = Number.POSITIVE_INFINITY;
			for (let t = 0; t < bank.chars.length; t++) {
				if ((bank.fontMask[t] & this.preferred) === 0) continue;
				let d = 0;
				for (let k = 0; k < words && d < bestD; k++)
					d += popcount((bank.patterns[t * words + k] ^ pattern[k]) & mask[k]);
				const key = d * 65536 + bank.inkCount[t];
				if (d < bestD && key < bestKey) {
					bestKey = key;
					best = t;
				}
			}
			if (best >= 0) bestD = Math.floor(bestKey / 65536);
			if (best < 0) continue;
			this.topN = 1;
			this.topT[0] = best;
			this.topD[0] = bestD;
			this.topInv[0] = inverse;
			this.accept(best, out);
			out.cursor = true;
			return best;
		}
		return undefined;
	}
}

function l1(a: number, b: number): number {
	return (
		Math.abs((a & 255) - (b & 255)) +
		Math.abs(((a >>> 8) & 255) - ((b >>> 8) & 255)) +
		Math.abs(((a >>> 16) & 255) - ((b >>> 16) & 255))
	);
}

/** A little-endian RGBA pixel to 6 bits: 0..3 per channel (VGA's levels are 0, 85, 170, 255). */
/** An RGB mean as a little-endian RGBA pixel, like the frame's. */
function pixelOf(r: number, g: number, b: number): number {
	return (Math.round(r) | (Math.round(g) << 8) | (Math.round(b) << 16)) >>> 0;
}

export function quantise(pixel: number): number {
	return quantiseRgb(pixel & 255, (pixel >>> 8) & 255, (pixel >>> 16) & 255);
}

function quantiseRgb(r: number, g: number, b: number): number {
	return (((r + 42) / 85) << 4) | (((g + 42) / 85) << 2) | ((b + 42) / 85);
}
