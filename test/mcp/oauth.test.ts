import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MAX_FAILURES } from "../../src/http/secret-attempts.ts";
import { initializeRequest, workerFetch } from "../support/mcp-client.ts";
import {
	ADMIN_SECRET,
	approve,
	authorizeUrl,
	MemoryOAuthClient,
	obtainTokens,
	pkce,
	REDIRECT,
	register,
	showPage,
	submit,
	token,
} from "../support/oauth.ts";

const ORIGIN = "https://ikvm.example.com";
const MCP = `${ORIGIN}/mcp`;
const METADATA = `${ORIGIN}/.well-known/oauth-protected-resource/mcp`;
const deployment = () => workerFetch({ MCP_BEARER_TOKEN: ADMIN_SECRET });

/** An MCP initialize with `accessToken` as its bearer. */
const initializeWith = (accessToken: string) =>
	deployment()(MCP, initializeRequest({ Authorization: `Bearer ${accessToken}` }));

/** A 401 that sends an MCP client to our OAuth metadata (on `origin`). */
function expectChallenge(res: Response, origin = ORIGIN) {
	expect(res.status).toBe(401);
	const challenge = res.headers.get("WWW-Authenticate");
	expect(challenge).toMatch(/^Bearer /);
	expect(challenge).toContain(
		`resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp"`,
	);
}

async function sdkClient(oauth: MemoryOAuthClient) {
	const transport = new StreamableHTTPClientTransport(new URL(MCP), {
		authProvider: oauth,
		fetch: deployment(),
	});
	const client = new Client({ name: "ikvm-mcp-oauth-test", version: "1.0.0" });
	return { client, transport };
}

afterEach(() => {
	vi.useRealTimers();
});

describe("OAuth with the MCP SDK's client", () => {
	it("discovers, registers, is approved through the form, calls a tool, refreshes", async () => {
		const oauth = new MemoryOAuthClient();
		const first = await sdkClient(oauth);
		await expect(first.client.connect(first.transport)).rejects.toThrow(/Unauthorized/i);

		// Discovery and registration happened; the SDK now sends the owner to the approval page.
		expect(oauth.info?.client_id).toBeTruthy();
		const url = oauth.authorizationUrl;
		expect(url?.origin + (url?.pathname ?? "")).toBe(`${ORIGIN}/authorize`);
		expect(url?.searchParams.get("scope")).toBe("console:view");
		expect(url?.searchParams.get("code_challenge_method")).toBe("S256");

		const code = await approve(deployment(), String(url));
		await first.transport.finishAuth(code);
		expect(oauth.saved?.access_token).toBeTruthy();
		expect(oauth.saved?.refresh_token).toBeTruthy();
		expect(oauth.saved?.scope).toBe("console:view");

		const second = await sdkClient(oauth);
		await second.client.connect(second.transport);
		const listed = await second.client.callTool({ name: "list_servers", arguments: {} });
		expect(listed.isError).toBeFalsy();
		expect(JSON.stringify(listed.content)).toContain("demo");

		// The access token stops working; the SDK refreshes on the 401 and retries.
		const before = oauth.saved;
		oauth.saved = { ...(before as NonNullable<typeof before>), access_token: "owner:gone:gone" };
		const again = await second.client.callTool({ name: "list_servers", arguments: {} });
		expect(again.isError).toBeFalsy();
		expect(oauth.saved?.access_token).not.toBe("owner:gone:gone");
		expect(oauth.saved?.access_token).not.toBe(before?.access_token);
		await second.client.close();
	});

	it("a tool outside the approved scopes answers with an error naming the scope", async () => {
		const oauth = new MemoryOAuthClient();
		const first = await sdkClient(oauth);
		await expect(first.client.connect(first.transport)).rejects.toThrow(/Unauthorized/i);
		// The owner unticks console:view and grants typing only.
		const code = await approve(deployment(), String(oauth.authorizationUrl), ["console:input"]);
		await first.transport.finishAuth(code);
		expect(oauth.saved?.scope).toBe("console:input");

		const second = await sdkClient(oauth);
		await second.client.connect(second.transport);
		for (const [name, args] of [
			["list_servers", {}],
			["get_screenshot", { serverId: "demo-1" }],
		] as const) {
			const result = await second.client.callTool({ name, arguments: args });
			expect(result.isError).toBe(true);
			expect(JSON.stringify(result.content)).toContain(`${name} needs the console:view scope`);
		}
		await second.client.close();
	});
});

