/**
 * Who may use /mcp. A console tool shows whatever is on a server's screen, so
 * an exposed endpoint without a token is refused rather than served.
 */
import { isLoopbackHost } from "../runtime.ts";

/** Returns a 401 response when the request may not proceed, else null. */
export async function checkAuth(
	request: Request,
	token: string | undefined,
): Promise<Response | null> {
	if (!token) {
		if (isLoopbackHost(new URL(request.url))) return null;
		return unauthorized(
			"This ikvm-mcp deployment has no MCP_BEARER_TOKEN, so it only serves loopback (wrangler dev). " +
				"Set one with `npx wrangler secret put MCP_BEARER_TOKEN`, then send `Authorization: Bearer <token>`.",
		);
	}
	const header = request.headers.get("Authorization") ?? "";
	const match = /^Bearer\s+(.+)$/i.exec(header);
	if (!match) return unauthorized("Missing `Authorization: Bearer <token>` header.");
	if (!(await sameSecret(match[1].trim(), token))) return unauthorized("Invalid bearer token.");
	return null;
}

/** Constant-time comparison: hash both sides so lengths leak nothing either. */
export async function sameSecret(given: string, expected: string): Promise<boolean> {
	const enc = new TextEncoder();
	const [a, b] = await Promise.all([
		crypto.subtle.digest("SHA-256", enc.encode(given)),
		crypto.subtle.digest("SHA-256", enc.encode(expected)),
	]);
	return crypto.subtle.timingSafeEqual(a, b);
}

function unauthorized(message: string): Response {
	return Response.json(
		{ error: "unauthorized", message },
		{ status: 401, headers: { "WWW-Authenticate": 'Bearer realm="ikvm-mcp"' } },
	);
}
