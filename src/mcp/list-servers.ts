import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { errorMessage, UserFacingError } from "../errors.ts";
import type { CallContext, Provider, ServerInfo } from "../providers/types.ts";
import { type Caller, requireScope } from "./caller.ts";
import { errorResult, type ToolResult } from "./tool-result.ts";

// A nullable field's inner schema carries its description: zod then writes
// anyOf [{type: "string", …}, {type: "null"}] instead of type ["string", "null"],
// which several MCP clients (and the MCP Inspector's warnings) do not accept.
const ServerSchema = z.object({
	id: z.string().describe("Pass this to get_screenshot as serverId"),
	name: z.string(),
	provider: z.string().describe("ovh, vnc or demo"),
	datacenter: z
		.string()
		.describe("Where the server is; null when the provider does not say")
		.nullable(),
	ip: z
		.string()
		.describe("Its address or host name; null when the provider does not say")
		.nullable(),
});

const OutputSchema = z.object({
	servers: z.array(ServerSchema),
	unavailable: z
		.array(z.object({ provider: z.string(), error: z.string() }))
		.describe("Providers that could not be listed just now, with the reason"),
});

export function registerListServers(
	server: McpServer,
	deps: { providers: () => Provider[]; toolTimeoutMs: () => number; caller: Caller },
): void {
	server.registerTool(
		"list_servers",
		{
			title: "List bare-metal servers",
			description:
				"Lists every bare-metal server whose console (BMC iKVM or VNC) this server can show you. " +
				"Call it first to learn the serverId to pass to get_screenshot. Returns a JSON array of " +
				"{id, name, provider, datacenter, ip}; datacenter and ip are null when the provider does not know them.",
			inputSchema: z.object({}),
			outputSchema: OutputSchema,
			annotations: { readOnlyHint: true, openWorldHint: true },
		},
		async (_args, ctx): Promise<ToolResult> => {
			let timer: ReturnType<typeof setTimeout> | undefined;
			try {
				requireScope(deps.caller, "console:view", "list_servers");
				const ms = deps.toolTimeoutMs();
				const deadline = new AbortController();
				timer = setTimeout(() => deadline.abort(new UserFacingError(timeoutMessage(ms))), ms);
				const signal = AbortSignal.any([ctx.mcpReq.signal, deadline.signal]);
				const { servers, unavailable } = await listAll(deps.providers(), { signal });
				const content: ToolResult["content"] = [{ type: "text", text: JSON.stringify(servers) }];
				for (const { provider, error } of unavailable) {
					content.push({ type: "text", text: `Could not list ${provider} servers: ${error}` });
				}
				return { content, structuredContent: { servers, unavailable } };
			} catch (error) {
				return errorResult(error);
			} finally {
				clearTimeout(timer);
			}
		},
	);
}

/**
 * Lists every provider at once. One provider failing (an OVH outage, say)
 * still shows the others' servers; only when all fail is the call an error.
 */
async function listAll(providers: Provider[], ctx: CallContext) {
	const settled = await Promise.allSettled(providers.map((p) => p.listServers(ctx)));
	const servers: ServerInfo[] = [];
	const unavailable: { provider: string; error: string }[] = [];
	settled.forEach((result, i) => {
		if (result.status === "fulfilled") servers.push(...result.value);
		else unavailable.push({ provider: providers[i].name, error: errorMessage(result.reason) });
	});
	if (unavailable.length > 0 && unavailable.length === providers.length) {
		throw new UserFacingError(unavailable.map((u) => `${u.provider}: ${u.error}`).join("\n"));
	}
	return { servers, unavailable };
}

function timeoutMessage(ms: number): string {
	return `No server list within ${ms / 1000} s (TOOL_TIMEOUT_SECONDS): a provider's API did not answer. Try again.`;
}
