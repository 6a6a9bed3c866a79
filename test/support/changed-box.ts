import type { Framebuffer, PixelRect } from "../../src/image/framebuffer.ts";

/** The box around the pixels that differ between two screens of one size (null: none do). */
export function changedBox(a: Framebuffer, b: Framebuffer): PixelRect | null {
	let x0 = a.width;
	let y0 = a.height;
	let x1 = -1;
	let y1 = -1;
	const pa = new Uint32Array(a.rgba.buffer, a.rgba.byteOffset, a.width * a.height);
	const pb = new Uint32Array(b.rgba.buffer, b.rgba.byteOffset, b.width * b.height);
	for (let p = 0; p < pa.length; p++) {
		if (pa[p] === pb[p]) continue;
		const x = p % a.width;
		const y = Math.floor(p / a.width);
		x0 = Math.min(x0, x);
		y0 = Math.min(y0, y);
		x1 = Math.max(x1, x);
		y1 = Math.max(y1, y);
	}
	return x1 < 0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}
