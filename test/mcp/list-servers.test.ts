import { createExecutionContext } from "cloudflare:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { createMcpHandler } from "agents/mcp/server";
import { describe, expect, it } from "vitest";
import { FULL_ACCESS } from "../../src/mcp/caller.ts";
import { createMcpServer } from "../../src/mcp/server.ts";
import { DemoProvider } from "../../src/providers/demo/provider.ts";
import type { Provider } from "../../src/providers/types.ts";
import { connectClient } from "../support/mcp-client.ts";

describe("list_servers through the MCP SDK client", () => {
	it("lists the demo BMC when nothing else is configured", async () => {
		const client = await connectClient();
		const { tools } = await client.listTools();
		const tool = tools.find((t) => t.name === "list_servers");
		expect(tool?.description).toMatch(/serverId/);
		expect(tool?.outputSchema).toBeDefined();

		const result = await client.callTool({ name: "list_servers", arguments: {} });
		expect(result.isError).toBeFalsy();
		const content = result.content as { type: string; text: string }[];
		const servers = JSON.parse(content[0].text);
		expect(servers).toEqual([
			expect.objectContaining({
				id: "demo-ami-bmc",
				provider: "demo",
				datacenter: "embedded",
				ip: null,
			}),
		]);
		expect(result.structuredContent).toEqual({ servers, unavailable: [] });
		await client.close();
	});

	it("explains what to configure when there is no provider at all", async () => {
		const client = await connectClient({ DEMO: "off" });
		const result = await client.callTool({ name: "list_servers", arguments: {} });
		expect(result.isError).toBe(true);
		const [{ text }] = result.content as { text: string }[];
		expect(text).toMatch(/No console provider is configured/);
		expect(text).toMatch(/OVH_APPLICATION_KEY/);
		await client.close();
	});

	it("reports a malformed setting as a tool error, not a 500", async () => {
		const client = await connectClient({ DEMO: "maybe" });
		const result = await client.callTool({ name: "list_servers", arguments: {} });
		expect(result.isError).toBe(true);
		expect((result.content as { text: string }[])[0].text).toMatch(/DEMO must be auto, on or off/);
		await client.close();
	});
});

describe("get_screenshot input validation", () => {
	for (const [label, serverId, pattern] of [
		["empty", "", /serverId is empty/],
		["oversized", "x".repeat(500), /longer than 128/],
		["odd characters", "../../etc/passwd", /characters no server id uses/],
	] as const) {
		it(`rejects an ${label} serverId with a clear tool error`, async () => {
			const client = await connectClient();
			const result = await client.callTool({ name: "get_screenshot", arguments: { serverId } });
			expect(result.isError).toBe(true);
			expect((result.content as { text: string }[])[0].text).toMatch(pattern);
			await client.close();
		});
	}

	it("rejects an unknown serverId naming list_servers", async () => {
		const client = await connectClient();
		const result = await client.callTool({
			name: "get_screenshot",
			arguments: { serverId: "ns999.ip-1-2-3.eu" },
		});
		expect(result.isError).toBe(true);
		expect((result.content as { text: string }[])[0].text).toMatch(/list_servers/);
		await client.close();
	});
});

describe("list_servers with a provider that never answers", () => {
	it("ends at the deadline naming TOOL_TIMEOUT_SECONDS, and still shows the providers that answered", async () => {
		const hanging: Provider = {
			name: "ovh",
			owns: () => true,
			hasServer: async () => true,
			inputPolicy: () => "operator",
			powerUnavailable: () => null,
			listServers: ({ signal }) =>
				new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason))),
			openConsole: () => Promise.reject(new Error("not used")),
		};
		const connect = async (providers: Provider[]) => {
			const handler = createMcpHandler(() =>
				createMcpServer({
					runtime: "local",
					providers: () => providers,
					toolTimeoutMs: () => 300,
					caller: FULL_ACCESS,
					switches: () => ({ input: false, power: false }),
					console: () => {
						throw new Error("not used");
					},
				}),
			);
			const transport = new StreamableHTTPClientTransport(new URL("http://localhost/mcp"), {
				fetch: (input, init) => {
					const request = new Request(input, init);
					request.headers.set("Host", "localhost");
					return handler(request, {}, createExecutionContext());
				},
			});
			const client = new Client({ name: "t", version: "1" });
			await client.connect(transport);
			return client;
		};

		const alone = await connect([hanging]);
		const failed = await alone.callTool({ name: "list_servers", arguments: {} });
		expect(failed.isError).toBe(true);
		expect((failed.content as { text: string }[])[0].text).toBe(
			"ovh: No server list within 0.3 s (TOOL_TIMEOUT_SECONDS): a provider's API did not answer. Try again.",
		);
		await alone.close();

		const mixed = await connect([new DemoProvider(), hanging]);
		const partial = await mixed.callTool({ name: "list_servers", arguments: {} });
		expect(partial.isError).toBeFalsy();
		expect(partial.structuredContent).toMatchObject({
			servers: [{ id: "demo-ami-bmc" }],
			unavailable: [
				{ provider: "ovh", error: expect.stringMatching(/No server list within 0\.3 s/) },
			],
		});
		await mixed.close();
	});
});
