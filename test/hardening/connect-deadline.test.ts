/**
 * The connect deadline covers the upgrade until its 101 answer and never
 * after: a console kept idle for longer than that deadline is still served by
 * the same connection. Real sockets (the mock BMC's own workerd, TigerVNC
 * behind websockify), since the runtime's fetch is what ties a signal to the
 * socket it returns.
 */
import { expect, inject, it } from "vitest";
import { Ast2x00Decoder } from "../../src/kvm/ast2x00/decoder.ts";
import { KvmClient } from "../../src/kvm/kvm-client.ts";
import { VncClient } from "../../src/vnc/vnc-client.ts";

const CONNECT_MS = 1500;
const idle = () => new Promise((resolve) => setTimeout(resolve, CONNECT_MS + 1000));

it("a KVM connection outlives its connect deadline", { timeout: 30_000 }, async () => {
	const origin = inject("mockBmcOrigin");
	const viewerUrl = await (await fetch(`${origin}/__mock/viewer-url`)).text();
	const kvm = await KvmClient.connect({
		fetch: (input, init) => fetch(input, init),
		from: { viewerUrl },
		decoder: new Ast2x00Decoder(),
		deadlineMs: CONNECT_MS,
	});
	try {
		await kvm.captureFrame();
		await idle();
		expect(kvm.closed).toBe(false);
		// A KvmClient never reconnects: this frame came over the connection the first one did.
		await kvm.captureFrame();
	} finally {
		kvm.close();
	}
});

const real = inject("vncReal");
const skipped = "error" in real && real.skip;
it.skipIf(skipped)(
	`a VNC connection outlives its connect deadline${skipped ? ` (skipped: ${"error" in real ? real.error : ""})` : ""}`,
	{ timeout: 30_000 },
	async () => {
		if ("error" in real) throw new Error(real.error);
		const vnc = await VncClient.connect({
			fetch: (url, init) => fetch(url, init),
			url: real.url,
			password: real.password,
			deadlineMs: CONNECT_MS * 2,
		});
		try {
			await vnc.capture();
			await new Promise((resolve) => setTimeout(resolve, CONNECT_MS * 2 + 1000));
			expect(vnc.closed).toBe(false);
			// A VncClient never reconnects: this frame came over the connection the first one did.
			await vnc.capture();
		} finally {
			vnc.close();
		}
	},
);
