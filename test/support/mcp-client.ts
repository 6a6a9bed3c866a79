import { createExecutionContext, env } from "cloudflare:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import worker from "../../src/index.ts";
import { testWorld } from "./test-worker.ts";

/** Env overrides a test runs the Worker with (secrets, settings). */
export type EnvOverrides = Partial<Record<keyof Env, unknown>>;

/** Calls the Worker's fetch directly, with the test's env overrides. */
export function workerFetch(overrides: EnvOverrides = {}) {
	const testEnv = { ...env, ...overrides } as Env;
	testWorld.envOverrides = overrides;
	return (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
		const request = new Request(input, init) as Parameters<typeof worker.fetch>[0];
		// Requests that arrive over HTTP always carry Host; constructed ones do not.
		if (!request.headers.has("Host")) request.headers.set("Host", new URL(request.url).host);
		return worker.fetch(request, testEnv, createExecutionContext());
	};
}

/** The MCP SDK's own client, speaking Streamable HTTP to the Worker. */
export async function connectClient(
	overrides: EnvOverrides = {},
	options: { url?: string; headers?: Record<string, string> } = {},
): Promise<Client> {
	const transport = new StreamableHTTPClientTransport(
		new URL(options.url ?? "http://localhost/mcp"),
		{
			fetch: workerFetch(overrides),
			requestInit: { headers: options.headers ?? {} },
		},
	);
	const client = new Client({ name: "ikvm-mcp-test", version: "1.0.0" });
	await client.connect(transport);
	return client;
}
