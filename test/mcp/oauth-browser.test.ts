import { describe, expect, inject, it } from "vitest";
import { initializeRequest } from "../support/mcp-client.ts";
import { authorizeUrl, pkce, register, token } from "../support/oauth.ts";
import { decodePng } from "../support/png.ts";
import type { ApprovalRun } from "./oauth-browser.setup.ts";

const rig = inject("oauthBrowser");
const ready = "origin" in rig;
if (!ready && !rig.skip) throw new Error(rig.error);

/** Debian's chromium against the Worker under `wrangler dev` (see oauth-browser.setup.ts). */
describe.skipIf(!ready)(
	`the approval page in chromium${ready ? "" : ` (skipped: ${rig.error})`}`,
	() => {
		it("renders, blocks injected script, submits without scripts and follows the redirect to the connector", async () => {
			if (!("origin" in rig)) return;
			const redirect = `${rig.callback}/callback`;
			const clientId = await register(fetch, rig.origin, {
				client_name: "Browser connector",
				redirect_uris: [redirect],
			});
			const { verifier, challenge } = await pkce();
			const url = authorizeUrl(rig.origin, clientId, challenge, { redirect, state: "s-42" });

			const res = await fetch(`${rig.control}/approve`, {
				method: "POST",
				body: JSON.stringify({
					url,
					secret: rig.secret,
					scopes: ["console:view", "console:input"],
				}),
			});
			expect(res.status, await res.clone().text()).toBe(200);
			const run = await res.json<ApprovalRun>();

			expect(run.status).toBe(200);
			expect(run.title).toBe("Allow Browser connector? · ikvm-mcp");
			expect(run.heading).toBe("Allow Browser connector to use these consoles?");
			expect(run.checked).toEqual({
				"console:view": true,
				"console:input": false,
				"console:power": false,
			});
			// The stylesheet allowed by its hash applied (the accent colour), and nothing was refused on load.
			expect(run.buttonColor).toBe("rgb(35, 87, 198)");
			expect(run.loadViolations).toEqual([]);
			// The injected inline script was refused by the CSP, and did not run.
			expect(run.violation).toMatch(/^script-src/);
			expect(run.injectedRan).toBe(false);
			const png = Uint8Array.from(atob(run.screenshot), (c) => c.charCodeAt(0));
			expect(decodePng(png).width).toBe(720);

			// The form's post redirected the browser to the connector, with a code for it.
			const landed = new URL(run.finalUrl);
			expect(`${landed.origin}${landed.pathname}`).toBe(redirect);
			expect(landed.searchParams.get("state")).toBe("s-42");
			expect(run.callbackBody).toContain("connector got /callback?");
			const code = landed.searchParams.get("code") ?? "";

			const exchanged = await token(fetch, rig.origin, {
				grant_type: "authorization_code",
				code,
				redirect_uri: redirect,
				client_id: clientId,
				code_verifier: verifier,
			});
			expect(exchanged.status).toBe(200);
			const tokens = await exchanged.json<{ access_token: string; scope: string }>();
			expect(tokens.scope).toBe("console:view console:input");
			const mcp = await fetch(
				`${rig.origin}/mcp`,
				initializeRequest({ Authorization: `Bearer ${tokens.access_token}` }),
			);
			expect(mcp.status).toBe(200);
		}, 120_000);
	},
);
