/**
 * Who may use /mcp. A console tool shows whatever is on a server's screen, so
 * an exposed endpoint without a token is refused rather than served, and a
 * token too short to resist guessing is refused as a misconfiguration.
 */
import { isLoopbackHost, type Runtime, runtimeOf } from "../runtime.ts";

/** Shorter bearer tokens are refused: 32 random characters are beyond guessing online. */
export const MIN_TOKEN_LENGTH = 32;

/** Headers a reverse proxy adds: a request carrying one was relayed, so its peer is not its origin. */
const FORWARDING_HEADERS = ["Forwarded", "X-Forwarded-For", "X-Real-IP"];

/** 127.0.0.0/8, ::1 (either spelling) and IPv4-mapped 127.x. */
export function isLoopbackAddress(address: string): boolean {
	const a = address.trim().toLowerCase();
	if (a === "::1" || a === "0:0:0:0:0:0:0:1") return true;
	const v4 = /^(?:::ffff:)?127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(a);
	return v4?.slice(1).every((octet) => Number(octet) <= 255) === true;
}

/**
 * A request from this machine to this machine: the peer address the runtime
 * reports (CF-Connecting-IP; Cloudflare's edge always overwrites it with the
 * client's, so deployed it is never loopback) is loopback, the host asked for
 * is loopback, and no proxy relayed it. A missing address fails closed.
 *
 * `wrangler dev` fills CF-Connecting-IP from the socket only when the caller
 * did not send one, so under `--ip 0.0.0.0` a network peer can forge both it
 * and Host: tokenless serving is safe only on the default loopback binding.
 */
export function isLocalRequest(request: Request): boolean {
	const peer = request.headers.get("CF-Connecting-IP");
	if (peer === null || !isLoopbackAddress(peer)) return false;
	if (!isLoopbackHost(new URL(request.url))) return false;
	return !FORWARDING_HEADERS.some((name) => request.headers.has(name));
}

/** A secret long enough to serve with: set and at least MIN_TOKEN_LENGTH characters. */
export function isUsableSecret(secret: string | undefined): secret is string {
	return secret !== undefined && secret.length >= MIN_TOKEN_LENGTH;
}

/**
 * Returns the refusal when the request may not proceed, else null: 401 for a
 * missing or wrong credential, 503 when the deployment's token is too short.
 */
export async function checkAuth(
	request: Request,
	token: string | undefined,
): Promise<Response | null> {
	if (!token) {
		if (isLocalRequest(request)) return null;
		return unauthorized(
			"This ikvm-mcp deployment has no MCP_BEARER_TOKEN, so it only serves requests from this machine " +
				"(wrangler dev on its default loopback address). " +
				`${newTokenHint(runtimeOf(request.url))}, then send \`Authorization: Bearer <token>\`.`,
		);
	}
	if (!isUsableSecret(token)) {
		return Response.json(
			{
				error: "misconfigured",
				message:
					`This deployment's MCP_BEARER_TOKEN is shorter than ${MIN_TOKEN_LENGTH} characters, so it serves nothing. ` +
					`${newTokenHint(runtimeOf(request.url))}.`,
			},
			{ status: 503 },
		);
	}
	const header = request.headers.get("Authorization") ?? "";
	const match = /^Bearer\s+(.+)$/i.exec(header);
	if (!match) return unauthorized("Missing `Authorization: Bearer <token>` header.");
	if (!(await sameSecret(match[1].trim(), token))) return unauthorized("Invalid bearer token.");
	return null;
}

/** How to make a token where the Worker runs: .dev.vars under wrangler dev, a secret when deployed. */
function newTokenHint(runtime: Runtime): string {
	return runtime === "local"
		? "Make one with `openssl rand -hex 32`, put it in .dev.vars as MCP_BEARER_TOKEN=<token> and restart npm start"
		: "Make one with `openssl rand -hex 32 | npx wrangler secret put MCP_BEARER_TOKEN`";
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
