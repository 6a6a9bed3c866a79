/**
 * Where this Worker runs: on this machine under `wrangler dev` ("local"), or
 * deployed on Cloudflare. Hints differ between the two: secrets go in
 * .dev.vars locally and through `wrangler secret put` when deployed, and
 * only deployed Workers cannot fetch bare IP addresses. The Worker tells
 * from the request: `wrangler dev` serves loopback, a deployment never does.
 */

export type Runtime = "local" | "deployed";

/** The loopback host names as URL.hostname spells them. */
export const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** A loopback name, or one under .localhost (which resolves to loopback). */
export function isLoopbackHost(url: URL): boolean {
	return LOOPBACK_HOSTS.has(url.hostname) || url.hostname.endsWith(".localhost");
}

/** The runtime serving `requestUrl`; wrangler dev reached through a LAN address counts as deployed. */
export function runtimeOf(requestUrl: string): Runtime {
	return isLoopbackHost(new URL(requestUrl)) ? "local" : "deployed";
}

/** How to set the secrets `names` where the Worker runs, as an instruction. */
export function howToSetSecrets(names: readonly string[], runtime: Runtime): string {
	if (runtime === "local") {
		return `add ${names.map((n) => `${n}=…`).join(", ")} to .dev.vars and restart npm start`;
	}
	return `set ${names.length === 1 ? "it" : "each"} with ${names.map((n) => `npx wrangler secret put ${n}`).join(", ")}`;
}
