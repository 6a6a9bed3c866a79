import { describe, expect, it } from "vitest";
import { ConsoleExpiredError } from "../../src/errors.ts";
import type { Framebuffer } from "../../src/image/framebuffer.ts";
import { encodeAst2x00 } from "../../src/kvm/ast2x00/encoder.ts";
import { openAmiConsole } from "../../src/kvm/console-link.ts";
import { createMockBmc } from "../../src/kvm/mock-bmc.ts";
import type { Progress } from "../../src/providers/types.ts";
import { CAPTURE_HEADERS } from "../support/captures.ts";
import { decodePng } from "../support/png.ts";
import { vector, vectorsPresent } from "../support/vectors.ts";

function expectedPixels(name: string): Uint8Array {
	return decodePng(vector(`ast2x00/${name}.expected.png`)).rgba;
}

it.skipIf(!vectorsPresent)(
	"shows a real capture, sent by the mock BMC in awkward pieces, as the vendor viewer does",
	async () => {
		const screens = ["ubuntu_444_800x600_0chrom_0lum", "aspeedbluescreen"];
		const mock = createMockBmc({
			frames: ({ index }) => ({
				header: CAPTURE_HEADERS[screens[index]],
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
		// The KVM socket, and with it the power state, comes with the first capture.
		expect(link.powerState).toBe("unknown");
		for (const name of screens) {
			const framebuffer = await link.capture(ctx);
			expect(link.powerState).toBe("on");
			const { width, height } = CAPTURE_HEADERS[name];
			expect({ width: framebuffer.width, height: framebuffer.height }).toEqual({ width, height });
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
			"Opening the BMC's web session",
			"Opening the KVM connection",
			"Waiting for a video frame from the BMC",
			"Waiting for a video frame from the BMC",
		]);
	},
);

describe("a suspended link", () => {
	const frames = () => ({
		header: { width: 64, height: 32, mode420: false, selector: 4, advanceSelector: 0, mapping: 0 },
		stream: encodeAst2x00(flatImage(64, 32, [20, 40, 200]), { mode420: false, selector: 4 }),
	});

	it("reopens its socket with a new KVM token from the same web session", async () => {
		const mock = createMockBmc({ frames });
		const ctx = { signal: AbortSignal.timeout(10_000) };
		const link = await openAmiConsole({ fetch: mock.fetch, viewerUrl: mock.viewerUrl() }, ctx);
		const first = await link.capture(ctx);
		link.suspend();
		expect((await mock.connections[0].closed).byClient).toBe(true);
		expect(link.powerState).toBe("unknown");

		const again = await link.capture(ctx);
		expect(again.rgba.every((v, i) => v === first.rgba[i])).toBe(true);
		expect(mock.connections.length).toBe(2);
		link.close();
		expect((await mock.connections[1].closed).byClient).toBe(true);
	});

	it("says the session expired once the BMC has forgotten it", async () => {
		const mock = createMockBmc({ frames });
		const ctx = { signal: AbortSignal.timeout(10_000) };
		const link = await openAmiConsole({ fetch: mock.fetch, viewerUrl: mock.viewerUrl() }, ctx);
		await link.capture(ctx);
		link.suspend();
		mock.expireSessions();
		await expect(link.capture(ctx)).rejects.toThrow(ConsoleExpiredError);
		await expect(link.capture(ctx)).rejects.toThrow(/web session has expired/);
		expect(mock.connections.length).toBe(1);
	});
});

function flatImage(width: number, height: number, [r, g, b]: number[]): Framebuffer {
	const rgba = new Uint8Array(width * height * 4);
	for (let i = 0; i < rgba.length; i += 4) rgba.set([r, g, b, 255], i);
	return { width, height, rgba };
}
