/**
 * The page the owner sees when a connector asks for access: pure HTML, no
 * scripts, one inline stylesheet allowed by its hash. Everything that came
 * from the client (its name, its redirect host) is escaped here.
 */
import type { ConsentDescription } from "@cloudflare/workers-oauth-provider";
import { SCOPES, type Scope } from "../mcp/caller.ts";
import type { Runtime } from "../runtime.ts";

const SCOPE_TEXT: Record<Scope, { title: string; detail: string }> = {
	"console:view": {
		title: "View consoles",
		detail: "List servers, take screenshots, read and wait for screen text.",
	},
	"console:input": {
		title: "Type and click",
		detail: "Send keys, text and mouse input to a console.",
	},
	"console:power": {
		title: "Power and recovery",
		detail: "Power on, off or reset a server, boot it into rescue mode.",
	},
};

export interface ApprovalView {
	consent: ConsentDescription;
	handle: string;
	/** Host name of this deployment, shown so the owner knows which one asks. */
	deployment: string;
	/** Scopes ticked: console:view only on first view, the owner's choice after an error. */
	ticked: ReadonlySet<string>;
	/** Why the last submission was refused. */
	error?: string;
	/** What the deployment's switches turn off regardless of scope. */
	switchedOff: ReadonlySet<Scope>;
}

export function approvalPage(view: ApprovalView): string {
	const { consent } = view;
	const client = escapeHtml(consent.clientName);
	const requested = new Set(consent.scope);
	const scopes = SCOPES.map((scope) => {
		const { title, detail } = SCOPE_TEXT[scope];
		const notes = [
			requested.has(scope) ? '<span class="tag">requested</span>' : "",
			view.switchedOff.has(scope)
				? `<span class="tag off">off on this deployment (${scope === "console:input" ? "ALLOW_INPUT" : "ALLOW_POWER"})</span>`
				: "",
		].join("");
		return `<label class="scope"><input type="checkbox" name="scope" value="${scope}"${view.ticked.has(scope) ? " checked" : ""}>
<span><b>${title}</b> <code>${scope}</code>${notes}<small>${detail}</small></span></label>`;
	}).join("\n");
	const origin = consent.clientDomain
		? `published by <b>${escapeHtml(consent.clientDomain)}</b>`
		: "registered itself; its name is not verified";
	const loopback = consent.redirectIsLoopback
		? `<p class="warn">Access goes to an app on your own computer. Continue only if you just started connecting from it.</p>`
		: "";
	const error = view.error ? `<p class="error" role="alert">${escapeHtml(view.error)}</p>` : "";
	return layout(
		`Allow ${client}?`,
		view.deployment,
		`<h1>Allow <span class="client">${client}</span> to use these consoles?</h1>
<p class="facts">The app ${origin}. Access will be sent to <b>${escapeHtml(consent.redirectHost)}</b>.</p>
${loopback}${error}
<form method="post">
<input type="hidden" name="handle" value="${escapeHtml(view.handle)}">
<fieldset><legend>It may</legend>
${scopes}
</fieldset>
<label class="field" for="secret">Admin secret</label>
<input id="secret" name="secret" type="password" autocomplete="current-password" required autofocus>
<p class="hint">This deployment's <code>MCP_BEARER_TOKEN</code>. Wrong secrets are limited per address.</p>
<button type="submit">Allow access</button>
</form>`,
	);
}

/** Shown instead of the form when the deployment has no admin secret to ask for. */
export function setupPage(deployment: string, clientName: string, runtime: Runtime): string {
	const howTo =
		runtime === "local"
			? `<p>Set one (a random string of at least 32 characters, from <code>openssl rand -hex 32</code>) as a line of <code>.dev.vars</code>, restart <code>npm start</code> and connect again:</p>
<pre>MCP_BEARER_TOKEN=&lt;the random string&gt;</pre>`
			: `<p>Set one (a random string of at least 32 characters) and connect again:</p>
<pre>openssl rand -hex 32 | npx wrangler secret put MCP_BEARER_TOKEN</pre>`;
	return layout(
		"Set an admin secret first",
		deployment,
		`<h1>Set an admin secret first</h1>
<p><span class="client">${escapeHtml(clientName)}</span> asked for access, but this deployment has no usable <code>MCP_BEARER_TOKEN</code> (it is unset or shorter than 32 characters), so nobody can approve it.</p>
${howTo}
<p class="hint">The same secret works as a bearer token for clients that send a header.</p>`,
	);
}

