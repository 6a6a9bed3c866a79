/**
 * The service names of an OVH account, cached per isolate: a known id checks
 * for free for a minute, an unknown one is refused from memory for 15 s, and
 * concurrent checks share one API call. A new server shows up on the first
 * check after it appears in the account.
 */

/** How long a list answers "yes" for the ids in it. */
const FRESH_MS = 60_000;
/** How long an id the list lacked is refused without asking again. */
const NEGATIVE_MS = 15_000;
/** Accounts remembered at once (one per deployment in practice). */
const MAX_ACCOUNTS = 16;
/** Unknown ids remembered at once; the oldest are forgotten first. */
const MAX_NEGATIVES = 4096;

export class ServerIdCache {
	readonly #lists = new Map<string, { ids: ReadonlySet<string>; at: number }>();
	readonly #negatives = new Map<string, number>();
	readonly #reading = new Map<string, Promise<ReadonlySet<string>>>();
	readonly #now: () => number;

	constructor(now: () => number = Date.now) {
		this.#now = now;
	}

	/** Whether `id` is in `account`'s list, reading it with `read` when the cache cannot say. */
	async has(account: string, id: string, read: () => Promise<string[]>): Promise<boolean> {
		const now = this.#now();
		const list = this.#lists.get(account);
		if (list && now - list.at < FRESH_MS && list.ids.has(id)) return true;
		const key = `${account}\n${id}`;
		const refusedUntil = this.#negatives.get(key);
		if (refusedUntil !== undefined && now < refusedUntil) return false;
		this.#negatives.delete(key);
		if ((await this.#read(account, read)).has(id)) return true;
		bounded(this.#negatives, MAX_NEGATIVES).set(key, this.#now() + NEGATIVE_MS);
		return false;
	}

	/** Records a list read elsewhere (list_servers), so the ids it showed check for free. */
	remember(account: string, ids: readonly string[]): void {
		this.#lists.delete(account);
		bounded(this.#lists, MAX_ACCOUNTS).set(account, { ids: new Set(ids), at: this.#now() });
	}

	/** Concurrent reads of one account share one call. */
	#read(account: string, read: () => Promise<string[]>): Promise<ReadonlySet<string>> {
		let pending = this.#reading.get(account);
		if (!pending) {
			pending = read()
				.then((ids) => {
					this.remember(account, ids);
					return new Set(ids);
				})
				.finally(() => this.#reading.delete(account));
			this.#reading.set(account, pending);
		}
		return pending;
	}
}

/** `map`, with its oldest entry dropped when it holds `max` already. */
function bounded<K, V>(map: Map<K, V>, max: number): Map<K, V> {
	if (map.size >= max) map.delete(map.keys().next().value as K);
	return map;
}
