import { describe, expect, it } from "vitest";
import type { Framebuffer } from "../../src/image/framebuffer.ts";
import { Ast2x00Decoder, encodeAst2x00 } from "../../src/kvm/ast2x00/index.ts";

/** Smooth gradients and waves: a stand-in for photographic content. */
function natural(width: number, height: number): Framebuffer {
	const rgba = new Uint8Array(width * height * 4);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const i = (y * width + x) * 4;
			rgba[i] = 128 + 100 * Math.sin(x / 13) * Math.cos(y / 17);
			rgba[i + 1] = (x * 255) / width;
			rgba[i + 2] = 128 + 90 * Math.sin((x + y) / 29);
			rgba[i + 3] = 255;
		}
	}
	return { width, height, rgba };
}

/** A text console: flat background, 8x8 cells of two-colour "glyphs". */
function console8(width: number, height: number, seed: number): Framebuffer {
	const rgba = new Uint8Array(width * height * 4);
	const bg = [0, 0, 0];
	const fg = [255, 255, 255];
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const cell = (y >> 3) * 1000 + (x >> 3) + seed;
			const on = cell % 3 !== 0 && ((x * 7 + y * 3 + cell) & 5) === 0;
			const c = on ? fg : bg;
			rgba.set([c[0], c[1], c[2], 255], (y * width + x) * 4);
		}
	}
	return { width, height, rgba };
}

function psnr(a: Uint8Array, b: Uint8Array): number {
	let se = 0;
	let n = 0;
	for (let i = 0; i < a.length; i++) {
		if ((i & 3) === 3) continue;
		se += (a[i] - b[i]) ** 2;
		n++;
	}
	return 10 * Math.log10((255 * 255) / (se / n));
}

const header = (img: Framebuffer, mode420: boolean) => ({
	width: img.width,
	height: img.height,
	mode420,
	selector: 4,
	advanceSelector: 0,
	mapping: 0,
});

describe("encodeAst2x00", () => {
	for (const mode420 of [false, true]) {
		it(`round-trips a natural image at >= 35 dB (selector 4, ${mode420 ? "4:2:0" : "4:4:4"})`, () => {
			// Measured: 41.3 dB (4:4:4) and 38.0 dB (4:2:0) on this 200x120 image.
			const img = natural(200, 120);
			const fb = new Ast2x00Decoder().decode(
				header(img, mode420),
				encodeAst2x00(img, { mode420, selector: 4 }),
			);
			expect(psnr(img.rgba, fb.rgba)).toBeGreaterThan(35);
		});
	}

	for (const mode420 of [false, true]) {
		it(`handles sizes that are not whole blocks (${mode420 ? "4:2:0" : "4:4:4"})`, () => {
			const img = natural(101, 67);
			const fb = new Ast2x00Decoder().decode(
				header(img, mode420),
				encodeAst2x00(img, { mode420, selector: 4 }),
			);
			expect(fb.rgba.length).toBe(101 * 67 * 4);
			expect(psnr(img.rgba, fb.rgba)).toBeGreaterThan(35);
		});
	}

	it("codes two-colour console cells as VQ and they come back exact", () => {
		const img = console8(64, 40, 1);
		const stream = encodeAst2x00(img, { mode420: false, selector: 4 });
		const fb = new Ast2x00Decoder().decode(header(img, false), stream);
		expect(fb.rgba).toEqual(img.rgba);
		// VQ is far smaller than JPEG for such content.
		const jpeg = encodeAst2x00(img, { mode420: false, selector: 4, vqForFlatBlocks: false });
		expect(stream.length).toBeLessThan(jpeg.length / 2);
	});

	it("sends only changed blocks against `previous`, leaving the rest of the framebuffer untouched", () => {
		const before = natural(64, 48);
		const after = { ...before, rgba: before.rgba.slice() };
		// Change pixels in blocks (1,1) and (5,4) of the 8x8 grid.
		for (const [x, y] of [
			[10, 12],
			[42, 35],
		]) {
			after.rgba.set([255, 0, 0, 255], (y * 64 + x) * 4);
		}
		const d = new Ast2x00Decoder();
		const h = header(before, false);
		const shown = d.decode(h, encodeAst2x00(before, { mode420: false, selector: 4 })).rgba.slice();
		const update = encodeAst2x00(after, { mode420: false, selector: 4, previous: before });
		const full = encodeAst2x00(after, { mode420: false, selector: 4 });
		expect(update.length).toBeLessThan(full.length / 5);
		const updated = d.decode(h, update).rgba;
		const reference = new Ast2x00Decoder().decode(h, full).rgba;
		for (let y = 0; y < 48; y++) {
			for (let x = 0; x < 64; x++) {
				const changed = (x >> 3 === 1 && y >> 3 === 1) || (x >> 3 === 5 && y >> 3 === 4);
				const i = (y * 64 + x) * 4;
				const want = changed ? reference : shown;
				expect([...updated.subarray(i, i + 4)]).toEqual([...want.subarray(i, i + 4)]);
			}
		}
	});

	it("sends an empty update as just the frame-end code", () => {
		const img = natural(32, 32);
		const stream = encodeAst2x00(img, { mode420: true, selector: 4, previous: img });
		expect([...stream]).toEqual([0, 0, 0, 0x90]);
	});
});
