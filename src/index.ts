/**
 * Worker entry: routing only. /mcp is the MCP endpoint (Streamable HTTP),
 * /health a liveness probe; each console is served by its ConsoleSession.
 */
import { createMcpHandler } from "agents/mcp/server";
import { parseLimits, parseSwitches } from "./config.ts";
import { checkAuth } from "./http/auth.ts";
import { FULL_ACCESS } from "./mcp/caller.ts";
import { createMcpServer } from "./mcp/server.ts";
import { createProviders } from "./providers/index.ts";

export { ConsoleSession } from "./console/session.ts";

export default {
	async fetch(request, env, ctx): Promise<Response> {
		const { pathname } = new URL(request.url);
		if (pathname === "/health") return Response.json({ ok: true, service: "ikvm-mcp" });
		if (pathname !== "/mcp")
			return new Response("Not found. The MCP endpoint is /mcp.\n", { status: 404 });

		const denied = await checkAuth(request, env.MCP_BEARER_TOKEN);
		if (denied) return denied;

		const handler = createMcpHandler(() =>
			createMcpServer({
				providers: () => createProviders(env),
				toolTimeoutMs: () => parseLimits(env).toolTimeoutMs,
				console: (name) => env.CONSOLE_SESSION.getByName(name),
				caller: FULL_ACCESS,
				switches: () => parseSwitches(env),
			}),
		);
		return handler(request, env, ctx);
	},
} satisfies ExportedHandler<Env>;
