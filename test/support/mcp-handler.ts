import { createExecutionContext, env } from "cloudflare:test";
import {
	type ElicitResult,
	Client as ModernClient,
	StreamableHTTPClientTransport as ModernTransport,
} from "@modelcontextprotocol/client";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { McpServer } from "@modelcontextprotocol/server";
import { createMcpHandler } from "agents/mcp/server";
import type { Switches } from "../../src/config.ts";
import type { Caller } from "../../src/mcp/caller.ts";
import { createMcpServer } from "../../src/mcp/server.ts";
import { DemoProvider } from "../../src/providers/demo/provider.ts";

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

/**
 * The MCP SDK's client on a server with the demo provider whose console must
 * never be asked (the guards under test refuse first): `asked` records each
 * console it was asked for anyway, and that ask throws.
 */
export async function connectWithConsoleUnasked(
	caller: Caller,
	switches: Switches,
): Promise<{ client: Client; asked: string[] }> {
	const asked: string[] = [];
	const client = await connectToServer(() =>
		createMcpServer({
			runtime: "local",
			providers: () => [new DemoProvider()],
			toolTimeoutMs: () => 5000,
			caller,
			switches: () => switches,
			console: (name) => {
				asked.push(name);
				throw new Error("the console must not be asked");
			},
		}),
	);
	return { client, asked };
}

/**
 * A client of the newer MCP SDK that can ask its user (form elicitation),
 * connected through `fetch`: every question is recorded in `asked` and
 * answered with `answer`.
 */
export async function connectAskingClient(
	fetch: ReturnType<typeof mcpServerFetch>,
	answer: ElicitResult,
): Promise<{ client: ModernClient; asked: string[] }> {
	const client = new ModernClient(
		{ name: "modern", version: "1" },
		{ capabilities: { elicitation: { form: {} } }, versionNegotiation: { mode: "auto" } },
	);
	const asked: string[] = [];
	client.setRequestHandler("elicitation/create", async (request) => {
		asked.push((request.params as { message: string }).message);
		return answer;
	});
	await client.connect(new ModernTransport(new URL("http://localhost/mcp"), { fetch }));
	return { client, asked };
}
