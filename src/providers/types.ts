import type { Framebuffer } from "../image/framebuffer.ts";

/** One console a user can look at, as `list_servers` reports it. */
export interface ServerInfo {
	id: string;
	name: string;
	provider: string;
	datacenter: string | null;
	ip: string | null;
}

export interface Progress {
	message: string;
	progress?: number;
	total?: number;
}

/** What every long operation gets: a deadline (as a signal) and somewhere to report progress. */
export interface CallContext {
	signal: AbortSignal;
	onProgress?: (progress: Progress) => void;
}

export type PowerState = "on" | "off" | "unknown";

/**
 * An open console. The Durable Object keeps one between screenshots: warm
 * (socket open) for a while, then suspended (socket closed, credentials
 * kept) so that the next capture reopens it quickly.
 */
export interface ConsoleLink {
	readonly powerState: PowerState;
	/**
	 * The screen now, as a framebuffer the caller owns (links keep decoding
	 * into buffers of their own). Reopens the transport first when it was
	 * suspended or dropped.
	 */
	capture(ctx: CallContext): Promise<Framebuffer>;
	/** Closes the transport, keeping what lets `capture` reopen it. */
	suspend(): void;
	close(): void;
}

export interface Provider {
	readonly name: string;
	listServers(ctx: CallContext): Promise<ServerInfo[]>;
	/** Whether `serverId` belongs to this provider without asking any API. */
	owns(serverId: string): boolean;
	openConsole(serverId: string, ctx: CallContext): Promise<ConsoleLink>;
}
