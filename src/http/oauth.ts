/**
 * OAuth 2.1 for hosted connectors, served by @cloudflare/workers-oauth-provider:
 * discovery metadata, dynamic client registration, the token endpoint (PKCE,
 * refresh, revocation) and token checks on /mcp. Ours are only the approval
 * page (approval.ts) and turning a grant into a Caller.
 */
import {
	getOAuthApi,
	OAuthError,
	OAuthProvider,
	type OAuthProviderOptions,
	type OAuthResourceAuth,
} from "@cloudflare/workers-oauth-provider";
import { type Caller, SCOPES, type Scope } from "../mcp/caller.ts";
import { type GrantProps, handleAuthorize, secretFingerprint } from "./approval.ts";

export const AUTHORIZE_PATH = "/authorize";
const TOKEN_PATH = "/oauth/token";
const REGISTER_PATH = "/oauth/register";

/** Serves /mcp for a verified caller (the Worker's MCP handler). */
export type McpService = (
	request: Request,
	env: Env,
	ctx: ExecutionContext,
	caller: Caller,
) => Promise<Response>;

/** Paths the OAuth provider answers besides /mcp. */
export function isOAuthPath(pathname: string): boolean {
	return (
		pathname === AUTHORIZE_PATH ||
		pathname === TOKEN_PATH ||
		pathname === REGISTER_PATH ||
		pathname.startsWith("/.well-known/oauth-")
	);
}

/**
 * Routes a request through the OAuth provider. `refusal` is the static-token
 * check's answer for /mcp: a 401's explanation becomes the body of the
 * provider's 401, whose WWW-Authenticate header points clients at the OAuth
 * metadata; any other refusal is the answer.
 */
export async function serveOAuth(
	request: Request,
	env: Env,
	ctx: ExecutionContext,
	mcp: McpService,
	refusal?: Response,
): Promise<Response> {
	// A deployment that cannot check credentials (too short a token: 503) serves no token at all.
	if (refusal && refusal.status !== 401) return refusal;
	const url = new URL(request.url);
	const provider = providerFor(url.origin, mcp);
	if (!provider) {
		// OAuth needs https (or loopback http, for wrangler dev); the static token still works.
		if (refusal) return pointAtHttps(refusal, url);
		return new Response(
			"OAuth needs https (or http on localhost). Serve this Worker over https.\n",
			{ status: 404 },
		);
	}
	const response = await provider.fetch(request, env, ctx);
	if (response.status === 401 && response.body === null && refusal) {
		const headers = new Headers(response.headers);
		headers.set("Content-Type", "application/json");
		return new Response(refusal.body, { status: 401, headers });
	}
	return response;
}

/**
 * A 401 for /mcp over plain http on a public host. The OAuth library serves
 * no metadata there, but the same host answers https (as Cloudflare serves
 * every Worker), so the challenge points a connector at that metadata and the
 * body says which URL to use.
 */
async function pointAtHttps(refusal: Response, url: URL): Promise<Response> {
	const https = `https://${url.hostname}`;
	const { error, message } = await refusal.json<{ error: string; message: string }>();
	// The refusal's own headers (CORS among them) stay, so a browser client can read why.
	const headers = new Headers(refusal.headers);
	headers.delete("Content-Length");
	headers.set(
		"WWW-Authenticate",
		`Bearer realm="ikvm-mcp", resource_metadata="${https}/.well-known/oauth-protected-resource/mcp"`,
	);
	return Response.json(
		{ error, message: `${message} OAuth for connectors is served over https: use ${https}/mcp.` },
		{ status: 401, headers },
	);
}

/**
 * One provider per origin: the resource every token is bound to is this
 * deployment's own /mcp URL, which only the request tells us (workers.dev,
 * a custom domain, or localhost under wrangler dev). A token issued for one
 * host name is refused on another.
 */
const providers = new Map<string, OAuthProvider<Env> | null>();

function providerFor(origin: string, mcp: McpService): OAuthProvider<Env> | null {
	let provider = providers.get(origin);
	if (provider === undefined) {
		provider = buildProvider(origin, mcp);
		if (providers.size >= 16) providers.clear();
		providers.set(origin, provider);
	}
	return provider;
}

function buildProvider(origin: string, mcp: McpService): OAuthProvider<Env> | null {
	// The provider also puts helpers on env.OAUTH_PROVIDER, but env outlives one
	// request and one origin; ours are built from this origin's options.
	const helpers = (env: Env) => getOAuthApi(options, env);
	const options: OAuthProviderOptions<Env> = {
		apiRoute: "/mcp",
		apiHandler: {
			async fetch(request, env, ctx) {
				const auth = (ctx as ExecutionContext & { auth: OAuthResourceAuth }).auth;
				const props = (ctx as ExecutionContext & { props: GrantProps }).props;
				if (props?.secret !== (await secretFingerprint(env.MCP_BEARER_TOKEN))) {
					// Approved under an admin secret that has since changed: revoke the grant,
					// then let the provider answer the now-unknown token with its 401.
					const [userId, grantId] = auth.token.split(":");
					await helpers(env).revokeGrant(grantId, userId);
					return provider.fetch(request, env, ctx);
				}
				return mcp(request, env, ctx, callerFromGrant(auth));
			},
		},
		defaultHandler: {
			fetch(request, env) {
				if (new URL(request.url).pathname === AUTHORIZE_PATH) {
					return handleAuthorize(request, env, helpers(env));
				}
				return new Response("Not found. The MCP endpoint is /mcp.\n", { status: 404 });
			},
		},
		authorizeEndpoint: AUTHORIZE_PATH,
		tokenEndpoint: TOKEN_PATH,
		clientRegistrationEndpoint: REGISTER_PATH,
		scopesSupported: [...SCOPES],
		// What a connector asks for first; the owner may tick more on the approval page.
		requiredScopes: ["console:view"],
		resourceMetadata: { resource: `${origin}/mcp`, resource_name: "ikvm-mcp" },
		async tokenExchangeCallback({ grantType, props, env }) {
			if (grantType !== "refresh_token") return;
			if (
				(props as GrantProps | undefined)?.secret !==
				(await secretFingerprint(env.MCP_BEARER_TOKEN))
			) {
				throw new OAuthError("invalid_grant", {
					description: "The deployment's admin secret changed; approve this connector again.",
				});
			}
		},
	};
	let provider: OAuthProvider<Env>;
	try {
		provider = new OAuthProvider<Env>(options);
	} catch (error) {
		// The library takes https resources, and http only on loopback hosts.
		if (origin.startsWith("https://")) throw error;
		return null;
	}
	return provider;
}

export function callerFromGrant(auth: OAuthResourceAuth): Caller {
	const known = new Set<string>(SCOPES);
	return {
		id: `oauth:${auth.clientId ?? "unknown"}`,
		scopes: new Set(auth.scope.filter((s): s is Scope => known.has(s))),
	};
}
