// The workerd test pool resolves photon to its "workerd" entry (precompiled wasm).
import { PhotonImage, resample } from "@cf-wasm/photon";
import { describe, expect, it } from "vitest";
import { LimitError } from "../../src/errors.ts";
import type { Framebuffer } from "../../src/image/framebuffer.ts";
import {
	MAX_GAIN,
	optimiseForVision,
	stretchLevels,
	upscaleFactor,
	VISION_LONG_EDGE,
	VISION_MAX_EDGE,
	VISION_MAX_PIXELS,
	visionFit,
} from "../../src/image/optimise.ts";
import { decodePng, imageOf } from "../support/png.ts";
import { VECTORS_MISSING, vector, vectorsPresent } from "../support/vectors.ts";

function rgbAt(fb: Framebuffer, x: number, y: number): [number, number, number] {
	const i = (y * fb.width + x) * 4;
	return [fb.rgba[i], fb.rgba[i + 1], fb.rgba[i + 2]];
}

function grey(v: number): number {
	return v * 0x010101;
}

function fraction(fb: Framebuffer, test: (r: number, g: number, b: number) => boolean): number {
	let n = 0;
	for (let i = 0; i < fb.rgba.length; i += 4)
		if (test(fb.rgba[i], fb.rgba[i + 1], fb.rgba[i + 2])) n++;
	return n / (fb.width * fb.height);
}

function distinctColours(fb: Framebuffer): number {
	const seen = new Set<number>();
	const words = new Uint32Array(fb.rgba.buffer, fb.rgba.byteOffset, fb.width * fb.height);
	for (const w of words) seen.add(w);
	return seen.size;
}

function hue(r: number, g: number, b: number): number {
	const max = Math.max(r, g, b);
	const d = max - Math.min(r, g, b);
	if (d === 0) return 0;
	const h = max === r ? (g - b) / d : max === g ? 2 + (b - r) / d : 4 + (r - g) / d;
	return (h * 60 + 360) % 360;
}

/** Text-like cells: glyph strokes on a cell grid, ~25% of each 9x16 cell lit. */
function isStroke(x: number, y: number): boolean {
	const cx = x % 9;
	const cy = y % 16;
	return (
		cx > 0 &&
		cx < 7 &&
		cy > 2 &&
		cy < 13 &&
		(cx === 1 || cy === 3 || cy === 12 || (cx + cy) % 5 === 0)
	);
}

const isPureWhite = (r: number, g: number, b: number) => r === 255 && g === 255 && b === 255;

describe("stretchLevels", () => {
	it("keeps a bright BIOS-like screen's levels apart instead of blowing it out", () => {
		// Light grey page, dark text in the top half, white text in the bottom half.
		const bios = imageOf(720, 400, (x, y) =>
			isStroke(x, y) ? (y < 200 ? grey(40) : grey(255)) : grey(200),
		);
		const out = stretchLevels(bios);
		expect(fraction(out, isPureWhite)).toBeCloseTo(fraction(bios, isPureWhite), 6);
		expect(distinctColours(out)).toBe(3);
		const [dark] = rgbAt(out, 1, 3);
		const [page] = rgbAt(out, 0, 0);
		const [white] = rgbAt(out, 1, 203);
		expect(white).toBe(255);
		expect(page).toBeLessThan(255);
		expect(page - dark).toBeGreaterThanOrEqual(200 - 40);
		expect(white - page).toBeGreaterThan(10);
	});

	it("brightens grey text on a black console", () => {
		const console = imageOf(720, 400, (x, y) => (isStroke(x, y) ? grey(170) : 0));
		const out = stretchLevels(console);
		expect(rgbAt(out, 1, 3)).toEqual([255, 255, 255]);
		expect(rgbAt(out, 0, 0)).toEqual([0, 0, 0]);
	});

	it("lifts a dim console by at most MAX_GAIN", () => {
		const dim = imageOf(720, 400, (x, y) => (isStroke(x, y) ? grey(60) : grey(10)));
		const out = stretchLevels(dim);
		const [text] = rgbAt(out, 1, 3);
		const [page] = rgbAt(out, 0, 0);
		expect(text - page).toBeGreaterThan(60 - 10);
		expect(text - page).toBeLessThanOrEqual(Math.ceil(MAX_GAIN * (60 - 10)));
	});

	it("leaves a full-range image unchanged", () => {
		const ramp = imageOf(256, 64, (x, y) =>
			y < 32 ? grey(x) : (x << 16) | ((255 - x) << 8) | (x ^ y),
		);
		expect(stretchLevels(ramp).rgba).toEqual(ramp.rgba);
	});

	it("does not amplify a nearly flat screen into noise", () => {
		// Mid grey with +-3 of deterministic noise.
		const flat = imageOf(400, 300, (x, y) => grey(128 + (((x * 7 + y * 13) % 7) - 3)));
		const out = stretchLevels(flat);
		let sumIn = 0;
		let sumOut = 0;
		let spreadOut = 0;
		for (let i = 0; i < out.rgba.length; i += 4) {
			sumIn += flat.rgba[i];
			sumOut += out.rgba[i];
		}
		const pixels = 400 * 300;
		for (let i = 0; i < out.rgba.length; i += 4)
			spreadOut = Math.max(spreadOut, Math.abs(out.rgba[i] - 128));
		expect(Math.abs(sumOut / pixels - sumIn / pixels)).toBeLessThan(2);
		expect(spreadOut).toBeLessThanOrEqual(3 * MAX_GAIN + 1);
		expect(fraction(out, isPureWhite)).toBe(0);
	});

	it("keeps the hue of coloured text, even where a channel would clip", () => {
		const colours = [0xaa0000, 0x00aa00, 0x0000aa, 0xaa5500, 0xff8000, 0x55ffff, 0xffff55];
		const fb = imageOf(720, 400, (x, y) =>
			isStroke(x, y) ? colours[Math.floor(x / 9) % colours.length] : 0,
		);
		const out = stretchLevels(fb);
		for (let cell = 0; cell < colours.length; cell++) {
			const before = rgbAt(fb, cell * 9 + 1, 3);
			const after = rgbAt(out, cell * 9 + 1, 3);
			expect(Math.max(...after)).toBeGreaterThanOrEqual(Math.max(...before));
			expect(Math.abs(hue(...after) - hue(...before))).toBeLessThan(2);
		}
	});

	it("ignores a few stray pixels when finding the levels", () => {
		const console = imageOf(720, 400, (x, y) =>
			x === 5 && y < 20 ? grey(255) : isStroke(x, y) ? grey(120) : 0,
		);
		const out = stretchLevels(console);
		expect(rgbAt(out, 1, 3)[0]).toBeGreaterThan(250);
	});
});

