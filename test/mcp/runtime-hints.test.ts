/**
 * Errors a new user meets first, through the Worker as `npm start` runs it
 * (requests to localhost) and as a deployment does (requests to its host name):
 * each names the real cause, and the hint fits where the Worker runs.
 */
import { describe, expect, it } from "vitest";
import { connectClient, workerFetch } from "../support/mcp-client.ts";
import { authorizeUrl, pkce, register, showPage } from "../support/oauth.ts";

const TOKEN = "runtime-hints-token-0123456789abcdefghij";
const DEPLOYED = "https://ikvm.example.com";

/** A client of the Worker running locally (loopback) or deployed (its own host name). */
function client(runtime: "local" | "deployed", env: Record<string, unknown>) {
	return runtime === "local"
		? connectClient(env)
		: connectClient(
				{ ...env, MCP_BEARER_TOKEN: TOKEN },
				{ url: `${DEPLOYED}/mcp`, headers: { Authorization: `Bearer ${TOKEN}` } },
			);
}

async function screenshotError(
	runtime: "local" | "deployed",
	env: Record<string, unknown>,
	id: string,
) {
	const mcp = await client(runtime, env);
	try {
		const result = await mcp.callTool({ name: "get_screenshot", arguments: { serverId: id } });
		expect(result.isError).toBe(true);
		return (result.content as { text: string }[]).map((c) => c.text).join("\n");
	} finally {
		await mcp.close();
	}
}

async function unavailable(runtime: "local" | "deployed", env: Record<string, unknown>) {
	const mcp = await client(runtime, env);
	try {
		const result = await mcp.callTool({ name: "list_servers", arguments: {} });
		return (result.structuredContent as { unavailable: { provider: string; error: string }[] })
			.unavailable;
	} finally {
		await mcp.close();
	}
}

const vncTarget = (url: string, extra: Record<string, unknown> = {}) => ({
	VNC_TARGETS: JSON.stringify([{ id: "node1", url, ...extra }]),
});

describe("a VNC console that cannot be reached says why", () => {
	// Nothing listens on port 1 (tcpmux) on a test machine.
	const closed = vncTarget("ws://127.0.0.1:1/websockify");

	it("locally, a closed port on 127.0.0.1 is a refused connection, with host and port; no bare-IP talk", async () => {
		const text = await screenshotError("local", closed, "node1");
		expect(text).toContain("the connection to 127.0.0.1:1 was refused");
		expect(text).toContain("is the server running and listening on that port?");
		expect(text).not.toMatch(/bare IP/);
	}, 30_000);

	it("deployed, the same target also names the bare-IP limit", async () => {
		const text = await screenshotError("deployed", closed, "node1");
		expect(text).toContain("the connection to 127.0.0.1:1 was refused");
		expect(text).toContain(
			"127.0.0.1 is a bare IP address, which deployed Workers cannot fetch: give it a DNS name",
		);
	}, 30_000);

	it("a host name that does not resolve says so, not workerd's internal error", async () => {
		const text = await screenshotError("local", vncTarget("ws://console.invalid:5901/"), "node1");
		expect(text).toContain("the host name console.invalid did not resolve");
		expect(text).not.toMatch(/internal error/);
	}, 30_000);
});

describe("a missing secret says where to set it", () => {
	const partlyOvh = { DEMO: "on", OVH_ENDPOINT: "ovh-eu", OVH_APPLICATION_KEY: "ak" };

	it("locally: .dev.vars", async () => {
		expect(await unavailable("local", partlyOvh)).toEqual([
			{
				provider: "ovh",
				error:
					"OVH is partly configured: OVH_APPLICATION_SECRET, OVH_CONSUMER_KEY are not set: " +
					"add OVH_APPLICATION_SECRET=…, OVH_CONSUMER_KEY=… to .dev.vars and restart npm start",
			},
		]);
		const vnc = vncTarget("wss://node1.example.net/", { passwordSecret: "VNC_NODE1_PASSWORD" });
		expect(await screenshotError("local", vnc, "node1")).toBe(
			'VNC target "node1" names password secret VNC_NODE1_PASSWORD, which is not set: ' +
				"add VNC_NODE1_PASSWORD=… to .dev.vars and restart npm start",
		);
	}, 30_000);

	it("deployed: wrangler secret put", async () => {
		expect(await unavailable("deployed", partlyOvh)).toEqual([
			{
				provider: "ovh",
				error:
					"OVH is partly configured: OVH_APPLICATION_SECRET, OVH_CONSUMER_KEY are not set: set each with " +
					"npx wrangler secret put OVH_APPLICATION_SECRET, npx wrangler secret put OVH_CONSUMER_KEY",
			},
		]);
		const vnc = vncTarget("wss://node1.example.net/", { passwordSecret: "VNC_NODE1_PASSWORD" });
		expect(await screenshotError("deployed", vnc, "node1")).toBe(
			'VNC target "node1" names password secret VNC_NODE1_PASSWORD, which is not set: ' +
				"set it with npx wrangler secret put VNC_NODE1_PASSWORD",
		);
	}, 30_000);

	it("no provider at all: the secrets go in .dev.vars locally, through wrangler secret put deployed", async () => {
		const none = { DEMO: "off" };
		const local = await client("local", none);
		const localList = await local.callTool({ name: "list_servers", arguments: {} });
		await local.close();
		expect(JSON.stringify(localList.content)).toContain("OVH_CONSUMER_KEY secrets (in .dev.vars)");
		const deployed = await client("deployed", none);
		const deployedList = await deployed.callTool({ name: "list_servers", arguments: {} });
		await deployed.close();
		expect(JSON.stringify(deployedList.content)).toContain(
			"OVH_CONSUMER_KEY secrets (with npx wrangler secret put)",
		);
	}, 30_000);

	it("the OAuth page of a local Worker without MCP_BEARER_TOKEN says .dev.vars", async () => {
		const open = workerFetch();
		const origin = "http://localhost:8787";
		const clientId = await register(open, origin);
		const { challenge } = await pkce();
		const page = await showPage(open, authorizeUrl(origin, clientId, challenge));
		expect(page.res.status).toBe(503);
		expect(page.html).toContain("<code>.dev.vars</code>");
		expect(page.html).toContain("MCP_BEARER_TOKEN=&lt;the random string&gt;");
		expect(page.html).not.toContain("wrangler secret put");
	}, 30_000);
});
