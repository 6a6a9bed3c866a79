import { checkFramebuffer } from "./check.ts";
import type { Framebuffer } from "./framebuffer.ts";

/**
 * Long edge we scale small screens up towards. Vision models downscale
 * anything much larger, so pixels beyond it cost tokens and buy nothing.
 */
export const VISION_LONG_EDGE = 1500;

/**
 * Share of pixels at each end of the luminance histogram treated as outliers
 * (decoder ringing, a mouse cursor). Kept tiny because on a console a few
 * hundred pixels can be a whole word: a 9x16 cell has ~30 lit pixels.
 */
const TAIL_FRACTION = 1 / 2048;

/**
 * Most a levels stretch may multiply contrast by. Enough to lift a dim
 * capture (text at ~85 of 255) to full range, not so much that a nearly
 * uniform screen becomes a field of amplified noise.
 */
export const MAX_GAIN = 3;

/**
 * What vision models take without shrinking the image themselves (Claude:
 * a long edge of 1568 px and about 1600 tokens of 750 px each). Past it the client's
 * resampler would decide how the text looks; we'd rather choose.
 */
export const VISION_MAX_EDGE = 1568;
export const VISION_MAX_PIXELS = 1_200_000;

/**
 * Makes a console screenshot easy for a vision model to read: stretches
 * contrast from the luminance histogram, then scales small screens up by a
 * whole factor towards VISION_LONG_EDGE, or large ones down into the vision
 * budget by area averaging.
 */
export function optimiseForVision(fb: Framebuffer): Framebuffer {
	checkFramebuffer(fb, "optimise");
	const fit = visionFit(fb.width, fb.height);
	// Shrinking levels each source row as it reads it: no levelled copy of a large screen.
	if (fit) return downscale(fb, fit.width, fit.height, levelsOf(fb));
	const levelled = stretchLevels(fb);
	const factor = upscaleFactor(fb.width, fb.height);
	return factor > 1 ? upscale(levelled, factor) : levelled;
}

/** The size of the image optimiseForVision makes of a width x height console. */
export function visionSize(width: number, height: number): { width: number; height: number } {
	const factor = upscaleFactor(width, height);
	if (factor > 1) return { width: width * factor, height: height * factor };
	return visionFit(width, height) ?? { width, height };
}

/**
 * The console pixel under point (x, y) of the optimised image: the scaling is
 * deterministic, so a point an agent picks on the image it was shown maps
 * back to the pixel it covers.
 */
export function nativePoint(
	x: number,
	y: number,
	console: { width: number; height: number },
): { x: number; y: number } {
	const shown = visionSize(console.width, console.height);
	return {
		x: Math.min(console.width - 1, Math.floor((x * console.width) / shown.width)),
		y: Math.min(console.height - 1, Math.floor((y * console.height) / shown.height)),
	};
}

/** The size a screen too large for the vision budget shrinks to, keeping its aspect; null if it fits. */
export function visionFit(width: number, height: number): { width: number; height: number } | null {
	const scale = Math.min(
		VISION_MAX_EDGE / Math.max(width, height),
		Math.sqrt(VISION_MAX_PIXELS / (width * height)),
	);
	if (scale >= 1) return null;
	return {
		width: Math.max(1, Math.floor(width * scale)),
		height: Math.max(1, Math.floor(height * scale)),
	};
}

/**
 * Area averaging: each output pixel is the mean of the source area it
 * covers, the standard filter for shrinking (no aliasing, no ringing around
 * glyphs). Separable, in integers: weights are 8-bit fractions summing to
 * exactly 256, a row pass keeps 8 fraction bits, the column pass rounds.
 * Source rows are levelled (`levels`) and row-filtered as the column pass
 * first needs them, into a ring just deep enough for one output row, so
 * only the output is as large as an image.
 */
