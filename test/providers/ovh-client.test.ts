import { describe, expect, it } from "vitest";
import { ConfigError, ProtocolError, UserFacingError } from "../../src/errors.ts";
import {
	OvhApiError,
	OvhClient,
	OvhUnreachableError,
	ovhEndpointUrl,
	ovhSignature,
} from "../../src/providers/ovh/index.ts";
import { MockOvh, ovhTestRig } from "../mocks/mock-ovh.ts";
import { hostileText, INVISIBLE } from "../support/hostile.ts";

/** Rejection of `promise`, which must reject. */
async function failure(promise: Promise<unknown>): Promise<Error> {
	try {
		await promise;
	} catch (error) {
		return error as Error;
	}
	throw new Error("expected a rejection");
}

describe("ovhSignature", () => {
	// Expected values are python-ovh's own test vectors (tests/test_client.py,
	// test_call_signature), so this pins the exact preimage layout.
	const secret = "9ufkBmLaTQ9nz5yMUlg79taH0GNnzDjk";
	const consumer = "5mBuy6SUQcRw2ZUxg0cG68BoDKpED4KY";
	const time = 1457018875;
	const url = "https://eu.api.ovh.com/1.0/auth";

	it("matches python-ovh for a GET without body", async () => {
		expect(await ovhSignature(secret, consumer, "GET", url, "", time)).toBe(
			"$1$e9556054b6309771395efa467c22e627407461ad",
		);
	});

	it("matches python-ovh for a POST with a compact JSON body", async () => {
		expect(await ovhSignature(secret, consumer, "POST", url, '{"a":"b","c":"d"}', time)).toBe(
			"$1$ec2fb5c7a81f64723c77d2e5b609ae6f58a84fc1",
		);
	});
});

