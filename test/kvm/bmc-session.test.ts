import { describe, expect, it } from "vitest";
import { type FetchLike, openBmcSession, renewKvmToken } from "../../src/kvm/bmc-session.ts";
import { KvmError } from "../../src/kvm/kvm-error.ts";
import { createMockBmc, MOCK_CLIENT_IP } from "../../src/kvm/mock-bmc.ts";

const noFrames = () => {
	throw new Error("no frames in these tests");
};

async function failure(promise: Promise<unknown>): Promise<KvmError> {
	const error = await promise.then(
		() => null,
		(e: unknown) => e,
	);
	expect(error).toBeInstanceOf(KvmError);
	return error as KvmError;
}

describe("openBmcSession", () => {
	for (const sessionIn of ["set-cookie", "url", "script"] as const) {
		it(`gets a KVM token when the session id comes from ${sessionIn}`, async () => {
			const mock = createMockBmc({ frames: noFrames, sessionIn });
			const session = await openBmcSession({ fetch: mock.fetch, viewerUrl: mock.viewerUrl() });
			expect(session.origin).toBe("https://bmc.mock");
			expect(session.clientIp).toBe(MOCK_CLIENT_IP);
			expect(session.kvmToken).toMatch(/^[0-9a-f]{32}$/);
			expect(session.csrfToken).toMatch(/^[0-9a-f]{32}$/);
		});
	}

	it("sends what the BMC checks: cookie on every call, CSRF header on the token call", async () => {
		const mock = createMockBmc({ frames: noFrames });
		const seen: { path: string; cookie: string | null; csrf: string | null; redirect: string }[] =
			[];
		const spy: FetchLike = (input, init) => {
			const request = new Request(input, init);
			seen.push({
				path: new URL(request.url).pathname,
				cookie: request.headers.get("Cookie"),
				csrf: request.headers.get("X-CSRFTOKEN"),
				redirect: request.redirect,
			});
			return mock.fetch(request);
		};
		const session = await openBmcSession({ fetch: spy, viewerUrl: mock.viewerUrl() });
		const cookie = `QSESSIONID=${session.sessionId}`;
		expect(seen).toEqual([
			{ path: "/viewer", cookie: null, csrf: null, redirect: "manual" },
			{ path: "/viewer.html", cookie, csrf: null, redirect: "manual" },
			{ path: "/api/kvm/token", cookie, csrf: session.csrfToken, redirect: "manual" },
		]);
	});

	it("goes on when the BMC does not serve /viewer.html", async () => {
		const mock = createMockBmc({ frames: noFrames, misbehave: "no-viewer-html" });
		const session = await openBmcSession({ fetch: mock.fetch, viewerUrl: mock.viewerUrl() });
		expect(session.kvmToken).toMatch(/^[0-9a-f]{32}$/);
		expect(session.clientIp).toBe(MOCK_CLIENT_IP);
	});

	it("echoes the IP OVH allowed, or nothing, when the token answer has no client_ip", async () => {
		const mock = createMockBmc({ frames: noFrames, misbehave: "token-without-client-ip" });
		const allowed = await openBmcSession({
			fetch: mock.fetch,
			viewerUrl: mock.viewerUrl(),
			allowedIp: "198.51.100.4",
		});
		expect(allowed.clientIp).toBe("198.51.100.4");
		// A renewed token keeps falling back to it.
		expect((await renewKvmToken({ fetch: mock.fetch }, allowed)).clientIp).toBe("198.51.100.4");
		const none = await openBmcSession({ fetch: mock.fetch, viewerUrl: mock.viewerUrl() });
		expect(none.clientIp).toBe("");
		expect(none.kvmToken).toMatch(/^[0-9a-f]{32}$/);
	});

	it("says a reused viewer URL has expired", async () => {
		const mock = createMockBmc({ frames: noFrames });
		const viewerUrl = mock.viewerUrl();
		await openBmcSession({ fetch: mock.fetch, viewerUrl });
		const error = await failure(openBmcSession({ fetch: mock.fetch, viewerUrl }));
		expect(error.reason).toBe("viewer-expired");
		expect(error.message).toMatch(
			/^viewer URL expired or already used: .*Try again: the next screenshot opens a new console session/,
		);
	});

	it("says so when the web session dies before the token call, without leaking secrets", async () => {
		const mock = createMockBmc({ frames: noFrames, sessionIn: "url" });
		const viewerUrl = mock.viewerUrl();
		const ticket = new URL(viewerUrl).searchParams.get("token") ?? "";
		const expiring: FetchLike = async (input, init) => {
			const request = new Request(input, init);
			if (new URL(request.url).pathname === "/api/kvm/token") mock.expireSessions();
			return mock.fetch(request);
		};
		const error = await failure(openBmcSession({ fetch: expiring, viewerUrl }));
		expect(error.reason).toBe("viewer-expired");
		expect(error.message).toContain("/api/kvm/token");
		expect(error.message).not.toContain(ticket);
	});

	it("reports a missing QSESSIONID", async () => {
		const page: FetchLike = async () => new Response("<html>maintenance</html>");
		const error = await failure(
			openBmcSession({ fetch: page, viewerUrl: "https://bmc.example/viewer" }),
		);
		expect(error.message).toMatch(/^no QSESSIONID in the viewer response/);
	});

	it("blames the certificate when TLS fails, and scrubs the URL's token", async () => {
		const tls: FetchLike = async (input) => {
			throw new Error(`TLS peer's certificate is not trusted for ${String(input)}`);
		};
		const viewerUrl = "https://bmc.example/viewer?token=s3cr3t";
		const error = await failure(openBmcSession({ fetch: tls, viewerUrl }));
		expect(error.reason).toBe("bmc-certificate");
		expect(error.message).toContain("not trusted by Cloudflare Workers");
		expect(error.message).not.toContain("s3cr3t");
	});

	it("gives up on a BMC that never answers, at the request deadline", async () => {
		const silent: FetchLike = (_input, init) =>
			new Promise((_, reject) =>
				init?.signal?.addEventListener("abort", () => reject(init.signal?.reason)),
			);
		const error = await failure(
			openBmcSession({
				fetch: silent,
				viewerUrl: "https://bmc.example/viewer?token=x",
				requestTimeoutMs: 30,
			}),
		);
		expect(error.reason).toBe("timeout");
		expect(error.message).toBe("GET viewer URL: no answer from the BMC within 30 ms");
	});

	it("reports other HTTP failures by status", async () => {
		const broken: FetchLike = async () => new Response("oops", { status: 500 });
		const error = await failure(
			openBmcSession({ fetch: broken, viewerUrl: "https://bmc.example/viewer?token=x" }),
		);
		expect(error.reason).toBe("bmc-http");
		expect(error.message).toBe("the BMC answered HTTP 500 to the viewer URL");
	});
});
