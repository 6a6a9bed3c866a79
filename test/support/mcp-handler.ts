import { createExecutionContext, env } from "cloudflare:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { McpServer } from "@modelcontextprotocol/server";
import { createMcpHandler } from "agents/mcp/server";

/** A fetch that serves `factory`'s MCP server the way the Worker does, without the Worker around it. */
export function mcpServerFetch(factory: () => McpServer) {
	const handler = createMcpHandler(factory);
	return (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
		const request = new Request(input, init);
		// Requests that arrive over HTTP always carry Host; constructed ones do not.
		request.headers.set("Host", new URL(request.url).host);
		return handler(request, env, createExecutionContext());
	};
}

/** The MCP SDK's client connected to `factory`'s server. */
export async function connectToServer(factory: () => McpServer): Promise<Client> {
	const client = new Client({ name: "ikvm-mcp-test", version: "1.0.0" });
	const fetch = mcpServerFetch(factory);
	await client.connect(
		new StreamableHTTPClientTransport(new URL("http://localhost/mcp"), { fetch }),
	);
	return client;
}
