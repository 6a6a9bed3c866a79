import { expect, inject, it } from "vitest";
import { Ast2x00Decoder } from "../../src/kvm/ast2x00/decoder.ts";
import { KvmClient } from "../../src/kvm/kvm-client.ts";
import { patternFrame } from "./mock-bmc-worker.ts";

it("captures over a real socket from the mock BMC on 127.0.0.1, warm, updates and all", async () => {
	const origin = inject("mockBmcOrigin");
	expect(new URL(origin).hostname).toBe("127.0.0.1");
	const viewerUrl = await (await fetch(`${origin}/__mock/viewer-url`)).text();
	const kvm = await KvmClient.connect({
		fetch: (input, init) => fetch(input, init),
		from: { viewerUrl },
		decoder: new Ast2x00Decoder(),
	});
	expect(kvm.powerState).toBe("on");
	// The mock sends full frame 0 then updates 1, 2; the next request gets full frame 3.
	for (const index of [0, 3]) {
		const frame = await kvm.captureFrame();
		const { header, stream } = patternFrame(index, false);
		expect(frame.stream).toEqual(stream);
		const want = new Ast2x00Decoder().decode(header, stream);
		expect(frame.framebuffer.rgba.every((v, i) => v === want.rgba[i])).toBe(true);
	}
	kvm.close();
	expect(kvm.closed).toBe(true);
});
