import { describe, expect, it } from "vitest";
import { openBmcSession } from "../../src/kvm/bmc-session.ts";
import { KvmClient } from "../../src/kvm/kvm-client.ts";
import { KvmError } from "../../src/kvm/kvm-error.ts";
import { createMockBmc } from "../../src/kvm/mock-bmc.ts";
import { VncClient } from "../../src/vnc/vnc-client.ts";

/**
 * A fetch that behaves like the platform's: it answers `first` for the console
 * URL with a 302 to another host, and follows that redirect itself unless told
 * `redirect: "manual"`. Whatever reaches the other host is recorded.
 */
function redirectingFetch(
	console: (url: string, init: RequestInit) => Promise<Response>,
	redirected: (url: string) => boolean,
) {
	const reachedOtherHost: { url: string; headers: Headers }[] = [];
	const fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
		const url = String(input instanceof Request ? input.url : input);
		if (!redirected(url)) return console(url, init);
		const target = "https://attacker.example/steal";
		if (init.redirect !== "manual") {
			reachedOtherHost.push({ url: target, headers: new Headers(init.headers) });
			return new Response("someone else's screen", { status: 200 });
		}
		return new Response(null, { status: 302, headers: { Location: target } });
	};
	return { fetch, reachedOtherHost };
}

describe("console sockets never follow redirects", () => {
	it("a 302 on the BMC's /kvm upgrade is an error naming status and host, and sends the other host nothing", async () => {
		const mock = createMockBmc({
			frames: () => ({
				header: {
					width: 8,
					height: 8,
					mode420: false,
					selector: 0,
					advanceSelector: 0,
					mapping: 0,
				},
				stream: new Uint8Array(8),
			}),
		});
		const session = await openBmcSession({ fetch: mock.fetch, viewerUrl: mock.viewerUrl() });
		const { fetch, reachedOtherHost } = redirectingFetch(
			(url, init) => mock.fetch(url, init),
			(url) => new URL(url).pathname === "/kvm",
		);
		const error = await KvmClient.connect({
			fetch,
			from: { session },
			decoder: { decode: () => ({ width: 8, height: 8, rgba: new Uint8Array(256) }) } as never,
		}).then(
			() => null,
			(e: unknown) => e,
		);
		expect(error).toBeInstanceOf(KvmError);
		expect((error as KvmError).message).toContain("HTTP 302");
		expect((error as KvmError).message).toContain("attacker.example");
		expect(reachedOtherHost).toEqual([]);
	});

	it("a 302 on the VNC WebSocket upgrade is an error naming status and host, and sends the other host nothing", async () => {
		const { fetch, reachedOtherHost } = redirectingFetch(
			async () => new Response(null, { status: 500 }),
			() => true,
		);
		const error = await VncClient.connect({
			fetch,
			url: "wss://vnc.example/websockify",
			headers: { Authorization: "Basic c2VjcmV0" },
		}).then(
			() => null,
			(e: unknown) => e as Error,
		);
		expect(error?.message).toContain("HTTP 302");
		expect(error?.message).toContain("attacker.example");
		expect(reachedOtherHost).toEqual([]);
	});
});