describe("optimiseForVision", () => {
	it("scales small screens up by a whole factor, never past VISION_LONG_EDGE", () => {
		for (const [w, h, factor] of [
			[720, 400, 2],
			[640, 480, 2],
			[640, 350, 2],
			[320, 200, 4],
			[800, 600, 1],
			[1024, 768, 1],
		]) {
			const out = optimiseForVision(imageOf(w, h, (x, y) => (isStroke(x, y) ? grey(170) : 0)));
			expect([out.width, out.height]).toEqual([w * factor, h * factor]);
			expect(out.width * h).toBe(out.height * w);
			expect(Math.max(out.width, out.height)).toBeGreaterThanOrEqual(Math.max(w, h));
			if (Math.max(w, h) <= VISION_LONG_EDGE) {
				expect(Math.max(out.width, out.height)).toBeLessThanOrEqual(VISION_LONG_EDGE);
			}
			expect(out.rgba.length).toBe(out.width * out.height * 4);
		}
		expect(upscaleFactor(1920, 1200)).toBe(1);
	});

	it("shrinks screens past the vision budget, keeping aspect and legibility", () => {
		for (const [w, h] of [
			[1920, 1080],
			[1920, 1200],
			[1280, 1024],
			[2560, 1600],
		]) {
			const fit = visionFit(w, h);
			expect(fit).not.toBeNull();
			const out = optimiseForVision(imageOf(w, h, (x, y) => (isStroke(x, y) ? grey(170) : 0)));
			expect([out.width, out.height]).toEqual([fit?.width, fit?.height]);
			expect(out.width * out.height).toBeLessThanOrEqual(VISION_MAX_PIXELS);
			expect(Math.max(out.width, out.height)).toBeLessThanOrEqual(VISION_MAX_EDGE);
			expect(Math.abs(out.width / out.height - w / h)).toBeLessThan(0.01);
			expect(out.rgba.length).toBe(out.width * out.height * 4);
			// Strokes survive the shrink: text stays well above the black background.
			let bright = 0;
			for (let i = 0; i < out.rgba.length; i += 4) if (out.rgba[i] > 120) bright++;
			expect(bright).toBeGreaterThan(0);
		}
		expect(visionFit(1024, 768)).toBeNull();
		expect(visionFit(1440, 800)).toBeNull();
	});

	it("shrinks by area averaging: each pixel is the mean of the source area it covers", () => {
		// A random screen big enough to need shrinking; the shrink works on the levelled pixels.
		let seed = 7;
		const random = () => {
			seed = (seed * 1103515245 + 12345) >>> 0;
			return seed >>> 8;
		};
		const fb = imageOf(2000, 1500, () => random() & 0xffffff);
		const out = optimiseForVision(fb);
		const levelled = stretchLevels(fb).rgba;
		const fit = visionFit(2000, 1500) as { width: number; height: number };
		expect([out.width, out.height]).toEqual([fit.width, fit.height]);
		const sx = 2000 / fit.width;
		const sy = 1500 / fit.height;
		const cover = (o: number, s: number, i: number) =>
			Math.max(0, Math.min((o + 1) * s, i + 1) - Math.max(o * s, i));
		for (const [ox, oy] of [
			[0, 0],
			[1, 0],
			[fit.width - 1, fit.height - 1],
			[517, 333],
			[1000, 7],
		]) {
			for (let c = 0; c < 3; c++) {
				let sum = 0;
				for (let y = Math.floor(oy * sy); y < Math.ceil((oy + 1) * sy); y++) {
					for (let x = Math.floor(ox * sx); x < Math.ceil((ox + 1) * sx); x++) {
						sum += levelled[(y * 2000 + x) * 4 + c] * cover(ox, sx, x) * cover(oy, sy, y);
					}
				}
				const want = sum / (sx * sy);
				expect(Math.abs(out.rgba[(oy * fit.width + ox) * 4 + c] - want)).toBeLessThanOrEqual(1);
			}
		}
		expect(out.rgba.every((v, i) => i % 4 !== 3 || v === 255)).toBe(true);
	});

	it("shrinks a flat screen to exactly its colour", () => {
		const out = optimiseForVision(imageOf(1920, 1200, () => 0x204060));
		const levelled = stretchLevels(imageOf(1, 1, () => 0x204060));
		expect(out.rgba.every((v, i) => v === levelled.rgba[i % 4])).toBe(true);
	});

	it("upscales by exact pixel replication of the levelled screen", () => {
		const fb = imageOf(720, 400, (x, y) => (isStroke(x, y) ? ((x * 31) << 8) | 0xaa : 0x000010));
		const levelled = stretchLevels(fb);
		const out = optimiseForVision(fb);
		expect(out.width).toBe(1440);
		for (let y = 0; y < out.height; y += 7) {
			for (let x = 0; x < out.width; x += 3) {
				expect(rgbAt(out, x, y)).toEqual(rgbAt(levelled, x >> 1, y >> 1));
			}
		}
		expect(distinctColours(out)).toBe(distinctColours(levelled));
	});

	it("upscales exactly as photon's resample does at a whole factor", () => {
		for (const [w, h] of [
			[720, 400],
			[333, 201],
		]) {
			const fb = imageOf(w, h, (x, y) => (isStroke(x, y) ? (x * 0x1f3) ^ (y * 0x2c1) : 0x000010));
			const levelled = stretchLevels(fb);
			const out = optimiseForVision(fb);
			const factor = upscaleFactor(w, h);
			const source = new PhotonImage(levelled.rgba, w, h);
			const scaled = resample(source, w * factor, h * factor);
			const reference = scaled.get_raw_pixels();
			scaled.free();
			source.free();
			expect([out.width, out.height]).toEqual([w * factor, h * factor]);
			expect(
				out.rgba.length === reference.length && out.rgba.every((v, i) => v === reference[i]),
			).toBe(true);
		}
	});

	it("does not touch its input", () => {
		const fb = imageOf(64, 32, (x, y) => (isStroke(x, y) ? grey(100) : 0));
		const copy = fb.rgba.slice();
		optimiseForVision(fb);
		expect(fb.rgba).toEqual(copy);
	});

	it("rejects a framebuffer whose buffer does not match its size", () => {
		expect(() => optimiseForVision({ width: 10, height: 10, rgba: new Uint8Array(10) })).toThrow(
			LimitError,
		);
		expect(() => optimiseForVision({ width: -1, height: 10, rgba: new Uint8Array(0) })).toThrow(
			LimitError,
		);
	});

	it.skipIf(!vectorsPresent)("keeps a real BMC capture readable, not blown out", () => {
		// What the AMI viewer draws for an Ubuntu desktop with a terminal (800x600).
		const fb = decodePng(vector("ast2x00/ubuntu_444_800x600_0chrom_0lum.expected.png"));
		const out = optimiseForVision(fb);
		expect([out.width, out.height]).toEqual([800, 600]);
		expect(fraction(out, isPureWhite)).toBeLessThan(fraction(fb, isPureWhite) + 0.02);
	});
	if (!vectorsPresent) it.skip(VECTORS_MISSING, () => {});
});
