/**
 * Why an outbound connection from a Worker fails where curl from a laptop
 * works, said instead of workerd's bare "Network connection lost." or
 * "internal error; reference = …". Workers cannot skip TLS verification;
 * deployed Workers cannot fetch bare IP addresses (wrangler dev can).
 */
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
 */
export function outboundFetch(
	runtime: Runtime,
	inner: typeof fetch = (input, init) => fetch(input, init),
): typeof fetch {
	return async (input, init) => {
		const request = new Request(input, init);
		try {
			return await inner(request);
		} catch (error) {
			if (request.signal.aborted) throw error;
			throw new Error(describeFetchFailure(request.url, error, runtime), { cause: error });
		}
	};
}

/** What a fetch of `url` that threw `error` means, in words a user can act on. */
export function describeFetchFailure(url: string, error: unknown, runtime: Runtime): string {
	const detail = error instanceof Error ? error.message : String(error);
	const target = new URL(url);
	const host = target.hostname;
	const port =
		target.port || (target.protocol === "https:" || target.protocol === "wss:" ? 443 : 80);
	const bareIp = /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.startsWith("[");
	const why: string[] = [];
	if (/internal error; reference =/i.test(detail) && !bareIp) {
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
	if (bareIp && runtime === "deployed") {
		why.push(
			`${host} is a bare IP address, which deployed Workers cannot fetch: give it a DNS name`,
		);
	}
	return why.join("; ");
}
