import { LimitError } from "../errors.ts";
import type { Framebuffer } from "./framebuffer.ts";

/** Throws LimitError unless `fb` is a non-empty image whose buffer matches its size. */
export function checkFramebuffer(fb: Framebuffer, purpose: string): void {
	const { width, height, rgba } = fb;
	if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
		throw new LimitError(`cannot ${purpose} a ${width}x${height} image`);
	}
	if (rgba.length !== width * height * 4) {
		throw new LimitError(
			`cannot ${purpose}: framebuffer holds ${rgba.length} bytes, ${width}x${height} RGBA needs ${width * height * 4}`,
		);
	}
}
