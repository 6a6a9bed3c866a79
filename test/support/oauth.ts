/**
 * An OAuth client for tests, speaking HTTP to the Worker: dynamic
 * registration, PKCE, the approval form as a browser would post it, and the
 * token endpoint. The MCP SDK's own OAuth client is used where a test is
 * about the SDK's flow; this one is for the cases the SDK would never send.
 */
import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import type {
	OAuthClientInformationMixed,
	OAuthClientMetadata,
	OAuthTokens,
} from "@modelcontextprotocol/sdk/shared/auth.js";

export type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** A secret as long as a real one must be. */
export const ADMIN_SECRET = "test-admin-secret-0123456789abcdefghijkl";
export const REDIRECT = "http://127.0.0.1:33418/callback";

export async function register(
	fetch: Fetch,
	origin: string,
	metadata: Partial<OAuthClientMetadata> = {},
): Promise<string> {
	const res = await fetch(`${origin}/oauth/register`, {
		method: "POST",
		headers: { "Content-Type": "application/json" },
		body: JSON.stringify({
			client_name: "Test connector",
			redirect_uris: [REDIRECT],
			token_endpoint_auth_method: "none",
			grant_types: ["authorization_code", "refresh_token"],
			response_types: ["code"],
			...metadata,
		}),
	});
	if (res.status !== 201) throw new Error(`registration: ${res.status} ${await res.text()}`);
	return ((await res.json()) as { client_id: string }).client_id;
}

export interface Pkce {
	verifier: string;
	challenge: string;
}

export async function pkce(): Promise<Pkce> {
	const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
	const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
	return { verifier, challenge: base64url(new Uint8Array(digest)) };
}

export function authorizeUrl(
	origin: string,
	clientId: string,
	challenge: string,
	options: { redirect?: string; scope?: string; state?: string } = {},
): string {
	const q = new URLSearchParams({
		response_type: "code",
		client_id: clientId,
		redirect_uri: options.redirect ?? REDIRECT,
		code_challenge: challenge,
		code_challenge_method: "S256",
		state: options.state ?? "st4te",
		scope: options.scope ?? "console:view",
		resource: `${origin}/mcp`,
	});
	return `${origin}/authorize?${q}`;
}

/** The approval page as served, with what a browser would keep from it. */
export interface ShownPage {
	res: Response;
	html: string;
	handle: string;
	cookie: string;
}

export async function showPage(fetch: Fetch, url: string): Promise<ShownPage> {
	const res = await fetch(url);
	const html = await res.text();
	const handle = /name="handle" value="([^"]+)"/.exec(html)?.[1] ?? "";
	const cookie = res.headers
		.getSetCookie()
		.map((c) => c.split(";")[0])
		.join("; ");
	return { res, html, handle, cookie };
}

/** Posts the approval form back as a browser would. */
export function submit(
	fetch: Fetch,
	url: string,
	page: Pick<ShownPage, "handle" | "cookie">,
	form: { secret: string; scopes: string[]; address?: string; origin?: string },
): Promise<Response> {
	const body = new URLSearchParams({ handle: page.handle, secret: form.secret });
	for (const scope of form.scopes) body.append("scope", scope);
	return fetch(url, {
		method: "POST",
		redirect: "manual",
		headers: {
			"Content-Type": "application/x-www-form-urlencoded",
			Cookie: page.cookie,
			Origin: form.origin ?? new URL(url).origin,
			"CF-Connecting-IP": form.address ?? "192.0.2.1",
		},
		body,
	});
}

/** Shows the page and approves it: the code from the redirect to the client. */
export async function approve(
	fetch: Fetch,
	url: string,
	scopes: string[] = ["console:view"],
	address = "192.0.2.1",
): Promise<string> {
	const page = await showPage(fetch, url);
	const res = await submit(fetch, url, page, { secret: ADMIN_SECRET, scopes, address });
	const location = res.headers.get("Location");
	if (res.status !== 302 || !location)
		throw new Error(`approval: ${res.status} ${await res.text()}`);
	const code = new URL(location).searchParams.get("code");
	if (!code) throw new Error(`no code in ${location}`);
	return code;
}

export function token(fetch: Fetch, origin: string, params: Record<string, string>) {
	return fetch(`${origin}/oauth/token`, {
		method: "POST",
		headers: { "Content-Type": "application/x-www-form-urlencoded" },
		body: new URLSearchParams(params),
	});
}

/** Registration to a token in one go, for tests that need a working token. */
export async function obtainTokens(
	fetch: Fetch,
	origin: string,
	scopes: string[] = ["console:view"],
): Promise<OAuthTokens & { client_id: string }> {
	const clientId = await register(fetch, origin);
	const { verifier, challenge } = await pkce();
	const code = await approve(fetch, authorizeUrl(origin, clientId, challenge), scopes);
	const res = await token(fetch, origin, {
		grant_type: "authorization_code",
		code,
		redirect_uri: REDIRECT,
		client_id: clientId,
		code_verifier: verifier,
	});
	if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
	return { ...((await res.json()) as OAuthTokens), client_id: clientId };
}

/** The SDK's client-side OAuth state, in memory; it records where it was sent to authorize. */
export class MemoryOAuthClient implements OAuthClientProvider {
	info?: OAuthClientInformationMixed;
	saved?: OAuthTokens;
	verifier = "";
	authorizationUrl?: URL;

	get redirectUrl(): string {
		return REDIRECT;
	}
	get clientMetadata(): OAuthClientMetadata {
		return {
			client_name: "SDK test connector",
			redirect_uris: [REDIRECT],
			token_endpoint_auth_method: "none",
			grant_types: ["authorization_code", "refresh_token"],
			response_types: ["code"],
		};
	}
	clientInformation() {
		return this.info;
	}
	saveClientInformation(info: OAuthClientInformationMixed) {
		this.info = info;
	}
	tokens() {
		return this.saved;
	}
	saveTokens(tokens: OAuthTokens) {
		this.saved = tokens;
	}
	redirectToAuthorization(url: URL) {
		this.authorizationUrl = url;
	}
	saveCodeVerifier(verifier: string) {
		this.verifier = verifier;
	}
	codeVerifier() {
		return this.verifier;
	}
}

function base64url(bytes: Uint8Array): string {
	return btoa(String.fromCharCode(...bytes))
		.replace(/\+/g, "-")
		.replace(/\//g, "_")
		.replace(/=+$/, "");
}
