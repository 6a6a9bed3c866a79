/**
 * From a viewer URL (OVH's `kvmipHtml5URL`, a single-use link into the BMC's
 * web UI) to what the KVM WebSocket needs: the web session cookie and a
 * single-use KVM token. This is the path the browser takes:
 *
 *   GET <viewer URL>      sets QSESSIONID (Set-Cookie, or the URL's `token`
 *                         parameter which the page's script copies into the
 *                         cookie) and embeds the `garc` CSRF token in a script
 *   GET /viewer.html      with the cookie, as the browser would; its answer
 *                         does not matter (some firmwares do not serve it)
 *   GET /api/kvm/token    with cookie + X-CSRFTOKEN → {token, client_ip}
 *                         (without client_ip: the IP OVH allowed, or "")
 *
 * Every request runs under its own deadline. Session values are secrets: no
 * error message ever contains them or the viewer URL.
 */

import { concatBytes } from "../bytes.ts";
import { workersLimitHint } from "../http/workers-limits.ts";
import { type Deadline, deadline, KvmError } from "./kvm-error.ts";

/** The fetch we are given: the Workers global, a mock BMC, or a test double. */
export type FetchLike = (input: Request | string, init?: RequestInit) => Promise<Response>;

export interface BmcSession {
	/** `https://<bmc-host>`, taken from the viewer URL. */
	origin: string;
	/** QSESSIONID cookie value. Secret. */
	sessionId: string;
	/** `garc` CSRF token, if the page had one. Secret. */
	csrfToken: string | null;
	/** Single-use token for VALIDATE_VIDEO_SESSION. Secret. */
	kvmToken: string;
	/** Our address as the BMC sees it; echoed back in VALIDATE_VIDEO_SESSION. */
	clientIp: string;
	/** What to echo when the BMC does not say which address it sees. */
	allowedIp?: string;
}

export interface OpenBmcSessionOptions {
	fetch: FetchLike;
	viewerUrl: string;
	/** The address the session was allowed for (OVH's ipToAllow): our client IP when the BMC names none. */
	allowedIp?: string;
	/** Cancels everything; a Deadline (kvm-error.ts) also has its timeout reported as such. */
	signal?: AbortSignal | Deadline;
	/** Deadline for each HTTP request (default 10 s). */
	requestTimeoutMs?: number;
}

const VIEWER_PAGE_LIMIT = 1024 * 1024;
const TOKEN_RESPONSE_LIMIT = 64 * 1024;

type HttpOptions = Omit<OpenBmcSessionOptions, "viewerUrl" | "allowedIp">;

export async function openBmcSession(options: OpenBmcSessionOptions): Promise<BmcSession> {
	let url: URL;
	try {
		url = new URL(options.viewerUrl);
	} catch {
		throw new KvmError("bmc-http", "the viewer URL is not a valid URL");
	}
	if (url.protocol !== "https:" && url.protocol !== "http:") {
		throw new KvmError("bmc-http", `the viewer URL must be http(s), not ${url.protocol}`);
	}
	const http = new BmcHttp(options, [url.search, url.hash]);

	const viewer = await http.get("viewer URL", url.href, {});
	const setCookieSession = sessionFromSetCookie(viewer.headers);
	if (viewer.status === 401 || viewer.status === 403) {
		await viewer.body?.cancel();
		throw expired(`the BMC answered ${viewer.status} to it`);
	}
	if (viewer.status >= 300 && viewer.status < 400 && setCookieSession === null) {
		await viewer.body?.cancel();
		throw expired("the BMC redirected it to its login page");
	}
	if (viewer.status >= 400) {
		await viewer.body?.cancel();
		throw new KvmError("bmc-http", `the BMC answered HTTP ${viewer.status} to the viewer URL`);
	}
	const page = await readCapped(viewer, VIEWER_PAGE_LIMIT, "the viewer page");
	const sessionId =
		setCookieSession ?? nonEmpty(url.searchParams.get("token")) ?? sessionFromScript(page);
	if (sessionId === null) {
		throw new KvmError(
			"bmc-http",
			"no QSESSIONID in the viewer response (neither Set-Cookie, the URL's token parameter, nor the page's script)",
		);
	}
	const csrfToken = csrfFromScript(page);
	const cookie = `QSESSIONID=${sessionId}`;
	http.secrets.push(sessionId, ...(csrfToken ? [csrfToken] : []));

	// A browser loads this page next, and some firmwares want that before the
	// token; others do not serve it at all. Whatever it answers, the token
	// request says whether the session works.
	const activation = await http.get("/viewer.html", `${url.origin}/viewer.html`, {
		Cookie: cookie,
	});
	await activation.body?.cancel();

	return requestKvmToken(http, {
		origin: url.origin,
		sessionId,
		csrfToken,
		allowedIp: options.allowedIp,
	});
}

/**
 * A fresh single-use KVM token for a web session we already hold, so a warm
 * console can reopen its socket without a new viewer URL (on OVH, a new
 * IPMI access task of 10 to 40 s). Fails as `viewer-expired` once the BMC
 * has forgotten the session.
 */
export function renewKvmToken(options: HttpOptions, session: BmcSession): Promise<BmcSession> {
	const http = new BmcHttp(options, [session.sessionId, session.csrfToken ?? ""]);
	return requestKvmToken(http, session);
}

