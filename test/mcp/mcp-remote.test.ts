import { describe, expect, inject, it } from "vitest";
import { ADMIN_SECRET, showPage, submit } from "../support/oauth.ts";
import type { McpRemoteRpc, McpRemoteStart } from "./mcp-remote.setup.ts";

const rig = inject("mcpRemote");
if ("error" in rig) throw new Error(rig.error);

async function control<T>(path: string, body?: unknown): Promise<T> {
	if ("error" in rig) throw new Error(rig.error);
	const res = await fetch(`${rig.control}${path}`, { method: "POST", body: JSON.stringify(body) });
	if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
	return res.json<T>();
}

/** What Claude Desktop writes to the bridge's stdin after starting it. */
const session = [
	{
		jsonrpc: "2.0",
		id: 1,
		method: "initialize",
		params: {
			protocolVersion: "2025-06-18",
			capabilities: {},
			clientInfo: { name: "claude-desktop-stand-in", version: "1" },
		},
	},
	{ jsonrpc: "2.0", method: "notifications/initialized" },
	{ jsonrpc: "2.0", id: 2, method: "tools/list" },
	{ jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "list_servers", arguments: {} } },
];

/** mcp-remote, spawned from Node against the Worker under wrangler dev (see mcp-remote.setup.ts). */
describe("mcp-remote without a token", () => {
	it("prints our authorization URL, and once the owner approves, serves tools over stdio", async () => {
		const started = await control<McpRemoteStart>("/start");
		try {
			// Discovery and dynamic registration worked: it sends the owner to our /authorize.
			expect(started.failure, started.log).toBeNull();
			expect(started.log).not.toContain("Dynamic Client Registration rejected");
			expect(started.log).toContain(`Discovered authorization server: ${started.origin}\n`);
			const url = new URL(started.authorizationUrl ?? "about:blank");
			expect(`${url.origin}${url.pathname}`).toBe(`${started.origin}/authorize`);
			const redirect = `http://localhost:${started.callbackPort}/oauth/callback`;
			expect(Object.fromEntries(url.searchParams)).toMatchObject({
				response_type: "code",
				code_challenge_method: "S256",
				redirect_uri: redirect,
				scope: "console:view",
				resource: `${started.origin}/mcp`,
			});
			expect(url.searchParams.get("client_id")).toMatch(/^[\w-]{8,}$/);
			expect(url.searchParams.get("code_challenge")).toMatch(/^[\w-]{43}$/);
			expect(url.searchParams.get("state")).toBeTruthy();
			// It handed that URL to $BROWSER, a script standing in for the browser.
			expect(started.opened).toEqual([url.href]);

			// The URL is our approval page, naming the client it registered and where access goes.
			const page = await showPage(fetch, url.href);
			expect(page.res.status).toBe(200);
			expect(page.html).toContain(
				'<h1>Allow <span class="client">MCP CLI Proxy</span> to use these consoles?</h1>',
			);
			expect(page.html).toContain("Access will be sent to <b>localhost</b>.");
			expect(page.html).toContain("Access goes to an app on your own computer.");

			// The owner approves with the admin secret; the browser follows the redirect to the bridge.
			const approved = await submit(fetch, url.href, page, {
				secret: ADMIN_SECRET,
				scopes: ["console:view"],
			});
			expect(approved.status, await approved.clone().text()).toBe(302);
			const back = new URL(approved.headers.get("Location") ?? "about:blank");
			expect(`${back.origin}${back.pathname}`).toBe(redirect);
			expect(back.searchParams.get("state")).toBe(url.searchParams.get("state"));
			const landed = await fetch(back);
			expect(landed.status).toBe(200);
			expect(await landed.text()).toContain("Authorization successful!");

			// It swapped the code for a token and now proxies stdio to /mcp with it.
			const { responses, log } = await control<McpRemoteRpc>("/rpc", session);
			const [init, list, call] = responses as [
				{ result: { serverInfo: { name: string } } },
				{ result: { tools: { name: string }[] } },
				{ result: { content: { type: string; text: string }[]; isError?: boolean } },
			];
			expect(init.result.serverInfo.name, log).toBe("ikvm-mcp");
			expect(list.result.tools.map((t) => t.name)).toContain("list_servers");
			expect(call.result.isError ?? false).toBe(false);
			expect(call.result.content[0].text).toContain("demo");
		} finally {
			await control("/stop");
		}
	}, 60_000);
});
