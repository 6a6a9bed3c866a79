/**
 * A signed OVHcloud API client: application key + secret + consumer key, the
 * "$1$" SHA-1 request signature, a clock synced to OVH's, a deadline on every
 * exchange and a bounded retry on 429 / 5xx. Transport and clocks are injected.
 */

import { ConfigError, LimitError, ProtocolError } from "../../errors.ts";
import { quoteServerText } from "../../server-text.ts";
import { ovhEndpointUrl } from "./endpoints.ts";
import { OvhApiError, OvhUnreachableError } from "./errors.ts";

export interface OvhCredentials {
	applicationKey: string;
	applicationSecret: string;
	consumerKey: string;
}

export interface OvhClientOptions extends OvhCredentials {
	/** "eu", "ca", "us", or the python-ovh names "ovh-eu", "ovh-ca", "ovh-us". */
	endpoint: string;
	fetch?: typeof fetch;
	/** Wall clock in ms since the epoch. Only its offset to OVH's clock matters. */
	now?: () => number;
	/** Waits between retries and task polls. Tests pass one that advances a fake clock. */
	sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
	/** Deadline of one HTTP exchange, response body included. */
	requestTimeoutMs?: number;
	/** Tries per call while OVH answers 429 or 5xx. */
	maxAttempts?: number;
	/** First backoff between tries; it doubles on each further try. */
	retryDelayMs?: number;
	/** Longest Retry-After we honour; asking for longer ends the call with OVH's error. */
	maxRetryAfterMs?: number;
}

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

export interface OvhRequestOptions {
	/** Sent as compact JSON, exactly the bytes that are signed. */
	body?: unknown;
	signal?: AbortSignal;
	/** Unauthenticated calls (/auth/time, /me/geolocation) carry no consumer key or signature. */
	authenticated?: boolean;
}

/** Well above any answer we ask for (a server list is ~40 bytes a server). */
const MAX_RESPONSE_BYTES = 4 << 20;

export class OvhClient {
	readonly baseUrl: string;
	readonly now: () => number;
	readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
	readonly #credentials: OvhCredentials;
	readonly #fetch: typeof fetch;
	readonly #requestTimeoutMs: number;
	readonly #maxAttempts: number;
	readonly #retryDelayMs: number;
	readonly #maxRetryAfterMs: number;
	/** OVH time minus our time, in seconds; fetched once, shared by concurrent calls. */
	#clockDelta: Promise<number> | undefined;