describe("OAuth discovery", () => {
	it("publishes authorization-server and protected-resource metadata", async () => {
		const as = await (await deployment()(`${ORIGIN}/.well-known/oauth-authorization-server`)).json<
			Record<string, unknown>
		>();
		expect(as).toMatchObject({
			issuer: ORIGIN,
			authorization_endpoint: `${ORIGIN}/authorize`,
			token_endpoint: `${ORIGIN}/oauth/token`,
			registration_endpoint: `${ORIGIN}/oauth/register`,
			code_challenge_methods_supported: ["S256"],
		});
		expect(as.scopes_supported).toEqual(["console:view", "console:input", "console:power"]);
		const pr = await (await deployment()(METADATA)).json<Record<string, unknown>>();
		expect(pr).toMatchObject({ resource: MCP, authorization_servers: [ORIGIN] });
		expect(pr.scopes_supported).toEqual(["console:view"]);
	});

	it("every 401 from /mcp points at the metadata, and keeps saying how to authenticate", async () => {
		const none = await deployment()(MCP, { method: "POST", body: "{}" });
		expectChallenge(none);
		expect(await none.text()).toContain("Authorization: Bearer");
		expectChallenge(await initializeWith("not-a-token"));
		expectChallenge(await initializeWith("owner:forged:token"));
		// Another scheme, and the other methods of the endpoint (the SSE stream, ending a session).
		const basic = { Authorization: "Basic YWRtaW46YWRtaW4=" };
		expectChallenge(await deployment()(MCP, { method: "POST", headers: basic, body: "{}" }));
		expectChallenge(await deployment()(MCP, { headers: { Accept: "text/event-stream" } }));
		expectChallenge(await deployment()(MCP, { method: "DELETE" }));
		// A deployment without any secret answers the same way on a public host.
		expectChallenge(await workerFetch()(MCP, { method: "POST", body: "{}" }));
		// Under wrangler dev the metadata is on loopback http.
		for (const origin of ["http://localhost:8787", "http://127.0.0.1:8787"]) {
			expectChallenge(await deployment()(`${origin}/mcp`, { method: "POST", body: "{}" }), origin);
		}
	});

	it("over plain http on a public host, the 401 points at the https deployment's metadata", async () => {
		for (const fetchWorker of [deployment(), workerFetch()]) {
			const res = await fetchWorker("http://ikvm.example.com/mcp", { method: "POST", body: "{}" });
			expectChallenge(res);
			const body = await res.json<{ error: string; message: string }>();
			expect(body.error).toBe("unauthorized");
			expect(body.message).toMatch(/Authorization: Bearer|MCP_BEARER_TOKEN/);
			expect(body.message).toContain(
				"OAuth for connectors is served over https: use https://ikvm.example.com/mcp.",
			);
		}
		// And that metadata is served there.
		const metadata = await deployment()(METADATA);
		expect(metadata.status).toBe(200);
	});

	it("the static bearer token still works and needs no OAuth", async () => {
		const res = await initializeWith(ADMIN_SECRET);
		expect(res.status).toBe(200);
	});
});

describe("the approval page", () => {
	it("names the client and redirect host, ticks only console:view, and is locked down", async () => {
		const clientId = await register(deployment(), ORIGIN, {
			client_name: '<script>alert("x")</script> Evil & Co',
		});
		const { challenge } = await pkce();
		const page = await showPage(
			deployment(),
			authorizeUrl(ORIGIN, clientId, challenge, { scope: "console:view console:power" }),
		);
		expect(page.res.status).toBe(200);
		expect(page.html).toContain(
			"&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; Evil &#38; Co",
		);
		expect(page.html).not.toMatch(/<script/i);
		expect(page.html).toContain("127.0.0.1");
		expect(page.html).toContain('type="password"');
		expect(page.html.match(/type="checkbox"/g)).toHaveLength(3);
		expect(page.html).toMatch(/value="console:view" checked/);
		expect(page.html).not.toMatch(/value="console:input" checked/);
		expect(page.html).not.toMatch(/value="console:power" checked/);
		expect(page.html.match(/<button/g)).toHaveLength(1);
		expect(page.handle).toMatch(/^[\w-]{40,}$/);
		expect(page.cookie).toMatch(/^__Host-oauth-consent-/);

		const csp = page.res.headers.get("Content-Security-Policy") ?? "";
		expect(csp).toContain("default-src 'none'");
		expect(csp).toContain("frame-ancestors 'none'");
		expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/]+={0,2}'/);
		expect(csp).toContain("form-action 'self' http://127.0.0.1:33418");
		expect(csp).not.toContain("unsafe");
		expect(page.res.headers.get("X-Frame-Options")).toBe("DENY");
		expect(page.res.headers.get("Cache-Control")).toBe("no-store");
	});

	it("without MCP_BEARER_TOKEN, says how to set one and approves nothing", async () => {
		const open = workerFetch();
		const clientId = await register(open, ORIGIN);
		const { challenge } = await pkce();
		const url = authorizeUrl(ORIGIN, clientId, challenge);
		const page = await showPage(open, url);
		expect(page.res.status).toBe(503);
		expect(page.html).toContain("wrangler secret put MCP_BEARER_TOKEN");
		expect(page.html).not.toContain("<form");
		const posted = await submit(open, url, { handle: "x", cookie: "" }, { secret: "", scopes: [] });
		expect(posted.status).toBe(503);
		expect(posted.headers.get("Location")).toBeNull();
	});

	it("treats an admin secret shorter than 32 characters as none: nothing to approve with", async () => {
		const short = "short-admin-secret-0123456789ab"; // 31 characters
		const weak = workerFetch({ MCP_BEARER_TOKEN: short });
		const clientId = await register(weak, ORIGIN);
		const { challenge } = await pkce();
		const url = authorizeUrl(ORIGIN, clientId, challenge);
		const page = await showPage(weak, url);
		expect(page.res.status).toBe(503);
		expect(page.html).toContain("shorter than 32 characters");
		expect(page.html).toContain("openssl rand -hex 32");
		expect(page.html).not.toContain("<form");
		const posted = await submit(weak, url, page, { secret: short, scopes: ["console:view"] });
		expect(posted.status).toBe(503);
		expect(posted.headers.get("Location")).toBeNull();
	});
});