function downscale(fb: Framebuffer, width: number, height: number, levels: Levels): Framebuffer {
	const across = areaWeights(fb.width, width);
	const down = areaWeights(fb.height, height);
	const stride = width * 3;
	let depth = 1;
	for (let y = 0; y < height; y++) depth = Math.max(depth, down.first[y + 1] - down.first[y]);
	const ring = new Uint16Array(stride * depth);
	const ringRow = new Int32Array(depth).fill(-1);
	const { src, src32 } = aligned(fb);
	const line = new Uint8Array(fb.width * 4);
	const line32 = new Uint32Array(line.buffer);
	/** Where source row y's row-filtered values start in the ring, filtering it if not there yet. */
	const filtered = (y: number): number => {
		const slot = y % depth;
		const at = slot * stride;
		if (ringRow[slot] === y) return at;
		ringRow[slot] = y;
		applyLevels(levels, src, src32, y * fb.width, fb.width, line, line32);
		for (let x = 0, t = at; x < width; x++, t += 3) {
			let r = 0;
			let g = 0;
			let b = 0;
			for (
				let k = across.first[x], end = across.first[x + 1], s = across.start[x] * 4;
				k < end;
				k++, s += 4
			) {
				const w = across.weight[k];
				r += line[s] * w;
				g += line[s + 1] * w;
				b += line[s + 2] * w;
			}
			ring[t] = r;
			ring[t + 1] = g;
			ring[t + 2] = b;
		}
		return at;
	};
	// Column pass a whole row at a time: contiguous reads, a few source rows per output row.
	const rgba = new Uint8Array(width * height * 4);
	const sum = new Uint32Array(stride);
	for (let y = 0, o = 0; y < height; y++) {
		sum.fill(32768); // rounds the 16 fraction bits
		for (let k = down.first[y], end = down.first[y + 1], row = down.start[y]; k < end; k++, row++) {
			const w = down.weight[k];
			const s = filtered(row);
			for (let i = 0; i < stride; i++) sum[i] += ring[s + i] * w;
		}
		for (let i = 0; i < stride; i += 3, o += 4) {
			rgba[o] = sum[i] >>> 16;
			rgba[o + 1] = sum[i + 1] >>> 16;
			rgba[o + 2] = sum[i + 2] >>> 16;
			rgba[o + 3] = 255;
		}
	}
	return { width, height, rgba };
}

/**
 * For each of `to` output cells over `from` source cells: the first source
 * cell it touches, and the share (in 256ths, summing to exactly 256) of each.
 */
function areaWeights(from: number, to: number) {
	const scale = from / to;
	const start = new Int32Array(to);
	const first = new Int32Array(to + 1);
	const weight: number[] = [];
	for (let o = 0; o < to; o++) {
		const lo = o * scale;
		const hi = lo + scale;
		start[o] = Math.floor(lo);
		first[o] = weight.length;
		let left = 256;
		const end = Math.min(from, Math.ceil(hi));
		for (let i = start[o]; i < end; i++) {
			const share =
				i === end - 1 ? left : Math.round(((Math.min(hi, i + 1) - Math.max(lo, i)) / scale) * 256);
			weight.push(share);
			left -= share;
		}
	}
	first[to] = weight.length;
	return { start, first, weight: Int32Array.from(weight) };
}

/**
 * Whole-number factor that brings the long edge closest to VISION_LONG_EDGE
 * without passing it. Whole factors with nearest-neighbour sampling turn each
 * pixel into a k x k block: glyph strokes stay sharp and uniform, and the
 * screen keeps its handful of colours (so the PNG stays indexed and small).
 * Fractional factors would either give uneven stroke widths (nearest) or
 * soften and ring around every glyph edge (Lanczos).
 */
export function upscaleFactor(width: number, height: number): number {
	return Math.max(1, Math.floor(VISION_LONG_EDGE / Math.max(width, height)));
}

/**
 * Percentile levels on luminance, the same linear map applied to R, G and B.
 * The darkest and brightest non-outlier levels spread to 0..255 when the gain
 * that takes is at most MAX_GAIN; otherwise the range widens by MAX_GAIN and
 * keeps its relative place, so a flat grey screen stays grey. A map that is
 * the same line for all channels keeps every pixel's hue; a pixel the line
 * would push out of 0..255 is slid (or, if it spans more than the range,
 * stretched) along its own line instead of clipped per channel, so saturated
 * colours keep their hue too.
 *
 * Photon has no percentile levels (its `normalize` uses the absolute min/max,
 * which one stray pixel defeats, and has no gain cap), so this is our loop.
 */
export function stretchLevels(fb: Framebuffer): Framebuffer {
	checkFramebuffer(fb, "stretch levels of");
	const levels = levelsOf(fb);
	if (levels === null) return { width: fb.width, height: fb.height, rgba: fb.rgba.slice() };
	const { src, src32 } = aligned(fb);
	const out = new Uint8Array(src.length);
	applyLevels(levels, src, src32, 0, fb.width * fb.height, out, new Uint32Array(out.buffer));
	return { width: fb.width, height: fb.height, rgba: out };
}

/** The levels map of stretchLevels: gain, and the line v -> gain * v + offset; null when it changes nothing. */
type Levels = { gain: number; line: Int16Array } | null;

/** The image's bytes, and whole-pixel words over them (which need a 4-byte-aligned start). */
function aligned(fb: Framebuffer): { src: Uint8Array; src32: Uint32Array } {
	const src = fb.rgba.byteOffset % 4 === 0 ? fb.rgba : fb.rgba.slice();
	return { src, src32: new Uint32Array(src.buffer, src.byteOffset, fb.width * fb.height) };
}

