/**
 * CORS for /mcp, so browser-based MCP clients can connect. A preflight is
 * answered before auth: it carries no credentials and gets only permission to
 * ask. Any origin may send a bearer token it holds (tokens are not ambient
 * credentials like cookies), so the caller's Origin is reflected, as the OAuth
 * provider does for its own answers.
 */

const ALLOW_HEADERS =
	"Authorization, Content-Type, Accept, Mcp-Session-Id, Mcp-Protocol-Version, Last-Event-ID";
const EXPOSE_HEADERS = ["WWW-Authenticate", "Retry-After", "Mcp-Session-Id"];

/** The answer to an OPTIONS preflight. */
export function preflight(request: Request): Response {
	return withCors(new Response(null, { status: 204 }), request);
}

/** Lets a browser read `response` (a refusal, typically): headers already set are kept. */
export function withCors(response: Response, request: Request): Response {
	const origin = request.headers.get("Origin");
	if (!origin) return response;
	const cors = new Response(response.body, response);
	const setUnlessPresent = (name: string, value: string) => {
		if (!cors.headers.has(name)) cors.headers.set(name, value);
	};
	setUnlessPresent("Access-Control-Allow-Origin", origin);
	setUnlessPresent("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS");
	setUnlessPresent("Access-Control-Allow-Headers", ALLOW_HEADERS);
	setUnlessPresent("Access-Control-Max-Age", "86400");
	appendListValue(cors.headers, "Vary", "Origin");
	for (const name of EXPOSE_HEADERS)
		appendListValue(cors.headers, "Access-Control-Expose-Headers", name);
	return cors;
}

function appendListValue(headers: Headers, name: string, value: string): void {
	const values = (headers.get(name) ?? "")
		.split(",")
		.map((v) => v.trim())
		.filter(Boolean);
	if (!values.some((v) => v.toLowerCase() === value.toLowerCase())) values.push(value);
	headers.set(name, values.join(", "));
}