	constructor(options: OvhClientOptions) {
		this.baseUrl = ovhEndpointUrl(options.endpoint);
		requireSetting(options.applicationKey, "OVH_APPLICATION_KEY");
		requireSetting(options.applicationSecret, "OVH_APPLICATION_SECRET");
		requireSetting(options.consumerKey, "OVH_CONSUMER_KEY");
		this.#credentials = {
			applicationKey: options.applicationKey,
			applicationSecret: options.applicationSecret,
			consumerKey: options.consumerKey,
		};
		this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
		this.now = options.now ?? Date.now;
		this.sleep = options.sleep ?? sleep;
		this.#requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
		this.#maxAttempts = options.maxAttempts ?? 3;
		this.#retryDelayMs = options.retryDelayMs ?? 500;
		this.#maxRetryAfterMs = options.maxRetryAfterMs ?? 10_000;
	}

	get(path: string, options?: Omit<OvhRequestOptions, "body">): Promise<unknown> {
		return this.request("GET", path, options);
	}

	post(path: string, options?: OvhRequestOptions): Promise<unknown> {
		return this.request("POST", path, options);
	}

	/**
	 * One API call. `path` starts with "/" and may carry a query string. Answers
	 * the parsed JSON body (null for an empty one); throws OvhApiError for an
	 * HTTP error, once retries on 429 / 5xx are spent.
	 */
	async request(
		method: HttpMethod,
		path: string,
		options: OvhRequestOptions = {},
	): Promise<unknown> {
		const { signal, authenticated = true } = options;
		const call = `${method} ${path}`;
		// Sign what fetch will put on the wire: the WHATWG-normalised URL.
		const url = new URL(this.baseUrl + path).href;
		const payload = options.body === undefined ? "" : JSON.stringify(options.body);
		for (let attempt = 1; ; attempt++) {
			// Re-signed on every try: the timestamp must be fresh.
			const headers = authenticated
				? await this.#signedHeaders(method, url, payload, signal)
				: this.#plainHeaders(payload);
			const answer = await this.#exchange(call, url, method, headers, payload, signal);
			if (answer.status >= 200 && answer.status < 300) return parseJson(answer.text, call);
			const retryable = answer.status === 429 || (answer.status >= 500 && answer.status < 600);
			const retryAfterMs = parseRetryAfter(answer.headers.get("retry-after"), this.now());
			if (!retryable || attempt >= this.#maxAttempts || retryAfterMs > this.#maxRetryAfterMs) {
				throw this.#apiError(call, answer, attempt, retryAfterMs);
			}
			await this.sleep(
				Number.isNaN(retryAfterMs) ? this.#retryDelayMs * 2 ** (attempt - 1) : retryAfterMs,
				signal,
			);
		}
	}

	/** OVH's time minus ours, in whole seconds, from GET /auth/time (once per client). */
	clockDelta(signal?: AbortSignal): Promise<number> {
		if (!this.#clockDelta) {
			this.#clockDelta = this.#fetchClockDelta(signal);
			// A failed sync is retried by the next call rather than remembered.
			this.#clockDelta.catch(() => {
				this.#clockDelta = undefined;
			});
		}
		return this.#clockDelta;
	}

	async #fetchClockDelta(signal?: AbortSignal): Promise<number> {
		const serverTime = await this.request("GET", "/auth/time", { signal, authenticated: false });
		if (typeof serverTime !== "number" || !Number.isSafeInteger(serverTime) || serverTime <= 0) {
			throw new ProtocolError("OVH API GET /auth/time did not answer a Unix time in seconds");
		}
		return serverTime - Math.floor(this.now() / 1000);
	}

	async #signedHeaders(method: HttpMethod, url: string, payload: string, signal?: AbortSignal) {
		const { applicationSecret, consumerKey } = this.#credentials;
		const timestamp = Math.floor(this.now() / 1000) + (await this.clockDelta(signal));
		const headers = this.#plainHeaders(payload);
		headers["X-Ovh-Consumer"] = consumerKey;
		headers["X-Ovh-Timestamp"] = String(timestamp);
		headers["X-Ovh-Signature"] = await ovhSignature(
			applicationSecret,
			consumerKey,
			method,
			url,
			payload,
			timestamp,
		);
		return headers;
	}

	#plainHeaders(payload: string): Record<string, string> {
		const headers: Record<string, string> = {
			Accept: "application/json",
			"X-Ovh-Application": this.#credentials.applicationKey,
		};
		if (payload !== "") headers["Content-Type"] = "application/json";
		return headers;
	}

	/** One HTTP exchange under its own deadline, body read in full. */
	async #exchange(
		call: string,
		url: string,
		method: HttpMethod,
		headers: Record<string, string>,
		payload: string,
		signal?: AbortSignal,
	): Promise<{ status: number; headers: Headers; text: string }> {
		signal?.throwIfAborted();
		const deadline = new AbortController();
		const forwardAbort = () => deadline.abort(signal?.reason);
		signal?.addEventListener("abort", forwardAbort, { once: true });
		const timer = setTimeout(() => deadline.abort(), this.#requestTimeoutMs);
		try {
			const response = await this.#fetch(url, {
				method,
				headers,
				body: payload === "" ? undefined : payload,
				signal: deadline.signal,
			});
			const text = await readText(response, call);
			return { status: response.status, headers: response.headers, text };
		} catch (error) {
			if (signal?.aborted) throw signal.reason;
			if (deadline.signal.aborted) {
				throw new OvhUnreachableError(
					`OVH API did not answer ${call} within ${formatSeconds(this.#requestTimeoutMs)} s`,
				);
			}
			if (error instanceof LimitError) throw error;
			const reason = error instanceof Error ? error.message : String(error);
			throw new OvhUnreachableError(
				`OVH API could not be reached for ${call}: ${this.redact(reason)}`,
			);
		} finally {
			clearTimeout(timer);
			signal?.removeEventListener("abort", forwardAbort);
		}
	}

	#apiError(
		call: string,
		answer: { status: number; headers: Headers; text: string },
		attempts: number,
		retryAfterMs: number,
	): OvhApiError {
		const { message, errorCode } = parseErrorBody(answer.text);
		let text = `OVH API ${call} failed with HTTP ${answer.status}`;
		if (errorCode) text += ` ${errorCode}`;
		// Redacted before the cut, so no part of a key survives it.
		text += message
			? `; ${quoteServerText("OVH", this.redact(message))}`
			: ": no explanation given";
		if (attempts > 1) text += ` (after ${attempts} attempts)`;
		if (retryAfterMs > this.#maxRetryAfterMs) {
			text += ` (OVH asks to retry in ${formatSeconds(retryAfterMs)} s)`;
		}
		const advice = adviceFor(answer.status);
		if (advice) text += `. ${advice}`;
		return new OvhApiError(
			this.redact(text),
			answer.status,
			errorCode,
			answer.headers.get("x-ovh-queryid"),
		);
	}

	/** OVH echoes parts of requests in some messages; keys never leave in an error. */
	redact(text: string): string {
		const { applicationKey, applicationSecret, consumerKey } = this.#credentials;
		return text
			.replaceAll(applicationSecret, "[application secret]")
			.replaceAll(consumerKey, "[consumer key]")
			.replaceAll(applicationKey, "[application key]");
	}
}

