import { describe, expect, it } from "vitest";
import { outboundFetch, workersLimitHint } from "../../src/http/workers-limits.ts";
import { VncClient } from "../../src/vnc/vnc-client.ts";

/** Nothing listens on port 1 (tcpmux) on a test machine: connecting there is refused. */
const CLOSED = "http://127.0.0.1:1/";
/** .invalid never resolves (RFC 2606). */
const UNRESOLVABLE = "http://no-such-console.invalid/";

async function failure(promise: Promise<unknown>): Promise<string> {
	try {
		await promise;
	} catch (error) {
		return (error as Error).message;
	}
	throw new Error("expected a failure");
}

describe("workersLimitHint", () => {
	it("names an untrusted certificate", () => {
		const hint = workersLimitHint("TLS peer's certificate is not trusted");
		expect(hint).toMatch(/not trusted by Cloudflare Workers, which cannot skip verification/);
	});

	it("says nothing when no Workers limit applies", () => {
		expect(workersLimitHint("connection refused")).toBe("");
	});
});

describe("outboundFetch names why a request could not be made", () => {
	it("locally, a closed port on a bare IP is a refused connection, not a bare-IP limit", async () => {
		const message = await failure(outboundFetch("local")(CLOSED));
		expect(message).toBe(
			"the connection to 127.0.0.1:1 was refused (or closed before any answer): " +
				"is the server running and listening on that port?",
		);
	}, 20_000);

	it("deployed, the same failure also names the bare-IP limit", async () => {
		const message = await failure(outboundFetch("deployed")(CLOSED));
		expect(message).toMatch(/^the connection to 127\.0\.0\.1:1 was refused/);
		expect(message).toMatch(
			/127\.0\.0\.1 is a bare IP address, which deployed Workers cannot fetch: give it a DNS name$/,
		);
	}, 20_000);

	it("a host name that does not resolve says so, instead of workerd's internal error", async () => {
		for (const runtime of ["local", "deployed"] as const) {
			const message = await failure(outboundFetch(runtime)(UNRESOLVABLE));
			expect(message).toBe(
				"the host name no-such-console.invalid did not resolve: check it for typos, and that its DNS record exists",
			);
		}
	}, 20_000);

	it("passes an answer through, and a cancelled request's reason as is", async () => {
		const answering = outboundFetch("local", async () => new Response("ok", { status: 418 }));
		expect((await answering(CLOSED)).status).toBe(418);
		const reason = new Error("cancelled by the caller");
		const never = outboundFetch("local", (input) => {
			const { signal } = new Request(input);
			return new Promise((_, reject) =>
				signal.addEventListener("abort", () => reject(signal.reason)),
			);
		});
		const cancel = new AbortController();
		const pending = never(CLOSED, { signal: cancel.signal });
		cancel.abort(reason);
		await expect(pending).rejects.toBe(reason);
	});

	it("deployed, Cloudflare's own 403 for a bare IP (error 1003) becomes the bare-IP error", async () => {
		const cloudflare = async () => new Response("error code: 1003", { status: 403 });
		const message = await failure(
			outboundFetch("deployed", cloudflare)("http://198.51.100.7:6080/"),
		);
		expect(message).toBe(
			"Cloudflare refused it with error 1003: 198.51.100.7 is a bare IP address, which deployed " +
				"Workers cannot fetch: give it a DNS name",
		);
		// Any other 403, a named host, or a local Worker: the answer is the server's, passed on.
		const forbidden = async () => new Response("no", { status: 403 });
		expect((await outboundFetch("deployed", forbidden)("http://198.51.100.7/")).status).toBe(403);
		expect((await outboundFetch("deployed", cloudflare)("http://bmc.example.net/")).status).toBe(
			403,
		);
		expect((await outboundFetch("local", cloudflare)("http://198.51.100.7/")).status).toBe(403);
	});

	it("reaches the user through the VNC client, with the port", async () => {
		const message = await failure(
			VncClient.connect({
				fetch: outboundFetch("local"),
				url: "ws://127.0.0.1:1/",
				deadlineMs: 10_000,
			}),
		);
		expect(message).toBe(
			"VNC WebSocket upgrade to 127.0.0.1:1 failed: the connection to 127.0.0.1:1 was refused " +
				"(or closed before any answer): is the server running and listening on that port?",
		);
		expect(message).not.toMatch(/bare IP/);
	}, 20_000);
});