describe("endpoints and settings", () => {
	it("knows the three regions under both spellings", () => {
		expect(ovhEndpointUrl("eu")).toBe("https://eu.api.ovh.com/1.0");
		expect(ovhEndpointUrl("ovh-eu")).toBe("https://eu.api.ovh.com/1.0");
		expect(ovhEndpointUrl("ca")).toBe("https://ca.api.ovh.com/1.0");
		expect(ovhEndpointUrl("OVH-CA")).toBe("https://ca.api.ovh.com/1.0");
		expect(ovhEndpointUrl("us")).toBe("https://api.us.ovhcloud.com/1.0");
		expect(ovhEndpointUrl(" ovh-us ")).toBe("https://api.us.ovhcloud.com/1.0");
	});

	it("knows every name OVH's official clients accept", () => {
		expect(ovhEndpointUrl("kimsufi-eu")).toBe("https://eu.api.kimsufi.com/1.0");
		expect(ovhEndpointUrl("ks-eu")).toBe("https://eu.api.kimsufi.com/1.0");
		expect(ovhEndpointUrl("kimsufi-ca")).toBe("https://ca.api.kimsufi.com/1.0");
		expect(ovhEndpointUrl("ks-ca")).toBe("https://ca.api.kimsufi.com/1.0");
		expect(ovhEndpointUrl("soyoustart-eu")).toBe("https://eu.api.soyoustart.com/1.0");
		expect(ovhEndpointUrl("sys-eu")).toBe("https://eu.api.soyoustart.com/1.0");
		expect(ovhEndpointUrl("soyoustart-ca")).toBe("https://ca.api.soyoustart.com/1.0");
		expect(ovhEndpointUrl("SYS-CA")).toBe("https://ca.api.soyoustart.com/1.0");
	});

	it("accepts a full https://…/1.0 URL, and plain http:// only for loopback hosts", () => {
		expect(ovhEndpointUrl("https://ovh-proxy.example.com/api/1.0/")).toBe(
			"https://ovh-proxy.example.com/api/1.0",
		);
		expect(ovhEndpointUrl("http://127.0.0.1:8787/1.0")).toBe("http://127.0.0.1:8787/1.0");
		expect(ovhEndpointUrl("http://localhost:9000/1.0")).toBe("http://localhost:9000/1.0");
		expect(() => ovhEndpointUrl("http://ovh-proxy.example.com/1.0")).toThrow(
			/plain http:\/\/, which is accepted only for loopback hosts/,
		);
		expect(() => ovhEndpointUrl("https://ovh-proxy.example.com/")).toThrow(
			/must end with the API version path \/1\.0/,
		);
		expect(() => ovhEndpointUrl("https://user:pw@ovh-proxy.example.com/1.0")).toThrow(ConfigError);
	});

	it("refuses an unknown endpoint, listing the valid ones", () => {
		expect(() => ovhEndpointUrl("kimsufi")).toThrow(ConfigError);
		expect(() => ovhEndpointUrl("toString")).toThrow(
			'OVH_ENDPOINT "toString" is not an OVH API endpoint; use one of eu, ca, us, ovh-eu, ovh-ca, ovh-us, ' +
				"kimsufi-eu, kimsufi-ca, ks-eu, ks-ca, soyoustart-eu, soyoustart-ca, sys-eu, sys-ca, or a full https://…/1.0 URL",
		);
	});

	it("signs requests to a fake OVH API on 127.0.0.1 reached by full URL, as OVH's Node client does", async () => {
		const base = "http://127.0.0.1:8787/1.0";
		const { mock, client } = ovhTestRig({ mock: { baseUrl: base }, client: { endpoint: base } });
		mock.addServer("ns1");
		await client.post("/dedicated/server/ns1/features/ipmi/access", {
			body: { type: "kvmipHtml5URL", ttl: 5, ipToAllow: "203.0.113.9" },
		});
		const call = mock.requests.at(-1);
		expect(call?.path).toBe("/dedicated/server/ns1/features/ipmi/access");
		// node-ovh: "$1$" + sha1(appSecret + "+" + consumerKey + "+" + method + "+" + url + "+" + body + "+" + timestamp)
		const preimage = [
			mock.applicationSecret,
			mock.consumerKey,
			"POST",
			`${base}/dedicated/server/ns1/features/ipmi/access`,
			JSON.stringify({ type: "kvmipHtml5URL", ttl: 5, ipToAllow: "203.0.113.9" }),
			call?.headers["x-ovh-timestamp"],
		].join("+");
		const digest = new Uint8Array(
			await crypto.subtle.digest("SHA-1", new TextEncoder().encode(preimage)),
		);
		const hex = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
		expect(call?.headers["x-ovh-signature"]).toBe(`$1$${hex}`);
	});

	it("refuses missing keys by setting name", () => {
		const keys = { applicationKey: "ak", applicationSecret: "as", consumerKey: "ck" };
		expect(() => new OvhClient({ endpoint: "eu", ...keys, consumerKey: " " })).toThrow(
			"OVH_CONSUMER_KEY is not set",
		);
		expect(() => new OvhClient({ endpoint: "eu", ...keys, applicationSecret: "" })).toThrow();
	});
});