/** What the user can do about an HTTP status, when the status alone says. */
function adviceFor(status: number): string | null {
	if (status === 401 || status === 403) {
		return "Check OVH_APPLICATION_KEY and OVH_CONSUMER_KEY: the consumer key must be validated and grant the access rules listed in the README.";
	}
	if (status === 429) return "OVH is rate-limiting this account: wait a minute, then try again.";
	if (status >= 500) return "OVH's API is failing on its side: try again in a few minutes.";
	return null;
}

/**
 * OVH's request signature: "$1$" + hex SHA-1 of
 * secret+consumerKey+METHOD+fullUrl+body+timestamp, joined by "+".
 */
export async function ovhSignature(
	applicationSecret: string,
	consumerKey: string,
	method: string,
	url: string,
	body: string,
	timestamp: number,
): Promise<string> {
	const preimage = [applicationSecret, consumerKey, method, url, body, timestamp].join("+");
	const digest = new Uint8Array(
		await crypto.subtle.digest("SHA-1", new TextEncoder().encode(preimage)),
	);
	let hex = "$1$";
	for (const byte of digest) hex += HEX[byte >> 4] + HEX[byte & 15];
	return hex;
}

const HEX = "0123456789abcdef";

function requireSetting(value: string, name: string): void {
	if (typeof value !== "string" || value.trim() === "") {
		throw new ConfigError(`${name} is not set; create OVH API keys and set it`);
	}
}

/** Reads at most MAX_RESPONSE_BYTES; a larger answer is refused, not buffered. */
async function readText(response: Response, call: string): Promise<string> {
	const tooLarge = () =>
		new LimitError(`OVH API answer to ${call} exceeds ${MAX_RESPONSE_BYTES >> 20} MiB`);
	if (Number(response.headers.get("content-length")) > MAX_RESPONSE_BYTES) {
		await response.body?.cancel();
		throw tooLarge();
	}
	if (!response.body) return "";
	const reader = response.body.getReader();
	const decoder = new TextDecoder();
	let text = "";
	let size = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) return text + decoder.decode();
		size += value.byteLength;
		if (size > MAX_RESPONSE_BYTES) {
			await reader.cancel();
			throw tooLarge();
		}
		text += decoder.decode(value, { stream: true });
	}
}

function parseJson(text: string, call: string): unknown {
	if (text.trim() === "") return null;
	try {
		return JSON.parse(text);
	} catch {
		throw new ProtocolError(`OVH API answered ${call} with a body that is not JSON`);
	}
}

const ERROR_CODE = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * OVH errors are JSON with a `message`, plus `errorCode` and `httpCode` on
 * authentication errors ({"errorCode":"INVALID_SIGNATURE","httpCode":"400 Bad Request",
 * "message":"Invalid signature"}) or a `class` ({"class":"Client::NotFound",...}).
 */
function parseErrorBody(text: string): { message: string; errorCode: string | null } {
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		// A proxy's HTML error page says nothing useful beyond the status.
		return { message: "", errorCode: null };
	}
	if (typeof body !== "object" || body === null) return { message: "", errorCode: null };
	const { message, errorCode } = body as Record<string, unknown>;
	return {
		message: typeof message === "string" ? message : "",
		// A code such as INVALID_SIGNATURE; anything else is text, not a code.
		errorCode: typeof errorCode === "string" && ERROR_CODE.test(errorCode) ? errorCode : null,
	};
}

/** Retry-After as delay-seconds or an HTTP date, in ms; NaN when absent or unreadable. */
function parseRetryAfter(value: string | null, now: number): number {
	if (value === null) return Number.NaN;
	const trimmed = value.trim();
	if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
	const date = Date.parse(trimmed);
	return Number.isNaN(date) ? Number.NaN : Math.max(0, date - now);
}

function formatSeconds(ms: number): string {
	return String(ms / 1000);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		if (signal?.aborted) return reject(signal.reason);
		const done = () => {
			signal?.removeEventListener("abort", abort);
			resolve();
		};
		const abort = () => {
			clearTimeout(timer);
			reject(signal?.reason);
		};
		const timer = setTimeout(done, ms);
		signal?.addEventListener("abort", abort, { once: true });
	});
}