function levelsOf(fb: Framebuffer): Levels {
	const pixels = fb.width * fb.height;
	// Whole-pixel views let runs of one colour (most of a console) skip the
	// per-channel work.
	const { src, src32 } = aligned(fb);

	const histogram = new Uint32Array(256);
	let last = -1;
	let lastLuma = 0;
	for (let p = 0; p < pixels; p++) {
		if (src32[p] !== last) {
			last = src32[p];
			lastLuma = luma(src[4 * p], src[4 * p + 1], src[4 * p + 2]);
		}
		histogram[lastLuma]++;
	}
	const tail = Math.floor(pixels * TAIL_FRACTION);
	let lo = 0;
	for (let seen = histogram[0]; seen <= tail && lo < 255; seen += histogram[++lo]);
	let hi = 255;
	for (let seen = histogram[255]; seen <= tail && hi > lo; seen += histogram[--hi]);

	const spanIn = hi - lo;
	const gain = spanIn === 0 ? MAX_GAIN : Math.min(MAX_GAIN, 255 / spanIn);
	const spanOut = gain * spanIn;
	const loOut = spanIn === 255 ? 0 : (lo * (255 - spanOut)) / (255 - spanIn);
	const offset = loOut - lo * gain;
	if (gain === 1 && offset === 0) return null;

	const line = new Int16Array(256);
	for (let v = 0; v < 256; v++) line[v] = Math.round(gain * v + offset);
	return { gain, line };
}

/**
 * Levels `count` pixels of `src` from pixel `from` into `out` from its start
 * (a copy when `levels` is null).
 */
function applyLevels(
	levels: Levels,
	src: Uint8Array,
	src32: Uint32Array,
	from: number,
	count: number,
	out: Uint8Array,
	out32: Uint32Array,
): void {
	if (levels === null) {
		out32.set(src32.subarray(from, from + count));
		return;
	}
	const { gain, line } = levels;
	let last = -1;
	for (let q = 0, p = from; q < count; q++, p++) {
		if (src32[p] === last) {
			out32[q] = out32[q - 1];
			continue;
		}
		last = src32[p];
		const i = 4 * p;
		const j = 4 * q;
		const r = src[i];
		const g = src[i + 1];
		const b = src[i + 2];
		const max = Math.max(r, g, b);
		const min = Math.min(r, g, b);
		if (line[max] <= 255 && line[min] >= 0) {
			out[j] = line[r];
			out[j + 1] = line[g];
			out[j + 2] = line[b];
		} else if (gain * (max - min) > 255) {
			const scale = 255 / (max - min);
			out[j] = Math.round((r - min) * scale);
			out[j + 1] = Math.round((g - min) * scale);
			out[j + 2] = Math.round((b - min) * scale);
		} else if (line[max] > 255) {
			out[j] = 255 + Math.round(gain * (r - max));
			out[j + 1] = 255 + Math.round(gain * (g - max));
			out[j + 2] = 255 + Math.round(gain * (b - max));
		} else {
			out[j] = Math.round(gain * (r - min));
			out[j + 1] = Math.round(gain * (g - min));
			out[j + 2] = Math.round(gain * (b - min));
		}
		out[j + 3] = 255;
	}
}

/** Rec. 601 luma in 0..255 (weights sum to 256). */
function luma(r: number, g: number, b: number): number {
	return (77 * r + 150 * g + 29 * b) >> 8;
}

/**
 * Whole-factor nearest-neighbour: each pixel becomes a factor x factor block.
 * Each source row is widened once into the output, then copied down. This is
 * what photon's `resample` computes at a whole factor (tests check the two
 * agree), about 20x faster: photon point-samples through the least common
 * multiple of the sizes, ~45 ms for 720x400 x2 against ~2 ms here.
 */
function upscale(fb: Framebuffer, factor: number): Framebuffer {
	const width = fb.width * factor;
	const height = fb.height * factor;
	// stretchLevels returns a fresh array, so its words are aligned.
	const src = new Uint32Array(fb.rgba.buffer, fb.rgba.byteOffset, fb.width * fb.height);
	const rgba = new Uint8Array(width * height * 4);
	const out = new Uint32Array(rgba.buffer);
	for (let y = 0, p = 0; y < fb.height; y++) {
		const row = y * factor * width;
		for (let o = row, end = row + width; o < end; p++) {
			const pixel = src[p];
			for (let k = 0; k < factor; k++) out[o++] = pixel;
		}
		for (let k = 1; k < factor; k++) out.copyWithin(row + k * width, row, row + width);
	}
	return { width, height, rgba };
}
