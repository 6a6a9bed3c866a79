/**
 * Worker entry: routing only. /mcp is the MCP endpoint (Streamable HTTP),
 * taking the static bearer token or an OAuth token (src/http/oauth.ts, which
 * also serves discovery, registration, tokens and the approval page);
 * /health is a liveness probe; each console is served by its ConsoleSession.
 */
import { createMcpHandler } from "agents/mcp/server";
import { parseLimits, parseSwitches } from "./config.ts";
import { checkAuth } from "./http/auth.ts";
import { preflight, withCors } from "./http/cors.ts";
import { isOAuthPath, type McpService, serveOAuth } from "./http/oauth.ts";
import { FULL_ACCESS, LOOPBACK_ACCESS } from "./mcp/caller.ts";
import { createMcpServer } from "./mcp/server.ts";
import { createProviders } from "./providers/index.ts";
import { runtimeOf } from "./runtime.ts";

export { ConsoleSession } from "./console/session.ts";
export { SecretAttempts } from "./http/secret-attempts.ts";

const serveMcp: McpService = (request, env, ctx, caller) => {
	const runtime = runtimeOf(request.url);
	return createMcpHandler(() =>
		createMcpServer({
			runtime,
			providers: () => createProviders(env, runtime),
			toolTimeoutMs: () => parseLimits(env).toolTimeoutMs,
			console: (name) => env.CONSOLE_SESSION.getByName(name),
			caller,
			switches: () => parseSwitches(env),
		}),
	)(request, env, ctx);
};

export default {
	async fetch(request, env, ctx): Promise<Response> {
		const { pathname } = new URL(request.url);
		if (pathname === "/health") return Response.json({ ok: true, service: "ikvm-mcp" });
		if (pathname === "/mcp") {
			if (request.method === "OPTIONS") return preflight(request);
			const refusal = await checkAuth(request, env.MCP_BEARER_TOKEN);
			// No refusal without a token means a loopback peer (checkAuth); with one, a valid bearer.
			const caller = env.MCP_BEARER_TOKEN ? FULL_ACCESS : LOOPBACK_ACCESS;
			if (!refusal) return serveMcp(request, env, ctx, caller);
			return serveOAuth(request, env, ctx, serveMcp, withCors(refusal, request));
		}
		if (isOAuthPath(pathname)) return serveOAuth(request, env, ctx, serveMcp);
		return new Response("Not found. The MCP endpoint is /mcp.\n", { status: 404 });
	},
} satisfies ExportedHandler<Env>;