describe("signed requests", () => {
	it("are accepted by the mock, which recomputes the signature", async () => {
		const { mock, client } = ovhTestRig();
		mock.addServer("ns1.ip-192-0-2.eu");
		expect(await client.get("/dedicated/server")).toEqual(["ns1.ip-192-0-2.eu"]);
		const [time, call] = mock.requests;
		expect(time.path).toBe("/auth/time");
		expect(time.headers["x-ovh-consumer"]).toBeUndefined();
		expect(time.headers["x-ovh-signature"]).toBeUndefined();
		expect(call.headers["x-ovh-application"]).toBe(mock.applicationKey);
		expect(call.headers["x-ovh-consumer"]).toBe(mock.consumerKey);
		expect(call.headers["x-ovh-signature"]).toMatch(/^\$1\$[0-9a-f]{40}$/);
	});

	it("sign the JSON body they send", async () => {
		const { mock, client } = ovhTestRig();
		mock.addServer("ns1");
		const task = await client.post("/dedicated/server/ns1/features/ipmi/access", {
			body: { type: "kvmipHtml5URL", ttl: 5, ipToAllow: "203.0.113.9" },
		});
		expect(task).toMatchObject({ function: "requestAccessIPMI", status: "init" });
		expect(mock.requests.at(-1)?.headers["content-type"]).toBe("application/json");
	});

	it("stamp OVH's time, synced once through /auth/time", async () => {
		const { mock, client, clock } = ovhTestRig({ skewS: -7200 });
		mock.addServer("ns1");
		await Promise.all([client.get("/dedicated/server"), client.get("/dedicated/server/ns1")]);
		clock.ms += 42_000;
		await client.get("/dedicated/server");
		expect(mock.requestsTo("/auth/time")).toHaveLength(1);
		const stamps = mock.requestsTo(/^\/dedicated/).map((r) => Number(r.headers["x-ovh-timestamp"]));
		const clientSeconds = 1_700_000_000;
		expect(stamps).toEqual([clientSeconds - 7200, clientSeconds - 7200, clientSeconds - 7200 + 42]);
		expect(await client.clockDelta()).toBe(-7200);
	});

	it("without the clock delta would be refused as out of time", async () => {
		// Same skew, but a client whose /auth/time is answered with its own clock.
		const { mock, client } = ovhTestRig({ skewS: 3600 });
		mock.inject({ path: "/auth/time", status: 200, body: 1_700_000_000 });
		const error = await failure(client.get("/dedicated/server"));
		expect(error).toBeInstanceOf(OvhApiError);
		expect(error.message).toBe(
			'OVH API GET /dedicated/server failed with HTTP 400 QUERY_TIME_OUT; OVH said: "Query out of time"',
		);
	});

	it("with a wrong secret fail with OVH's message, in a typed error", async () => {
		const { mock } = ovhTestRig();
		const client = new OvhClient({
			endpoint: "ovh-eu",
			applicationKey: mock.applicationKey,
			applicationSecret: "not-the-secret",
			consumerKey: mock.consumerKey,
			fetch: mock.fetch,
		});
		const error = await failure(client.get("/dedicated/server"));
		expect(error).toBeInstanceOf(OvhApiError);
		expect(error).toBeInstanceOf(UserFacingError);
		expect(error).toMatchObject({
			status: 400,
			errorCode: "INVALID_SIGNATURE",
			queryId: "EU.ext-3.mock",
		});
		expect(error.message).toBe(
			'OVH API GET /dedicated/server failed with HTTP 400 INVALID_SIGNATURE; OVH said: "Invalid signature"',
		);
		expect(mock.requestsTo("/dedicated/server")).toHaveLength(1);
	});

	it("with a wrong consumer key fail with INVALID_CREDENTIAL", async () => {
		const { mock } = ovhTestRig();
		const client = new OvhClient({
			endpoint: "eu",
			applicationKey: mock.applicationKey,
			applicationSecret: mock.applicationSecret,
			consumerKey: "revoked-consumer-key",
			fetch: mock.fetch,
		});
		await expect(client.get("/dedicated/server")).rejects.toMatchObject({
			status: 403,
			errorCode: "INVALID_CREDENTIAL",
			message: expect.stringContaining("This credential is not valid"),
		});
	});
});