async function requestKvmToken(
	http: BmcHttp,
	{
		origin,
		sessionId,
		csrfToken,
		allowedIp,
	}: Pick<BmcSession, "origin" | "sessionId" | "csrfToken" | "allowedIp">,
): Promise<BmcSession> {
	const cookie = `QSESSIONID=${sessionId}`;
	const headers: Record<string, string> = { Cookie: cookie, Accept: "application/json" };
	if (csrfToken) headers["X-CSRFTOKEN"] = csrfToken;
	const tokenResponse = await http.get("/api/kvm/token", `${origin}/api/kvm/token`, headers);
	if (
		tokenResponse.status === 401 ||
		tokenResponse.status === 403 ||
		isRedirect(tokenResponse.status)
	) {
		await tokenResponse.body?.cancel();
		throw expired(
			`the BMC answered ${tokenResponse.status} to /api/kvm/token` +
				(csrfToken ? "" : " (the viewer page had no garc CSRF token to send)"),
		);
	}
	if (!tokenResponse.ok) {
		await tokenResponse.body?.cancel();
		throw new KvmError(
			"bmc-http",
			`the BMC answered HTTP ${tokenResponse.status} to /api/kvm/token`,
		);
	}
	const body = await readCapped(tokenResponse, TOKEN_RESPONSE_LIMIT, "/api/kvm/token");
	let json: unknown;
	try {
		json = JSON.parse(body);
	} catch {
		throw new KvmError("bmc-http", "/api/kvm/token did not answer JSON");
	}
	const { token, client_ip: clientIp } = (json ?? {}) as Record<string, unknown>;
	if (typeof token !== "string" || token === "") {
		throw new KvmError("bmc-http", "/api/kvm/token answered without a token");
	}
	return {
		origin,
		sessionId,
		csrfToken,
		kvmToken: token,
		clientIp: typeof clientIp === "string" ? clientIp : (allowedIp ?? ""),
		allowedIp,
	};
}

function expired(why: string): KvmError {
	return new KvmError(
		"viewer-expired",
		`viewer URL expired or already used: ${why}. Try again: the next screenshot opens a new console session.`,
	);
}

function isRedirect(status: number): boolean {
	return status >= 300 && status < 400;
}

function nonEmpty(value: string | null): string | null {
	return value ? value : null;
}

// Cookie values are base64/hex-ish tokens; anything else is not a session id.
const COOKIE_VALUE = "([A-Za-z0-9._~+/=-]+)";
const SET_COOKIE_SESSION = new RegExp(`(?:^|[;,\\s])QSESSIONID=${COOKIE_VALUE}`);
const SCRIPT_SESSION = new RegExp(`QSESSIONID=${COOKIE_VALUE}`);
// `sessionStorage.setItem("garc", "…")`, `garc = "…"`, `"garc": "…"`.
const SCRIPT_GARC = /garc["']?\s*[,:=]\s*["']([^"'\s]+)["']/;

function sessionFromSetCookie(headers: Headers): string | null {
	for (const line of headers.getSetCookie()) {
		const match = SET_COOKIE_SESSION.exec(line);
		if (match) return match[1];
	}
	return null;
}

function sessionFromScript(page: string): string | null {
	return SCRIPT_SESSION.exec(page)?.[1] ?? null;
}

function csrfFromScript(page: string): string | null {
	return SCRIPT_GARC.exec(page)?.[1] ?? null;
}

/** Reads a body as text, refusing more than `limit` bytes. */
async function readCapped(response: Response, limit: number, what: string): Promise<string> {
	if (!response.body) return "";
	const reader = response.body.getReader();
	const chunks: Uint8Array[] = [];
	let total = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		total += value.length;
		if (total > limit) {
			await reader.cancel();
			throw new KvmError("bmc-http", `${what} is larger than ${limit} bytes`);
		}
		chunks.push(value);
	}
	return new TextDecoder().decode(concatBytes(chunks));
}

/** GETs with a deadline each, never following redirects, mapping failures to KvmError. */
class BmcHttp {
	readonly secrets: string[];
	readonly #options: HttpOptions;

	constructor(options: HttpOptions, secrets: string[]) {
		this.#options = options;
		this.secrets = secrets.filter((s) => s.length > 1);
	}

	async get(what: string, url: string, headers: Record<string, string>): Promise<Response> {
		const limit = deadline(this.#options.requestTimeoutMs ?? 10_000, this.#options.signal);
		try {
			return await this.#options.fetch(url, { headers, redirect: "manual", signal: limit.signal });
		} catch (error) {
			if (limit.signal.aborted) throw limit.failure(`GET ${what}`);
			throw fetchFailure(what, error, this.secrets);
		}
	}
}

/** A fetch that threw (not an HTTP status): TLS trust, or the BMC out of reach. Secrets are scrubbed. */
export function fetchFailure(what: string, error: unknown, secrets: readonly string[]): KvmError {
	let detail = error instanceof Error ? error.message : String(error);
	for (const secret of secrets) detail = detail.split(secret).join("…");
	const hint = workersLimitHint(detail);
	const reason = /certificate/.test(hint) ? "bmc-certificate" : "bmc-unreachable";
	return new KvmError(reason, `GET ${what}: could not reach the BMC${hint}: ${detail}`);
}
