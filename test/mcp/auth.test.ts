import { describe, expect, it } from "vitest";
import { connectClient, initializeRequest, workerFetch } from "../support/mcp-client.ts";

const TOKEN = "s3cret-token-for-tests-0123456789abcdef";
function post(url: string, headers: Record<string, string> = {}): RequestInit & { url: string } {
	return { url, ...initializeRequest(headers) };
}

describe("auth", () => {
	it("keeps /health open and says nothing secret", async () => {
		const res = await workerFetch({ MCP_BEARER_TOKEN: TOKEN })("https://ikvm.example.com/health");
		expect(res.status).toBe(200);
		const body = await res.text();
		expect(body).toContain('"ok":true');
		expect(body).not.toContain(TOKEN);
	});

	it("rejects a request without the token", async () => {
		const { url, ...init } = post("https://ikvm.example.com/mcp");
		const res = await workerFetch({ MCP_BEARER_TOKEN: TOKEN })(url, init);
		expect(res.status).toBe(401);
		expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
	});

	it("rejects a wrong token", async () => {
		const { url, ...init } = post("https://ikvm.example.com/mcp", { Authorization: "Bearer nope" });
		const res = await workerFetch({ MCP_BEARER_TOKEN: TOKEN })(url, init);
		expect(res.status).toBe(401);
		expect(await res.text()).not.toContain(TOKEN);
	});

	it("serves the right token on a public host", async () => {
		const client = await connectClient(
			{ MCP_BEARER_TOKEN: TOKEN },
			{ url: "https://ikvm.example.com/mcp", headers: { Authorization: `Bearer ${TOKEN}` } },
		);
		const { tools } = await client.listTools();
		expect(tools.map((t) => t.name)).toContain("list_servers");
		await client.close();
	});

	it("without a token, refuses public hosts and says how to set one", async () => {
		const { url, ...init } = post("https://ikvm.example.com/mcp");
		const res = await workerFetch()(url, init);
		expect(res.status).toBe(401);
		expect(await res.text()).toContain("wrangler secret put MCP_BEARER_TOKEN");
	});

	it("without a token, serves a loopback peer asking for a loopback host (wrangler dev)", async () => {
		for (const host of ["localhost:8787", "127.0.0.1:8787"]) {
			const client = await connectClient({}, { url: `http://${host}/mcp` });
			const { tools } = await client.listTools();
			expect(tools.length).toBeGreaterThan(0);
			await client.close();
		}
	});

	it("without a token, refuses a network peer that sends `Host: localhost`", async () => {
		// What `wrangler dev --ip 0.0.0.0` hands the Worker for a caller on the LAN.
		const { url, ...init } = post("http://localhost/mcp", { "CF-Connecting-IP": "192.0.2.2" });
		const res = await workerFetch()(url, init);
		expect(res.status).toBe(401);
		// A loopback Host is wrangler dev, so the hint is the local one.
		expect(await res.text()).toContain("put it in .dev.vars as MCP_BEARER_TOKEN");
	});

	it("without a token, refuses a request with no peer address at all (fails closed)", async () => {
		const { url, ...init } = post("http://localhost/mcp");
		const res = await workerFetch({}, { peer: null })(url, init);
		expect(res.status).toBe(401);
	});

	it("without a token, refuses a loopback peer asking for a public host (a local tunnel or proxy)", async () => {
		const { url, ...init } = post("https://ikvm.example.com/mcp", {
			"CF-Connecting-IP": "127.0.0.1",
		});
		const res = await workerFetch()(url, init);
		expect(res.status).toBe(401);
	});

	it("without a token, refuses what a local reverse proxy forwards (X-Forwarded-For, Forwarded, X-Real-IP)", async () => {
		for (const header of ["X-Forwarded-For", "Forwarded", "X-Real-IP"]) {
			const { url, ...init } = post("http://localhost:8787/mcp", { [header]: "198.51.100.7" });
			const res = await workerFetch()(url, init);
			expect(res.status, header).toBe(401);
		}
	});

	it("without a token, accepts every loopback peer form (127/8, ::1, IPv4-mapped)", async () => {
		for (const peer of ["127.0.0.1", "127.1.2.3", "::1", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"]) {
			const client = await connectClient({}, { url: "http://localhost:8787/mcp", peer });
			expect((await client.listTools()).tools.length, peer).toBeGreaterThan(0);
			await client.close();
		}
		for (const peer of [
			"128.0.0.1",
			"::2",
			"::ffff:192.0.2.2",
			"1127.0.0.1",
			"127.0.0.1.evil",
			"",
		]) {
			const { url, ...init } = post("http://localhost:8787/mcp");
			const res = await workerFetch({}, { peer })(url, init);
			expect(res.status, peer).toBe(401);
		}
	});

	it("refuses to serve with a token shorter than 32 characters, and says how to make one", async () => {
		const short = "a".repeat(31);
		const { url, ...init } = post("https://ikvm.example.com/mcp", {
			Authorization: `Bearer ${short}`,
		});
		const res = await workerFetch({ MCP_BEARER_TOKEN: short })(url, init);
		expect(res.status).toBe(503);
		const body = await res.text();
		expect(body).toContain("openssl rand -hex 32");
		expect(body).not.toContain(short);
		// Not even from loopback: a short token is a misconfiguration, not an open door.
		const local = post("http://localhost/mcp", { Authorization: `Bearer ${short}` });
		const { url: localUrl, ...localInit } = local;
		expect((await workerFetch({ MCP_BEARER_TOKEN: short })(localUrl, localInit)).status).toBe(503);
		// 32 characters is enough.
		const client = await connectClient(
			{ MCP_BEARER_TOKEN: "b".repeat(32) },
			{
				url: "https://ikvm.example.com/mcp",
				headers: { Authorization: `Bearer ${"b".repeat(32)}` },
			},
		);
		expect((await client.listTools()).tools.length).toBeGreaterThan(0);
		await client.close();
	});

	it("answers a CORS preflight before auth, token or not, on every host", async () => {
		const preflight = {
			method: "OPTIONS",
			headers: {
				Origin: "https://app.example.net",
				"Access-Control-Request-Method": "POST",
				"Access-Control-Request-Headers": "authorization, content-type, mcp-protocol-version",
			},
		};
		const cases: [string, Record<string, string>][] = [
			["https://ikvm.example.com/mcp", { MCP_BEARER_TOKEN: TOKEN }],
			["http://ikvm.lan:8787/mcp", { MCP_BEARER_TOKEN: TOKEN }],
			["https://ikvm.example.com/mcp", {}],
			["http://localhost:8787/mcp", {}],
			["https://ikvm.example.com/mcp", { MCP_BEARER_TOKEN: "short" }],
		];
		for (const [url, env] of cases) {
			const res = await workerFetch(env, { peer: "198.51.100.7" })(url, preflight);
			const what = `${url} ${JSON.stringify(env)}`;
			expect(res.status, what).toBeLessThan(300);
			expect(res.headers.get("Access-Control-Allow-Origin"), what).toBe("https://app.example.net");
			const allowed = (res.headers.get("Access-Control-Allow-Headers") ?? "").toLowerCase();
			expect(allowed === "*" || allowed.includes("authorization"), what).toBe(true);
			expect(res.headers.get("Access-Control-Allow-Methods") ?? "", what).toMatch(/POST|\*/);
		}
	});

	it("lets a browser read why it was refused (CORS on 401 and 503)", async () => {
		// http on a LAN name has no OAuth provider; https has one, which answers its own 401.
		for (const origin of ["http://ikvm.lan:8787", "https://ikvm.example.com"]) {
			for (const env of [{ MCP_BEARER_TOKEN: TOKEN }, { MCP_BEARER_TOKEN: "short" }, {}]) {
				const { url, ...init } = post(`${origin}/mcp`, { Origin: "https://app.example.net" });
				const res = await workerFetch(env, { peer: "198.51.100.7" })(url, init);
				const what = `${origin} ${JSON.stringify(env)}`;
				expect(res.status, what).toBe(env.MCP_BEARER_TOKEN === "short" ? 503 : 401);
				expect(res.headers.get("Access-Control-Allow-Origin"), what).toBe(
					"https://app.example.net",
				);
				expect(res.headers.get("Access-Control-Expose-Headers") ?? "", what).toContain(
					"WWW-Authenticate",
				);
				expect((await res.json()) as { message: string }, what).toHaveProperty("message");
			}
		}
	});
});