describe("retries", () => {
	it("wait out a 429's Retry-After, then succeed", async () => {
		const { mock, client, sleeps } = ovhTestRig();
		mock.inject({ path: "/dedicated/server", status: 429, retryAfter: "2" });
		expect(await client.get("/dedicated/server")).toEqual([]);
		expect(sleeps).toEqual([2000]);
		expect(mock.requestsTo("/dedicated/server")).toHaveLength(2);
	});

	it("back off exponentially on 429 without Retry-After and on 5xx", async () => {
		const { mock, client, sleeps } = ovhTestRig();
		mock.inject({ path: "/dedicated/server", status: 429 });
		mock.inject({ path: "/dedicated/server", status: 503 });
		expect(await client.get("/dedicated/server")).toEqual([]);
		expect(sleeps).toEqual([500, 1000]);
		expect(mock.requestsTo("/dedicated/server")).toHaveLength(3);
	});

	it("stop after 3 attempts with OVH's last error", async () => {
		const { mock, client, sleeps } = ovhTestRig();
		mock.inject({
			path: "/dedicated/server",
			status: 500,
			body: { class: "Server::InternalServerError::Unknown", message: "Internal server error" },
			times: 5,
		});
		const error = await failure(client.get("/dedicated/server"));
		expect(error).toMatchObject({ status: 500, errorCode: null });
		expect(error.message).toBe(
			'OVH API GET /dedicated/server failed with HTTP 500; OVH said: "Internal server error" (after 3 attempts). OVH\'s API is failing on its side: try again in a few minutes.',
		);
		expect(mock.requestsTo("/dedicated/server")).toHaveLength(3);
		expect(sleeps).toEqual([500, 1000]);
	});

	it("do not happen on 4xx", async () => {
		for (const status of [400, 403, 404, 409]) {
			const { mock, client, sleeps } = ovhTestRig();
			mock.inject({
				path: "/dedicated/server",
				status,
				body: {
					errorCode: "NOT_GRANTED_CALL",
					httpCode: `${status}`,
					message: "This call has not been granted",
				},
			});
			await expect(client.get("/dedicated/server")).rejects.toMatchObject({ status });
			expect(mock.requestsTo("/dedicated/server")).toHaveLength(1);
			expect(sleeps).toEqual([]);
		}
	});

	it("give up at once when Retry-After exceeds the cap", async () => {
		const { mock, client, sleeps } = ovhTestRig();
		mock.inject({
			path: "/dedicated/server",
			status: 429,
			retryAfter: "120",
			body: { message: "Too many requests" },
		});
		const error = await failure(client.get("/dedicated/server"));
		expect(error.message).toBe(
			'OVH API GET /dedicated/server failed with HTTP 429; OVH said: "Too many requests" (OVH asks to retry in 120 s). OVH is rate-limiting this account: wait a minute, then try again.',
		);
		expect(sleeps).toEqual([]);
	});

	it("honour Retry-After given as an HTTP date", async () => {
		const { mock, client, sleeps, clock } = ovhTestRig();
		mock.inject({
			path: "/dedicated/server",
			status: 503,
			retryAfter: new Date(clock.ms + 3000).toUTCString(),
		});
		await client.get("/dedicated/server");
		expect(sleeps).toEqual([3000]);
	});
});

describe("deadlines and transport failures", () => {
	it("turn a hung request into a specific timeout error", async () => {
		const { mock, client } = ovhTestRig({ client: { requestTimeoutMs: 50 } });
		await client.clockDelta();
		mock.inject({ path: "/dedicated/server", hang: true });
		const error = await failure(client.get("/dedicated/server"));
		expect(error).toBeInstanceOf(OvhUnreachableError);
		expect(error.message).toBe("OVH API did not answer GET /dedicated/server within 0.05 s");
	});

	it("let the caller's abort through as the caller's reason", async () => {
		const { mock, client } = ovhTestRig({ client: { requestTimeoutMs: 5000 } });
		await client.clockDelta();
		mock.inject({ path: "/dedicated/server", hang: true });
		const controller = new AbortController();
		const reason = new Error("tool call cancelled");
		setTimeout(() => controller.abort(reason), 10);
		expect(await failure(client.get("/dedicated/server", { signal: controller.signal }))).toBe(
			reason,
		);
	});

	it("report a network failure as unreachable", async () => {
		const client = new OvhClient({
			endpoint: "ca",
			applicationKey: "ak",
			applicationSecret: "as",
			consumerKey: "ck",
			fetch: async () => {
				throw new TypeError("Network connection lost.");
			},
		});
		const error = await failure(client.get("/dedicated/server"));
		expect(error).toBeInstanceOf(OvhUnreachableError);
		expect(error.message).toBe(
			"OVH API could not be reached for GET /auth/time: Network connection lost.",
		);
	});

	it("refuse a success answer that is not JSON", async () => {
		const client = new OvhClient({
			endpoint: "eu",
			applicationKey: "ak",
			applicationSecret: "as",
			consumerKey: "ck",
			fetch: async () => new Response("<html>maintenance</html>", { status: 200 }),
		});
		const error = await failure(client.get("/auth/time", { authenticated: false }));
		expect(error).toBeInstanceOf(ProtocolError);
		expect(error.message).toBe("OVH API answered GET /auth/time with a body that is not JSON");
	});
});

