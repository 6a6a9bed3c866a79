import UPNG from "upng-js";
import { expect, it } from "vitest";
import { openAmiConsole } from "../../src/kvm/console-link.ts";
import { createMockBmc } from "../../src/kvm/mock-bmc.ts";
import type { Progress } from "../../src/providers/types.ts";
import { vector, vectorsPresent } from "../support/vectors.ts";

function expectedPixels(name: string): Uint8Array {
	const png = vector(`ast2x00/${name}.expected.png`);
	const buf = png.buffer.slice(png.byteOffset, png.byteOffset + png.byteLength) as ArrayBuffer;
	return new Uint8Array(UPNG.toRGBA8(UPNG.decode(buf))[0]);
}

it.skipIf(!vectorsPresent)(
	"shows a real capture, sent by the mock BMC in awkward pieces, as the vendor viewer does",
	async () => {
		const screens = ["ubuntu_444_800x600_0chrom_0lum", "aspeedbluescreen"];
		const size = [
			{ width: 800, height: 600 },
			{ width: 1024, height: 768 },
		];
		const mock = createMockBmc({
			frames: ({ index }) => ({
				header: { ...size[index], mode420: false, selector: 0, advanceSelector: 0, mapping: 0 },
				stream: vector(`ast2x00/${screens[index]}.bin`),
			}),
			fragmentSize: 8192,
			split: "awkward",
			seed: 3,
		});
		const progress: Progress[] = [];
		const ctx = {
			signal: AbortSignal.timeout(10_000),
			onProgress: (p: Progress) => progress.push(p),
		};
		const link = await openAmiConsole({ fetch: mock.fetch, viewerUrl: mock.viewerUrl() }, ctx);
		expect(link.powerState).toBe("on");
		for (const [i, name] of screens.entries()) {
			const framebuffer = await link.capture(ctx);
			expect({ width: framebuffer.width, height: framebuffer.height }).toEqual(size[i]);
			// toEqual on 3 MB arrays prints unreadably on failure; compare, then assert the verdict.
			const want = expectedPixels(name);
			const same =
				framebuffer.rgba.length === want.length && framebuffer.rgba.every((v, j) => v === want[j]);
			expect(same, `${name} differs from the vendor viewer`).toBe(true);
		}
		link.close();
		expect(link.powerState).toBe("unknown");
		expect((await mock.connections[0].closed).byClient).toBe(true);
		expect(progress.map((p) => p.message)).toEqual([
			"Opening the BMC's KVM session",
			"Waiting for a video frame from the BMC",
			"Waiting for a video frame from the BMC",
		]);
	},
);
