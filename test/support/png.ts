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

/** A `width` x `height` image whose pixel (x, y) is the 0xRRGGBB `pixel(x, y)`. */
export function imageOf(
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
