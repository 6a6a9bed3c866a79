/**
 * Wrong admin secrets on the approval page, counted per client address in a
 * Durable Object of their own. A Durable Object runs one call at a time with
 * strongly consistent storage, so every guess is counted before the secret is
 * compared and parallel guesses cannot slip past the limit. Workers KV would
 * not do: it is eventually consistent (a write can take a minute to be seen
 * elsewhere) and has no atomic increment, so concurrent guesses would each
 * read the same old count. The Workers rate-limiting binding is likewise
 * per location and approximate.
 */
import { DurableObject } from "cloudflare:workers";

/** Failed attempts allowed per address within WINDOW_MS. */
export const MAX_FAILURES = 5;
export const WINDOW_MS = 15 * 60_000;

export type AttemptVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export class SecretAttempts extends DurableObject<Env> {
	/**
	 * Reserves one attempt, counted as a failure until `succeeded()` clears it,
	 * so a request that dies halfway still counts.
	 */
	async attempt(): Promise<AttemptVerdict> {
		const now = Date.now();
		const recent = this.failures().filter((t) => now - t < WINDOW_MS);
		if (recent.length >= MAX_FAILURES) {
			return { allowed: false, retryAfterSeconds: Math.ceil((recent[0] + WINDOW_MS - now) / 1000) };
		}
		recent.push(now);
		this.ctx.storage.kv.put("failures", recent);
		await this.ctx.storage.setAlarm(now + WINDOW_MS);
		return { allowed: true };
	}

	/** The secret was right: forget this address's failures. */
	async succeeded(): Promise<void> {
		await this.ctx.storage.deleteAll();
	}

	/** Nothing is kept for an address once its window has passed. */
	override async alarm(): Promise<void> {
		await this.ctx.storage.deleteAll();
	}

	private failures(): number[] {
		return this.ctx.storage.kv.get<number[]>("failures") ?? [];
	}
}

/**
 * The key a client address is counted under: IPv4 as is, IPv6 by its /64,
 * which one subscriber usually holds whole. Cloudflare always sets
 * CF-Connecting-IP; a request without it (local tools) shares one bucket.
 */
export function addressKey(request: Request): string {
	const address = request.headers.get("CF-Connecting-IP")?.trim().toLowerCase() ?? "";
	if (!address.includes(":")) return address || "unknown";
	const [head, tail = ""] = address.split("::");
	const left = head ? head.split(":") : [];
	const right = tail ? tail.split(":") : [];
	const groups = address.includes("::")
		? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right]
		: left;
	return `${groups
		.slice(0, 4)
		.map((g) => g.replace(/^0+(?=.)/, ""))
		.join(":")}::/64`;
}