/** A request this page cannot serve (expired, malformed, opened elsewhere). */
export function problemPage(deployment: string, title: string, message: string): string {
	return layout(title, deployment, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`);
}

/**
 * The stylesheet is the page's only active content. CSP allows exactly it
 * (by hash), no scripts, no framing, and form posts only to this origin and
 * the client's redirect origin (Chromium applies form-action to the redirect
 * that follows the post).
 */
export async function securityHeaders(redirectOrigin?: string): Promise<Headers> {
	const formAction = ["'self'", redirectOrigin].filter(Boolean).join(" ");
	return new Headers({
		"Content-Type": "text/html; charset=utf-8",
		"Content-Security-Policy": [
			"default-src 'none'",
			`style-src '${await styleHash()}'`,
			`form-action ${formAction}`,
			"frame-ancestors 'none'",
			"base-uri 'none'",
		].join("; "),
		"X-Frame-Options": "DENY",
		"X-Content-Type-Options": "nosniff",
		// Not no-referrer: with it, browsers post the form with `Origin: null`.
		"Referrer-Policy": "same-origin",
		"Cache-Control": "no-store",
	});
}

function layout(title: string, deployment: string, body: string): string {
	return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ikvm-mcp</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<header><svg viewBox="0 0 24 24" aria-hidden="true"><rect x="2" y="3" width="20" height="14" rx="2"/><path d="M6 8l3 2-3 2M11 12h5M8 21h8M12 17v4"/></svg><span class="brand">ikvm-mcp</span><span class="host">${escapeHtml(deployment)}</span></header>
${body}
</main>
</body>
</html>`;
}

const STYLE = `
:root{color-scheme:light dark;--bg:#f4f5f7;--card:#fff;--ink:#1d2330;--muted:#5d6678;--line:#d9dde5;--accent:#2357c6;--warn:#8a5a00;--warnbg:#fff6e0;--err:#a4262c;--errbg:#fdecec}
@media (prefers-color-scheme:dark){:root{--bg:#14171c;--card:#1e232b;--ink:#e6e9ef;--muted:#9aa3b3;--line:#343b47;--accent:#4f7fe6;--warn:#f0c060;--warnbg:#3a3020;--err:#ff8a8f;--errbg:#3b2224}}
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:flex-start;justify-content:center;background:var(--bg);color:var(--ink);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
main{width:min(34rem,100% - 2rem);margin:3rem 0;padding:1.75rem 2rem;background:var(--card);border:1px solid var(--line);border-radius:10px;box-shadow:0 1px 3px rgba(0,0,0,.06)}
header{display:flex;align-items:center;gap:.5rem;padding-bottom:1rem;margin-bottom:1.25rem;border-bottom:1px solid var(--line);color:var(--muted);font-size:.85rem}
header svg{width:20px;height:20px;fill:none;stroke:var(--accent);stroke-width:1.8;stroke-linecap:round;stroke-linejoin:round}
.brand{font-weight:600;color:var(--ink)}
.host{margin-left:auto;font-family:ui-monospace,"DejaVu Sans Mono",monospace}
h1{font-size:1.3rem;line-height:1.3;margin:0 0 .5rem}
.client{overflow-wrap:anywhere}
.facts{color:var(--muted);margin:0 0 1rem}
.warn,.error{padding:.6rem .8rem;border-radius:6px;margin:0 0 1rem}
.warn{background:var(--warnbg);color:var(--warn)}
.error{background:var(--errbg);color:var(--err);font-weight:500}
fieldset{border:0;padding:0;margin:0 0 1.25rem}
legend{font-weight:600;margin-bottom:.4rem}
.scope{display:flex;gap:.7rem;align-items:flex-start;padding:.65rem .75rem;border:1px solid var(--line);border-radius:6px;margin-bottom:.5rem;cursor:pointer}
.scope input{margin-top:.3rem;accent-color:var(--accent)}
.scope small{display:block;color:var(--muted)}
code,pre{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.85em}
.scope code{color:var(--muted);margin-left:.3rem}
pre{padding:.6rem .8rem;background:var(--bg);border-radius:6px;overflow-x:auto}
.tag{display:inline-block;margin-left:.4rem;padding:0 .4rem;border-radius:4px;background:var(--bg);color:var(--muted);font-size:.75rem}
.tag.off{color:var(--warn)}
.field{display:block;font-weight:600;margin-bottom:.3rem}
input[type=password]{width:100%;padding:.55rem .7rem;font:inherit;color:inherit;background:var(--card);border:1px solid var(--line);border-radius:6px}
input[type=password]:focus{outline:2px solid var(--accent);outline-offset:1px}
.hint{color:var(--muted);font-size:.85rem;margin:.35rem 0 1.25rem}
button{width:100%;padding:.65rem;font:inherit;font-weight:600;color:#fff;background:var(--accent);border:0;border-radius:6px;cursor:pointer}
button:hover{filter:brightness(1.08)}
`;

let styleHashPromise: Promise<string> | undefined;

function styleHash(): Promise<string> {
	styleHashPromise ??= crypto.subtle
		.digest("SHA-256", new TextEncoder().encode(STYLE))
		.then((d) => `sha256-${btoa(String.fromCharCode(...new Uint8Array(d)))}`);
	return styleHashPromise;
}

function escapeHtml(value: string): string {
	return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
