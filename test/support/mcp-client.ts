import { createExecutionContext, env } from "cloudflare:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import worker from "../../src/index.ts";
import { testWorld } from "./test-worker.ts";

/** Env overrides a test runs the Worker with (secrets, settings). */
export type EnvOverrides = Partial<Record<keyof Env, unknown>>;

/**
 * Where a request comes from. `peer` is the caller's address as the runtime
 * reports it in CF-Connecting-IP (wrangler dev sets it from the socket unless
 * the caller sent one); null leaves the header out.
 */
export interface Arrival {
	peer?: string | null;
}

/** Calls the Worker's fetch directly, with the test's env overrides, as a caller on this machine by default. */
export function workerFetch(overrides: EnvOverrides = {}, { peer = "127.0.0.1" }: Arrival = {}) {
	const testEnv = { ...env, ...overrides } as Env;
	testWorld.envOverrides = overrides;
	return (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
		const request = new Request(input, init) as Parameters<typeof worker.fetch>[0];
		// Requests that arrive over HTTP always carry Host; constructed ones do not.
		if (!request.headers.has("Host")) request.headers.set("Host", new URL(request.url).host);
		if (peer !== null && !request.headers.has("CF-Connecting-IP")) {
			request.headers.set("CF-Connecting-IP", peer);
		}
		return worker.fetch(request, testEnv, createExecutionContext());
	};
}

/** A raw MCP initialize POST, a client's first request, with `headers` added (e.g. Authorization). */
export function initializeRequest(headers: Record<string, string> = {}): RequestInit {
	return {
		method: "POST",
		headers: {
			"Content-Type": "application/json",
			Accept: "application/json, text/event-stream",
			...headers,
		},
		body: JSON.stringify({
			jsonrpc: "2.0",
			id: 1,
			method: "initialize",
			params: {
				protocolVersion: "2025-06-18",
				capabilities: {},
				clientInfo: { name: "t", version: "1" },
			},
		}),
	};
}

/** The MCP SDK's own client, speaking Streamable HTTP to the Worker. */
export async function connectClient(
	overrides: EnvOverrides = {},
	options: { url?: string; headers?: Record<string, string> } & Arrival = {},
): Promise<Client> {
	const transport = new StreamableHTTPClientTransport(
		new URL(options.url ?? "http://localhost/mcp"),
		{
			fetch: workerFetch(overrides, options),
			requestInit: { headers: options.headers ?? {} },
		},
	);
	const client = new Client({ name: "ikvm-mcp-test", version: "1.0.0" });
	await client.connect(transport);
	return client;
}
