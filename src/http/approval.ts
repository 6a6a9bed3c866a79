/**
 * The authorization endpoint (/authorize): the library validates the request
 * and keeps it server-side; this shows the approval page, checks the admin
 * secret (MCP_BEARER_TOKEN) and grants the scopes the owner ticked.
 */
import {
	AuthorizationError,
	type AuthRequest,
	CimdFetchError,
	type OAuthHelpers,
} from "@cloudflare/workers-oauth-provider";
import { parseSwitches } from "../config.ts";
import { SCOPES, type Scope } from "../mcp/caller.ts";
import { runtimeOf } from "../runtime.ts";
import { approvalPage, problemPage, securityHeaders, setupPage } from "./approval-page.ts";
import { isUsableSecret, sameSecret } from "./auth.ts";
import { addressKey } from "./secret-attempts.ts";

/** Every approval is the deployment owner's: there is one identity, the admin secret's holder. */
export const OWNER = "owner";

/** What a grant remembers: which admin secret approved it (a hash), so rotating the secret revokes it. */
export interface GrantProps {
	secret: string;
}

export async function handleAuthorize(
	request: Request,
	env: Env,
	oauth: OAuthHelpers,
): Promise<Response> {
	const deployment = new URL(request.url).host;
	if (request.method !== "GET" && request.method !== "POST") {
		return new Response("Method not allowed\n", { status: 405, headers: { Allow: "GET, POST" } });
	}
	let authRequest: AuthRequest;
	try {
		authRequest = await oauth.parseAuthRequest(request);
	} catch (error) {
		if (error instanceof AuthorizationError && error.redirectTo) {
			return Response.redirect(error.redirectTo, 302);
		}
		if (error instanceof AuthorizationError || error instanceof CimdFetchError) {
			const message =
				error instanceof AuthorizationError
					? error.description
					: "The app's metadata document could not be fetched.";
			return page(400, problemPage(deployment, "This request cannot be approved", message));
		}
		throw error;
	}
	const consent = await oauth.describeConsent(authRequest);
	const redirectOrigin = new URL(consent.redirectUri).origin;
	const secret = env.MCP_BEARER_TOKEN;
	// Too short a secret is treated as none: /mcp refuses to serve with it anyway.
	if (!isUsableSecret(secret))
		return page(503, setupPage(deployment, consent.clientName, runtimeOf(request.url)));

	const switchedOff = offSwitches(env);
	if (request.method === "GET") {
		const transaction = await oauth.beginConsent(authRequest);
		const body = approvalPage({
			consent,
			handle: transaction.handle,
			deployment,
			ticked: new Set<Scope>(["console:view"]),
			switchedOff,
		});
		return page(200, body, redirectOrigin, transaction.headers);
	}

	// A cross-site post cannot carry the consent cookie (SameSite=Lax); refuse it early anyway.
	const origin = request.headers.get("Origin");
	if (origin !== null && origin !== new URL(request.url).origin) {
		return page(403, problemPage(deployment, "Refused", "This form was posted from another site."));
	}
	const form = await request.formData();
	const handle = String(form.get("handle") ?? "");
	const ticked = new Set(
		form
			.getAll("scope")
			.map(String)
			.filter((s): s is Scope => (SCOPES as readonly string[]).includes(s)),
	);
	const again = (status: number, error: string, headers?: HeadersInit) =>
		page(
			status,
			approvalPage({ consent, handle, deployment, ticked, error, switchedOff }),
			redirectOrigin,
			headers,
		);

	const attempts = env.SECRET_ATTEMPTS.getByName(addressKey(request));
	const verdict = await attempts.attempt();
	if (!verdict.allowed) {
		const minutes = Math.ceil(verdict.retryAfterSeconds / 60);
		return again(
			429,
			`Too many wrong secrets from your address. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
			{ "Retry-After": String(verdict.retryAfterSeconds) },
		);
	}
	if (!(await sameSecret(String(form.get("secret") ?? ""), secret))) {
		return again(401, "That is not this deployment's admin secret.");
	}
	await attempts.succeeded();
	if (ticked.size === 0) return again(400, "Tick at least one kind of access.");

	let approved: Awaited<ReturnType<OAuthHelpers["approveConsent"]>>;
	try {
		approved = await oauth.approveConsent(request, handle, { scope: [...ticked] });
	} catch (error) {
		if (!(error instanceof AuthorizationError)) throw error;
		return page(
			400,
			problemPage(
				deployment,
				"This approval page has expired",
				"It was already used, is older than ten minutes, or was opened in another browser. Connect again from the app.",
			),
		);
	}
	const props: GrantProps = { secret: await secretFingerprint(secret) };
	const { redirectTo } = await oauth.completeAuthorization({
		request: approved.request,
		userId: OWNER,
		metadata: { client: consent.clientName.slice(0, 100), approvedAt: new Date().toISOString() },
		scope: approved.request.scope,
		props,
	});
	approved.headers.set("Location", redirectTo);
	return new Response(null, { status: 302, headers: approved.headers });
}

/** A grant made with another admin secret than today's is no longer valid. */
export async function secretFingerprint(secret: string | undefined): Promise<string> {
	const digest = await crypto.subtle.digest(
		"SHA-256",
		new TextEncoder().encode(`ikvm-mcp grant\0${secret ?? ""}`),
	);
	return btoa(String.fromCharCode(...new Uint8Array(digest)));
}

function offSwitches(env: Env): Set<Scope> {
	const off = new Set<Scope>();
	try {
		const switches = parseSwitches(env);
		if (!switches.input) off.add("console:input");
		if (!switches.power) off.add("console:power");
	} catch {
		// A malformed switch is reported by the tools that read it; here it just counts as off.
		off.add("console:input");
		off.add("console:power");
	}
	return off;
}

async function page(
	status: number,
	body: string,
	redirectOrigin?: string,
	extra?: HeadersInit,
): Promise<Response> {
	const headers = new Headers(extra);
	for (const [name, value] of await securityHeaders(redirectOrigin)) headers.set(name, value);
	return new Response(body, { status, headers });
}
