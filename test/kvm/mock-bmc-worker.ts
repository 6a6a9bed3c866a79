/**
 * The mock BMC as a Worker of its own, served on 127.0.0.1 by
 * mock-bmc-global-setup.ts so one test reaches it over a real socket.
 * `/__mock/viewer-url` hands out a viewer URL; everything else is the mock.
 */

import type { Framebuffer } from "../../src/image/framebuffer.ts";
import { encodeAst2x00 } from "../../src/kvm/ast2x00/encoder.ts";
import { createMockBmc, type MockFrame } from "../../src/kvm/mock-bmc.ts";

export const PATTERN = { width: 160, height: 120 };
const ENCODING = { mode420: false, selector: 4, advanceSelector: 2 };

/** A gradient with a white square whose position depends on `index`. */
export function pattern(index: number): Framebuffer {
	const { width, height } = PATTERN;
	const rgba = new Uint8Array(width * height * 4);
	const sx = (index * 24) % (width - 32);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const p = (y * width + x) * 4;
			const square = x >= sx && x < sx + 32 && y >= 40 && y < 72;
			rgba[p] = square ? 255 : x;
			rgba[p + 1] = square ? 255 : y * 2;
			rgba[p + 2] = square ? 255 : 128;
			rgba[p + 3] = 255;
		}
	}
	return { width, height, rgba };
}

/** Full frames, and updates coded against the previous pattern (skip codes for unchanged blocks). */
export function patternFrame(index: number, update: boolean): MockFrame {
	const stream = encodeAst2x00(pattern(index), {
		...ENCODING,
		previous: update ? pattern(index - 1) : undefined,
	});
	return { header: { ...PATTERN, ...ENCODING, mapping: 0 }, stream };
}

const mock = createMockBmc({
	frames: ({ index, update }) => patternFrame(index, update),
	updatesPerRequest: 2,
	fragmentSize: 2048,
	split: "awkward",
});

export default {
	async fetch(request: Request): Promise<Response> {
		const url = new URL(request.url);
		if (url.pathname === "/__mock/viewer-url") return new Response(mock.viewerUrl(url.origin));
		return mock.fetch(request);
	},
} satisfies ExportedHandler;
