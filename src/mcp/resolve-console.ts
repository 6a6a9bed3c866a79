/**
 * The one check every console tool makes before it routes to a
 * ConsoleSession: the id must be one of a configured provider's servers.
 * Without it a made-up id would create a Durable Object (and, for OVH, start
 * signed API calls) for a server that does not exist.
 */
import { UserFacingError } from "../errors.ts";
import type { Provider } from "../providers/types.ts";

export interface ResolvedConsole {
	provider: Provider;
	/** The ConsoleSession's name: "<provider>:<serverId>". */
	name: string;
}

/**
 * The provider serving `serverId` and its session's name, or a
 * UserFacingError that sends the caller to list_servers. Providers answer
 * from their own caches (OVH keeps its server list for a minute and re-reads
 * it for an unknown id at most every 15 s).
 */
export async function resolveConsole(
	deps: { providers: () => Provider[] },
	serverId: string,
	signal: AbortSignal,
): Promise<ResolvedConsole> {
	for (const provider of deps.providers()) {
		if (!provider.owns(serverId)) continue;
		if (await provider.hasServer(serverId, { signal })) {
			return { provider, name: `${provider.name}:${serverId}` };
		}
	}
	throw new UserFacingError(
		`No configured provider has a server "${serverId}". Call list_servers for valid ids.`,
	);
}
