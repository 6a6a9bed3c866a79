/** list_servers for OVH: every dedicated server of the account, with where it is. */

import { LimitError, ProtocolError } from "../../errors.ts";
import type { ServerInfo } from "../types.ts";
import type { OvhClient } from "./client.ts";
import { asObject, optionalString } from "./shape.ts";

export interface ListServersOptions {
	signal?: AbortSignal;
	/** Detail requests in flight at once. */
	concurrency?: number;
}

/** Each server costs one detail request, and Workers cap subrequests per invocation. */
export const MAX_OVH_SERVERS = 1000;

/**
 * GET /dedicated/server (service names), then GET /dedicated/server/{name}
 * for each, a few at a time. Answers them in OVH's order.
 */
export async function listServers(
	client: OvhClient,
	options: ListServersOptions = {},
): Promise<ServerInfo[]> {
	const { signal, concurrency = 8 } = options;
	const names = await listServerNames(client, { signal });
	return mapConcurrently(names, concurrency, (name) => serverInfo(client, name, signal));
}

/** GET /dedicated/server alone: the account's service names, which are the server ids. */
export async function listServerNames(
	client: OvhClient,
	options: { signal?: AbortSignal } = {},
): Promise<string[]> {
	const names = await client.get("/dedicated/server", { signal: options.signal });
	// A lone surrogate (JSON allows "\udfff") would make encodeURIComponent throw a URIError.
	const isName = (name: unknown) => typeof name === "string" && name !== "" && name.isWellFormed();
	if (!Array.isArray(names) || !names.every(isName)) {
		throw new ProtocolError("OVH API GET /dedicated/server did not answer a list of service names");
	}
	if (names.length > MAX_OVH_SERVERS) {
		throw new LimitError(
			`This OVH account has ${names.length} dedicated servers; listing supports up to ${MAX_OVH_SERVERS}`,
		);
	}
	return names as string[];
}

async function serverInfo(
	client: OvhClient,
	serviceName: string,
	signal?: AbortSignal,
): Promise<ServerInfo> {
	const path = `/dedicated/server/${encodeURIComponent(serviceName)}`;
	const details = asObject(await client.get(path, { signal }), `OVH API GET ${path}`);
	const what = `OVH API GET ${path}`;
	// OVH writes some reverses fully qualified, with the root's trailing dot.
	const reverse = optionalString(details, "reverse", what)?.replace(/\.$/, "") || null;
	return {
		id: serviceName,
		name: reverse ?? optionalString(details, "name", what) ?? serviceName,
		provider: "ovh",
		datacenter: optionalString(details, "datacenter", what),
		ip: optionalString(details, "ip", what),
	};
}

/** Like Promise.all over items.map(fn), with at most `limit` calls pending. */
async function mapConcurrently<T, R>(
	items: readonly T[],
	limit: number,
	fn: (item: T) => Promise<R>,
): Promise<R[]> {
	const results = new Array<R>(items.length);
	let next = 0;
	let failed = false;
	const worker = async () => {
		while (!failed && next < items.length) {
			const index = next++;
			try {
				results[index] = await fn(items[index]);
			} catch (error) {
				failed = true;
				throw error;
			}
		}
	};
	const workers = Math.max(1, Math.min(limit, items.length));
	await Promise.all(Array.from({ length: workers }, worker));
	return results;
}
