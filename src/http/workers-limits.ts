/**
 * Why an outbound connection from a Worker fails where curl from a laptop
 * works, said instead of workerd's bare "Network connection lost." or
 * "internal error; reference = …". Workers cannot skip TLS verification;
 * deployed Workers cannot fetch bare IP addresses (wrangler dev can).
 */
import { concatBytes } from "../bytes.ts";
import type { Runtime } from "../runtime.ts";

/** A clause naming the Workers limit behind a failed fetch (TLS trust), or "" when none applies. */
export function workersLimitHint(detail: string): string {
	if (!/certificate|\btls\b|\bssl\b/i.test(detail)) return "";
	return (
		" (its TLS certificate is not trusted by Cloudflare Workers, which cannot skip verification: " +
		"a self-signed endpoint needs a publicly trusted certificate or a proxy that has one)"
	);
}

/**
 * The fetch consoles and APIs are reached with: a request that throws
 * (rather than answering) throws an Error that names the cause, as far as
 * `runtime` lets us know it. A cancelled request throws its reason as is.
 * Deployed, Cloudflare answers a bare IP address with its own 403 ("error
 * code: 1003", direct IP access not allowed): that too becomes the error.
 */
export function outboundFetch(
	runtime: Runtime,
	inner: typeof fetch = (input, init) => fetch(input, init),
): typeof fetch {
	return async (input, init) => {
		const request = new Request(input, init);
		let response: Response;
		try {
			response = await inner(request);
		} catch (error) {
			if (request.signal.aborted) throw error;
			throw new Error(describeFetchFailure(request.url, error, runtime), { cause: error });
		}
		const host = new URL(request.url).hostname;
		if (runtime === "deployed" && isBareIp(host) && response.status === 403) {
			if (/error code: 1003/i.test(await start(response.clone(), 4096))) {
				await response.body?.cancel();
				throw new Error(`Cloudflare refused it with error 1003: ${bareIpLimit(host)}`);
			}
		}
		return response;
	};
}

/** What a fetch of `url` that threw `error` means, in words a user can act on. */
export function describeFetchFailure(url: string, error: unknown, runtime: Runtime): string {
	const detail = error instanceof Error ? error.message : String(error);
	const target = new URL(url);
	const host = target.hostname;
	const port = target.port || (target.protocol === "https:" ? 443 : 80);
	const why: string[] = [];
	if (/internal error; reference =/i.test(detail) && !isBareIp(host)) {
		// workerd reports a failed DNS lookup only as an internal error with a log reference.
		why.push(
			`the host name ${host} did not resolve: check it for typos, and that its DNS record exists`,
		);
	} else if (/network connection lost|connection refused|econnrefused/i.test(detail)) {
		why.push(
			`the connection to ${host}:${port} was refused (or closed before any answer): ` +
				"is the server running and listening on that port?",
		);
	} else {
		why.push(detail);
	}
	if (runtime === "deployed" && isBareIp(host)) why.push(bareIpLimit(host));
	return why.join("; ");
}

/** Up to `limit` bytes of a body, as text: enough to recognise Cloudflare's own error page. */
async function start(response: Response, limit: number): Promise<string> {
	const reader = response.body?.getReader();
	if (!reader) return "";
	const chunks: Uint8Array[] = [];
	let length = 0;
	while (length < limit) {
		const { done, value } = await reader.read();
		if (done) break;
		chunks.push(value);
		length += value.length;
	}
	await reader.cancel();
	return new TextDecoder().decode(concatBytes(chunks).subarray(0, limit));
}

function isBareIp(host: string): boolean {
	return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.startsWith("[");
}

function bareIpLimit(host: string): string {
	return `${host} is a bare IP address, which deployed Workers cannot fetch: give it a DNS name`;
}
