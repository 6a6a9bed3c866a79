import type { Framebuffer } from "../../image/framebuffer.ts";
import type { ByteQueue } from "../byte-queue.ts";
import type { PixelReaders } from "../pixel-format.ts";

export interface Rect {
	x: number;
	y: number;
	width: number;
	height: number;
}

/** Where a rectangle's pixels go and how to read the server's pixels. */
export interface DecodeTarget {
	fb: Framebuffer;
	/** `fb.rgba` viewed as one little-endian RGBA u32 per pixel. */
	pixels: Uint32Array;
	/** Readers for the pixel format in force when the rectangle arrived. */
	px: PixelReaders;
}

/**
 * Decodes one encoding. `decode` is called with the same rectangle until it
 * returns true; returning false means "need more bytes", after consuming
 * only what it has already drawn and recorded. Decoders that keep state
 * across rectangles (zlib streams) keep it in the instance, one per connection.
 */
export interface RectDecoder {
	decode(rect: Rect, input: ByteQueue, target: DecodeTarget): boolean;
}

/** Fills a w x h block of `target` starting at (x, y) with one RGBA value. */
export function fillRect(
	t: DecodeTarget,
	x: number,
	y: number,
	w: number,
	h: number,
	rgba: number,
): void {
	const stride = t.fb.width;
	for (let row = y; row < y + h; row++) {
		const at = row * stride + x;
		t.pixels.fill(rgba, at, at + w);
	}
}
