import UPNG from "upng-js";
import { describe, expect, it } from "vitest";
import { LimitError } from "../../src/errors.ts";
import type { Framebuffer } from "../../src/image/framebuffer.ts";
import { encodePng } from "../../src/image/png.ts";

function decode(png: Uint8Array): { fb: Framebuffer; ctype: number } {
	const buffer = png.buffer.slice(png.byteOffset, png.byteOffset + png.byteLength) as ArrayBuffer;
	const img = UPNG.decode(buffer);
	const rgba = new Uint8Array(UPNG.toRGBA8(img)[0]);
	return { fb: { width: img.width, height: img.height, rgba }, ctype: img.ctype };
}

function image(
	width: number,
	height: number,
	pixel: (x: number, y: number) => number,
): Framebuffer {
	const rgba = new Uint8Array(width * height * 4);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const c = pixel(x, y);
			const i = (y * width + x) * 4;
			rgba[i] = c >>> 16;
			rgba[i + 1] = (c >>> 8) & 255;
			rgba[i + 2] = c & 255;
			rgba[i + 3] = 255;
		}
	}
	return { width, height, rgba };
}

/** Byte equality without vitest's element-by-element diffing, which takes seconds on megabytes. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
	return a.length === b.length && a.every((v, i) => v === b[i]);
}

const PNG_TYPE_RGB = 2;
const PNG_TYPE_INDEXED = 3;

describe("encodePng", () => {
	it("round-trips a few-colour console as an indexed PNG", () => {
		const fb = image(640, 400, (x, y) =>
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
		const fb = image(
			300,
			200,
			(x, y) => ((x * 5) << 16) | (((y * 7) % 256) << 8) | ((x ^ y) & 255),
		);
		const { fb: back, ctype } = decode(encodePng(fb));
		expect(ctype).toBe(PNG_TYPE_RGB);
		expect(sameBytes(back.rgba, fb.rgba)).toBe(true);
	});

	it("encodes a framebuffer that is a view into a larger buffer", () => {
		const whole = image(4, 4, (x, y) => (x + y) * 0x101010);
		const view = { width: 4, height: 2, rgba: whole.rgba.subarray(32) };
		const { fb: back } = decode(encodePng(view));
		expect(back.rgba).toEqual(whole.rgba.subarray(32));
	});

	it("rejects a framebuffer whose buffer does not match its size", () => {
		expect(() => encodePng({ width: 10, height: 10, rgba: new Uint8Array(399) })).toThrow(
			LimitError,
		);
		expect(() => encodePng({ width: 0, height: 10, rgba: new Uint8Array(0) })).toThrow(LimitError);
	});
});
