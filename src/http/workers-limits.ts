/**
 * Why an outbound connection from a Worker fails where curl from a laptop
 * works. Workers cannot skip TLS verification, and deployed Workers cannot
 * fetch bare IP addresses; errors say so instead of a bare "fetch failed".
 */

/** A clause naming the Workers limit behind a failed fetch of `url`, or "" when none applies. */
export function workersLimitHint(url: string, detail: string): string {
	const hints: string[] = [];
	if (/certificate|\btls\b|\bssl\b/i.test(detail)) {
		hints.push(
			"its TLS certificate is not trusted by Cloudflare Workers, which cannot skip verification: " +
				"a self-signed endpoint needs a publicly trusted certificate or a proxy that has one",
		);
	}
	const host = URL.canParse(url) ? new URL(url).hostname : "";
	if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.startsWith("[")) {
		hints.push(
			`${host} is a bare IP address, which deployed Workers cannot fetch: give it a DNS name`,
		);
	}
	return hints.length > 0 ? ` (${hints.join("; ")})` : "";
}