describe("OAuth refusals: none yields a token or a tool call", () => {
	it("a wrong secret gets no code, and repeated ones lock the address out", async () => {
		const fetch = deployment();
		const clientId = await register(fetch, ORIGIN);
		const { challenge } = await pkce();
		const url = authorizeUrl(ORIGIN, clientId, challenge);
		const page = await showPage(fetch, url);
		const address = "198.51.100.7";
		for (let i = 0; i < MAX_FAILURES; i++) {
			const res = await submit(fetch, url, page, {
				secret: "wrong",
				scopes: ["console:view"],
				address,
			});
			expect(res.status).toBe(401);
			expect(res.headers.get("Location")).toBeNull();
			expect(await res.text()).toContain("That is not this deployment");
		}
		// Now even the right secret is refused from that address, with the wait.
		const locked = await submit(fetch, url, page, {
			secret: ADMIN_SECRET,
			scopes: ["console:view"],
			address,
		});
		expect(locked.status).toBe(429);
		expect(Number(locked.headers.get("Retry-After"))).toBeGreaterThan(800);
		expect(locked.headers.get("Location")).toBeNull();
		expect(await locked.text()).toContain("Too many wrong secrets");
		// Another address is not affected, and the same page still works there.
		const ok = await submit(fetch, url, page, {
			secret: ADMIN_SECRET,
			scopes: ["console:view"],
			address: "2001:db8:1:2::5",
		});
		expect(ok.status).toBe(302);
	});

	it("counts parallel wrong secrets exactly", async () => {
		const fetch = deployment();
		const clientId = await register(fetch, ORIGIN);
		const { challenge } = await pkce();
		const url = authorizeUrl(ORIGIN, clientId, challenge);
		const page = await showPage(fetch, url);
		const statuses = await Promise.all(
			Array.from({ length: 12 }, () =>
				submit(fetch, url, page, {
					secret: "guess",
					scopes: ["console:view"],
					address: "203.0.113.9",
				}).then((r) => r.status),
			),
		);
		expect(statuses.filter((s) => s === 401)).toHaveLength(MAX_FAILURES);
		expect(statuses.filter((s) => s === 429)).toHaveLength(12 - MAX_FAILURES);
	});

	it("a form posted from another site, or without the page's cookie, gets no code", async () => {
		const fetch = deployment();
		const clientId = await register(fetch, ORIGIN);
		const { challenge } = await pkce();
		const url = authorizeUrl(ORIGIN, clientId, challenge);
		const page = await showPage(fetch, url);
		const forged = { secret: ADMIN_SECRET, scopes: ["console:view"], address: "192.0.2.20" };
		const crossSite = await submit(fetch, url, page, { ...forged, origin: "https://evil.example" });
		expect(crossSite.status).toBe(403);
		const noCookie = await submit(fetch, url, { handle: page.handle, cookie: "" }, forged);
		expect(noCookie.status).toBe(400);
		expect(noCookie.headers.get("Location")).toBeNull();
		// The real browser's post still works once, and only once.
		expect((await submit(fetch, url, page, forged)).status).toBe(302);
		const replayed = await submit(fetch, url, page, forged);
		expect(replayed.status).toBe(400);
		expect(replayed.headers.get("Location")).toBeNull();
	});

	it("a reused or forged code yields no token", async () => {
		const fetch = deployment();
		const clientId = await register(fetch, ORIGIN);
		const { verifier, challenge } = await pkce();
		const code = await approve(fetch, authorizeUrl(ORIGIN, clientId, challenge));
		const exchange = (c: string) =>
			token(fetch, ORIGIN, {
				grant_type: "authorization_code",
				code: c,
				redirect_uri: REDIRECT,
				client_id: clientId,
				code_verifier: verifier,
			});
		const first = await exchange(code);
		expect(first.status).toBe(200);
		const { access_token } = await first.json<{ access_token: string }>();
		const reused = await exchange(code);
		expect(reused.status).toBe(400);
		expect(await reused.json()).toMatchObject({ error: "invalid_grant" });
		const [user, grant] = code.split(":");
		const forged = await exchange(`${user}:${grant}:${"A".repeat(32)}`);
		expect(forged.status).toBe(400);
		expect(await forged.text()).not.toContain("access_token");
		// Reusing a code revokes what it issued (OAuth 2.1 §4.1.2).
		expectChallenge(await initializeWith(access_token));
	});

	it("a redirect URI other than the registered one gets neither a redirect nor a token", async () => {
		const fetch = deployment();
		const clientId = await register(fetch, ORIGIN);
		const { verifier, challenge } = await pkce();
		const elsewhere = authorizeUrl(ORIGIN, clientId, challenge, {
			redirect: "https://evil.example/callback",
		});
		const page = await showPage(fetch, elsewhere);
		expect(page.res.status).toBe(400);
		expect(page.res.headers.get("Location")).toBeNull();
		expect(page.html).not.toContain("<form");

		const code = await approve(fetch, authorizeUrl(ORIGIN, clientId, challenge));
		const res = await token(fetch, ORIGIN, {
			grant_type: "authorization_code",
			code,
			redirect_uri: "http://127.0.0.1:33418/other",
			client_id: clientId,
			code_verifier: verifier,
		});
		expect(res.status).toBe(400);
		expect(await res.text()).not.toContain("access_token");
	});

	it("a missing or wrong PKCE verifier yields no token; no challenge, no page", async () => {
		const fetch = deployment();
		const clientId = await register(fetch, ORIGIN);
		const { challenge } = await pkce();
		for (const verifier of [undefined, (await pkce()).verifier]) {
			const code = await approve(fetch, authorizeUrl(ORIGIN, clientId, challenge));
			const res = await token(fetch, ORIGIN, {
				grant_type: "authorization_code",
				code,
				redirect_uri: REDIRECT,
				client_id: clientId,
				...(verifier ? { code_verifier: verifier } : {}),
			});
			expect(res.status).toBe(400);
			expect(await res.text()).not.toContain("access_token");
		}
		const url = new URL(authorizeUrl(ORIGIN, clientId, challenge));
		url.searchParams.delete("code_challenge");
		url.searchParams.delete("code_challenge_method");
		const res = await fetch(String(url), { redirect: "manual" });
		expect(await res.text()).not.toContain('name="handle"');
	});

	it("an expired access token is refused with the challenge", async () => {
		const tokens = await obtainTokens(deployment(), ORIGIN);
		expect((await initializeWith(tokens.access_token)).status).toBe(200);
		vi.useFakeTimers({ toFake: ["Date"] });
		vi.setSystemTime(Date.now() + 2 * 3600_000);
		expectChallenge(await initializeWith(tokens.access_token));
	});

	it("changing MCP_BEARER_TOKEN revokes every connector, refresh included", async () => {
		const tokens = await obtainTokens(deployment(), ORIGIN);
		const rotated = workerFetch({ MCP_BEARER_TOKEN: "another-admin-secret-0123456789abcdefghij" });
		const call = await rotated(MCP, {
			method: "POST",
			headers: { Authorization: `Bearer ${tokens.access_token}` },
			body: "{}",
		});
		expectChallenge(call);
		const refresh = await token(rotated, ORIGIN, {
			grant_type: "refresh_token",
			refresh_token: tokens.refresh_token ?? "",
			client_id: tokens.client_id,
		});
		expect(refresh.status).toBe(400);
		expect(await refresh.text()).not.toContain("access_token");
	});

	it("a token issued for one host name is refused on another", async () => {
		const tokens = await obtainTokens(deployment(), ORIGIN);
		const res = await deployment()("https://other.example.com/mcp", {
			method: "POST",
			headers: { Authorization: `Bearer ${tokens.access_token}` },
			body: "{}",
		});
		expectChallenge(res, "https://other.example.com");
	});
});