describe("secrets", () => {
	it("never appear in an error, even when OVH echoes them", async () => {
		const mock = new MockOvh({
			applicationSecret: "S3cr3t-Application-Secret-Value",
			consumerKey: "C0nsumer-Key-Value-That-Must-Stay",
		});
		const client = new OvhClient({
			endpoint: "eu",
			applicationKey: mock.applicationKey,
			applicationSecret: mock.applicationSecret,
			consumerKey: mock.consumerKey,
			fetch: mock.fetch,
			sleep: async () => {},
			requestTimeoutMs: 30,
		});
		const echo = `Bad consumer ${mock.consumerKey} signed with ${mock.applicationSecret}`;
		const errors: unknown[] = [];
		const attempt = async (fault: Parameters<MockOvh["inject"]>[0]) => {
			mock.inject(fault);
			errors.push(await failure(client.get("/dedicated/server")));
		};
		await attempt({
			path: "/dedicated/server",
			status: 403,
			body: { errorCode: "INVALID_CREDENTIAL", message: echo },
		});
		await attempt({ path: "/dedicated/server", status: 503, body: { message: echo }, times: 3 });
		await attempt({ path: "/dedicated/server", status: 400, body: echo });
		await attempt({ path: "/dedicated/server", hang: true });
		const wrong = new OvhClient({
			endpoint: "eu",
			applicationKey: mock.applicationKey,
			applicationSecret: "Another-Secret-Also-Private",
			consumerKey: mock.consumerKey,
			fetch: mock.fetch,
		});
		errors.push(await failure(wrong.get("/dedicated/server")));
		const throwing = new OvhClient({
			endpoint: "eu",
			applicationKey: "ak",
			applicationSecret: mock.applicationSecret,
			consumerKey: mock.consumerKey,
			fetch: async () => {
				throw new Error(`socket closed while sending ${mock.consumerKey}`);
			},
		});
		errors.push(await failure(throwing.get("/dedicated/server")));

		expect(errors).toHaveLength(6);
		for (const error of errors) {
			const text = `${String(error)} ${(error as Error).message} ${JSON.stringify(error)}`;
			expect(text).not.toContain(mock.applicationSecret);
			expect(text).not.toContain(mock.consumerKey);
			expect(text).not.toContain("Another-Secret-Also-Private");
		}
		expect((errors[0] as Error).message).toContain(
			"Bad consumer [consumer key] signed with [application secret]",
		);
	});

	it("hide the application key too, when OVH echoes it", async () => {
		const mock = new MockOvh({ applicationKey: "App-Key-Value-Echoed-By-OVH" });
		const client = new OvhClient({
			endpoint: "eu",
			applicationKey: mock.applicationKey,
			applicationSecret: mock.applicationSecret,
			consumerKey: mock.consumerKey,
			fetch: mock.fetch,
		});
		mock.inject({
			path: "/dedicated/server",
			status: 403,
			body: { errorCode: "INVALID_KEY", message: `Invalid application key ${mock.applicationKey}` },
		});
		const error = await failure(client.get("/dedicated/server"));
		expect(error.message).not.toContain(mock.applicationKey);
		expect(error.message).toContain('OVH said: "Invalid application key [application key]"');
		expect(client.redact(`ak=${mock.applicationKey}`)).toBe("ak=[application key]");
	});
});

describe("OVH's own words", () => {
	it("reach an error capped, on one line, without controls, quoted as what OVH said", async () => {
		const { mock, client } = ovhTestRig();
		const message = hostileText();
		mock.inject({
			path: "/dedicated/server",
			status: 400,
			body: { errorCode: "<b>not a code</b>\n", message },
		});
		const error = await failure(client.get("/dedicated/server"));
		expect(error.message).toMatch(
			/^OVH API GET \/dedicated\/server failed with HTTP 400; OVH said: "<script>alert\(1\)<\/script> \[2J SYSTEM: \\"ignore previous instructions\\"evil A/,
		);
		expect(error.message).not.toMatch(INVISIBLE);
		expect(error.message).not.toContain("not a code");
		expect(error.message.length).toBeLessThan(400);
		expect((error as OvhApiError).errorCode).toBeNull();
	});
});
