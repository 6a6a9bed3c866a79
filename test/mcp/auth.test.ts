import { describe, expect, it } from "vitest";
import { connectClient, workerFetch } from "../support/mcp-client.ts";

const TOKEN = "s3cret-token-for-tests";
const initialize = {
	jsonrpc: "2.0",
	id: 1,
	method: "initialize",
	params: {
		protocolVersion: "2025-06-18",
		capabilities: {},
		clientInfo: { name: "t", version: "1" },
	},
};

function post(url: string, headers: Record<string, string> = {}): RequestInit & { url: string } {
	return {
		url,
		method: "POST",
		headers: {
			"Content-Type": "application/json",
			Accept: "application/json, text/event-stream",
			...headers,
		},
		body: JSON.stringify(initialize),
	};
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

	it("without a token, serves loopback (wrangler dev)", async () => {
		for (const host of ["localhost:8787", "127.0.0.1:8787"]) {
			const client = await connectClient({}, { url: `http://${host}/mcp` });
			const { tools } = await client.listTools();
			expect(tools.length).toBeGreaterThan(0);
			await client.close();
		}
	});
});
