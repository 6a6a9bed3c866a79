import fc from "fast-check";
import UPNG from "upng-js";
import { describe, expect, it } from "vitest";
import { LimitError } from "../../src/errors.ts";
import { pngBound } from "../../src/image/budget.ts";
import type { Framebuffer } from "../../src/image/framebuffer.ts";
import { encodePng } from "../../src/image/png.ts";
import { decodePng, imageOf } from "../support/png.ts";
import { vector, vectorsPresent } from "../support/vectors.ts";

function decode(png: Uint8Array): { fb: Framebuffer; ctype: number } {
	return { fb: decodePng(png), ctype: UPNG.decode(png.slice().buffer).ctype };
}

/** Byte equality without vitest's element-by-element diffing, which takes seconds on megabytes. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
	return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Reference bitwise CRC-32, independent of the encoder's table. */
function crc32(bytes: Uint8Array): number {
	let c = 0xffffffff;
	for (const b of bytes) {
		c ^= b;
		for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
	}
	return (c ^ 0xffffffff) >>> 0;
}

const PNG_TYPE_RGB = 2;
const PNG_TYPE_INDEXED = 3;

describe("encodePng", () => {
	it("round-trips a few-colour console as an indexed PNG", () => {
		const fb = imageOf(640, 400, (x, y) =>
			((x >> 3) + (y >> 4)) % 3 === 0 ? 0xaaaaaa : x % 7 === 0 ? 0x0000aa : 0,
		);
		const png = encodePng(fb);
		expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
		const { fb: back, ctype } = decode(png);
		expect(ctype).toBe(PNG_TYPE_INDEXED);
		expect(back.width).toBe(640);
		expect(back.height).toBe(400);
		expect(sameBytes(back.rgba, fb.rgba)).toBe(true);
		expect(png.length).toBeLessThan(20_000);
	});

	it("round-trips a many-colour picture as RGB without alpha", () => {
		const fb = imageOf(
			300,
			200,
			(x, y) => ((x * 5) << 16) | (((y * 7) % 256) << 8) | ((x ^ y) & 255),
		);
		const { fb: back, ctype } = decode(encodePng(fb));
		expect(ctype).toBe(PNG_TYPE_RGB);
		expect(sameBytes(back.rgba, fb.rgba)).toBe(true);
	});

	// Palette sizes at and across each bit-depth boundary, at widths whose rows
	// end mid-byte at every depth below 8.
	it.each([
		[1, 1],
		[2, 1],
		[3, 2],
		[4, 2],
		[5, 4],
		[16, 4],
		[17, 8],
		[256, 8],
	])("round-trips %i colours as an indexed PNG of %i bits a pixel", (colours, bitDepth) => {
		for (const [width, height] of [
			[1, 1],
			[13, 7],
			[33, 9],
			[50, 20],
		]) {
			const fb = imageOf(width, height, (x, y) => ((x * 7 + y * 3) % colours) * 0x010305);
			const png = encodePng(fb);
			const { fb: back, ctype } = decode(png);
			expect(ctype).toBe(PNG_TYPE_INDEXED);
			expect(back.width).toBe(width);
			expect(back.height).toBe(height);
			expect(sameBytes(back.rgba, fb.rgba)).toBe(true);
			const distinct = Math.min(colours, width * height);
			const depth = distinct <= 2 ? 1 : distinct <= 4 ? 2 : distinct <= 16 ? 4 : 8;
			expect(png[24]).toBe(depth); // IHDR bit depth
			if (width * height >= colours) expect(depth).toBe(bitDepth);
		}
	});

	it("round-trips any image exactly, whatever its size and palette", () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 1, max: 40 }),
				fc.integer({ min: 1, max: 12 }),
				fc.integer({ min: 1, max: 300 }),
				fc.integer(),
				(width, height, colours, seed) => {
					const fb = imageOf(
						width,
						height,
						(x, y) => Math.imul(((x * 31 + y * 17) % colours) + 1, seed) >>> 8,
					);
					const { fb: back } = decode(encodePng(fb));
					return back.width === width && back.height === height && sameBytes(back.rgba, fb.rgba);
				},
			),
		);
	});

	it("writes a noisy full-colour screen in bands within pngBound, and it round-trips", () => {
		// Rows of 3601 bytes: several 1 MiB bands, none ending on a row boundary of the next.
		let seed = 7;
		const fb = imageOf(1200, 700, () => {
			seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
			return seed >>> 8;
		});
		const png = encodePng(fb);
		expect(png.length).toBeLessThanOrEqual(pngBound(1200, 700));
		expect(png.length).toBeGreaterThan(1200 * 700 * 3); // incompressible: stored blocks
		const { fb: back, ctype } = decode(png);
		expect(ctype).toBe(PNG_TYPE_RGB);
		expect(sameBytes(back.rgba, fb.rgba)).toBe(true);
	});

	it("switches to RGB at 257 colours", () => {
		const fb = imageOf(257, 3, (x) => (x < 256 ? x * 0x010101 : 0x123456));
		const { fb: back, ctype } = decode(encodePng(fb));
		expect(ctype).toBe(PNG_TYPE_RGB);
		expect(sameBytes(back.rgba, fb.rgba)).toBe(true);
	});

	it("keeps colours apart that differ in one channel, white and black included", () => {
		const fb = imageOf(6, 1, (x) => [0xffffff, 0, 0xfffffe, 0x010000, 0x000100, 0x000001][x]);
		const { fb: back } = decode(encodePng(fb));
		expect(sameBytes(back.rgba, fb.rgba)).toBe(true);
	});

	it("writes valid chunks: IHDR first, IEND last, every CRC right", () => {
		const png = encodePng(imageOf(9, 5, (x, y) => (x + y) % 3));
		const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
		const types: string[] = [];
		for (let at = 8; at < png.length; ) {
			const length = view.getUint32(at);
			types.push(String.fromCharCode(...png.subarray(at + 4, at + 8)));
			expect(view.getUint32(at + 8 + length)).toBe(crc32(png.subarray(at + 4, at + 8 + length)));
			at += 12 + length;
		}
		expect(types).toEqual(["IHDR", "PLTE", "IDAT", "IEND"]);
	});

	it.skipIf(!vectorsPresent)("round-trips a real desktop capture as RGB", () => {
		// The AMI viewer's rendering of a real AST2500 Ubuntu capture: ~32,000 colours.
		const expected = vector("ast2x00/ubuntu_444_800x600_0chrom_0lum.expected.png");
		const { fb } = decode(expected);
		const png = encodePng(fb);
		const { fb: back, ctype } = decode(png);
		expect(ctype).toBe(PNG_TYPE_RGB);
		expect(sameBytes(back.rgba, fb.rgba)).toBe(true);
		expect(png.length).toBeLessThan(200_000);
	});

	it("encodes a framebuffer that is a view into a larger buffer", () => {
		const whole = imageOf(4, 4, (x, y) => (x + y) * 0x101010);
		const view = { width: 4, height: 2, rgba: whole.rgba.subarray(32) };
		const { fb: back } = decode(encodePng(view));
		expect(back.rgba).toEqual(whole.rgba.subarray(32));
	});

	it("encodes a view that does not start on a 4-byte boundary", () => {
		const whole = imageOf(3, 3, (x, y) => (x * 3 + y) * 0x0a0b0c);
		const bytes = new Uint8Array(whole.rgba.length + 1);
		bytes.set(whole.rgba, 1);
		const { fb: back } = decode(encodePng({ width: 3, height: 3, rgba: bytes.subarray(1) }));
		expect(sameBytes(back.rgba, whole.rgba)).toBe(true);
	});

	it("rejects a framebuffer whose buffer does not match its size", () => {
		expect(() => encodePng({ width: 10, height: 10, rgba: new Uint8Array(399) })).toThrow(
			LimitError,
		);
		expect(() => encodePng({ width: 0, height: 10, rgba: new Uint8Array(0) })).toThrow(LimitError);
	});
});
