import UPNG from "upng-js";
import type { Framebuffer } from "../../src/image/framebuffer.ts";

/** Decodes a PNG with an independent decoder (upng-js) to RGBA8. */
export function decodePng(png: Uint8Array): Framebuffer {
	const image = UPNG.decode(png.slice().buffer);
	return { width: image.width, height: image.height, rgba: new Uint8Array(UPNG.toRGBA8(image)[0]) };
}

/** The pixels of the image block in a tool result. */
export function screenshotPixels(result: unknown): Framebuffer {
	const { content } = result as { content?: { type: string; data?: string }[] };
	const image = content?.find((c) => c.type === "image");
	if (!image?.data) throw new Error(`no image in ${JSON.stringify(content)}`);
	return decodePng(Uint8Array.from(atob(image.data), (c) => c.charCodeAt(0)));
}

export function samePixels(a: Framebuffer, b: Framebuffer): boolean {
	return a.width === b.width && a.height === b.height && a.rgba.every((v, i) => v === b.rgba[i]);
}
