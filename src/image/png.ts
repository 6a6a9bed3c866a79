import UPNG from "upng-js";
import { checkFramebuffer } from "./check.ts";
import type { Framebuffer } from "./framebuffer.ts";

/**
 * Lossless PNG of a framebuffer. UPNG drops the alpha channel itself when
 * every pixel is opaque (ours always are) and switches to a palette when the
 * screen has at most 256 colours, which text consoles nearly always do: that
 * makes console PNGs a few KB instead of a few hundred.
 */
export function encodePng(fb: Framebuffer): Uint8Array {
	const { width, height, rgba } = fb;
	checkFramebuffer(fb, "encode");
	// UPNG reads whole ArrayBuffers, so hand it one that holds exactly these pixels.
	const exact =
		rgba.byteOffset === 0 && rgba.byteLength === rgba.buffer.byteLength
			? (rgba.buffer as ArrayBuffer)
			: rgba.slice().buffer;
	return new Uint8Array(UPNG.encode([exact], width, height, 0));
}
