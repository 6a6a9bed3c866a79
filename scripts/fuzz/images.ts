import type { Framebuffer } from "../../src/image/framebuffer.ts";
import { InvariantError, Rng } from "./engine.ts";

export type ImageKind = "flat" | "text" | "gradient" | "noise";

/** A deterministic test picture of one kind: what seed encoders turn into valid streams. */
export function testImage(
	width: number,
	height: number,
	kind: ImageKind,
	seed: number,
): Framebuffer {
	const rng = new Rng(seed);
	const rgba = new Uint8Array(width * height * 4);
	const bg = [rng.below(256), rng.below(256), rng.below(256)];
	const fg = [rng.below(256), rng.below(256), rng.below(256)];
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const i = (y * width + x) * 4;
			let c: number[];
			if (kind === "flat") c = bg;
			else if (kind === "text") c = ((x * 5 + y * 3 + (y >> 4)) & 7) < 2 ? fg : bg;
			else if (kind === "gradient") c = [(x * 255) / width, (y * 255) / height, (x + y) & 255];
			else c = [rng.below(256), rng.below(256), rng.below(256)];
			rgba[i] = c[0];
			rgba[i + 1] = c[1];
			rgba[i + 2] = c[2];
			rgba[i + 3] = 255;
		}
	}
	return { width, height, rgba };
}

/** Throws unless `fb` is a w x h opaque RGBA framebuffer. */
export function checkFramebuffer(
	fb: Framebuffer,
	width: number,
	height: number,
	what: string,
): void {
	if (fb.width !== width || fb.height !== height || fb.rgba.length !== width * height * 4) {
		throw new InvariantError(
			`${what}: framebuffer is ${fb.width}x${fb.height} with ${fb.rgba.length} bytes, expected ${width}x${height}`,
		);
	}
	const rgba = fb.rgba;
	for (let i = 3; i < rgba.length; i += 4) {
		if (rgba[i] !== 255) throw new InvariantError(`${what}: pixel ${(i - 3) / 4} is not opaque`);
	}
}
