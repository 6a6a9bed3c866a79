import type { Framebuffer } from "../image/framebuffer.ts";
import type { InputEvent } from "../input/events.ts";

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

/** `status` reads; the others act (and are guarded by the power tool). */
export type PowerAction = "status" | "on" | "off" | "soft_off" | "cycle" | "reset" | "nmi";

/** What a power call saw: the state after acting (or now, for `status`) and what was done. */
export interface PowerReport {
	state: PowerState;
	/** One sentence for the user: what was requested, and what the console showed after. */
	detail: string;
}

/** What boot_rescue and boot_normal ask for: the provider's rescue system, or the server's own disk. */
export interface BootRequest {
	target: "rescue" | "normal";
	/** For "normal": the boot id in force before boot_rescue changed it, when known. */
	restoreBootId?: number;
}

/** What a boot change did. */
export interface BootChange {
	/** The boot id in force before the change (what boot_normal restores), null when none was set. */
	previousBootId: number | null;
	bootId: number;
	/** One sentence for the user: what was set, and the reboot that followed. */
	detail: string;
	/** What the console shows once the new system is up: text, or "/regex/flags" as wait_for_screen takes. */
	bootedWhen: string;
}

/**
 * Whether a console may take keyboard and mouse input: `always` (a
 * simulation), `operator` (when the deployment's ALLOW_INPUT is on) or
 * `never` (the target opted out).
 */
export type InputPolicy = "always" | "operator" | "never";

/**
 * An open console. The Durable Object keeps one between screenshots: warm
 * (socket open) for a while, then suspended (socket closed, credentials
 * kept) so that the next capture reopens it quickly.
 */
export interface ConsoleLink {
	readonly powerState: PowerState;
	/** Whether the transport is open now, so that the next call is served by this very connection. */
	readonly isOpen: boolean;
	/**
	 * The screen now, as a framebuffer the caller owns (links keep decoding
	 * into buffers of their own). Reopens the transport first when it was
	 * suspended or dropped.
	 */
	capture(ctx: CallContext): Promise<Framebuffer>;
	/**
	 * Sends keyboard and mouse input in order, reopening the transport first
	 * when needed; resolves once the console has taken every event. Gates are
	 * the caller's: a link sends whatever it is given.
	 */
	sendInput(events: readonly InputEvent[], ctx: CallContext): Promise<void>;
	/** Reads or changes host power through the console, where its protocol can. */
	power(action: PowerAction, ctx: CallContext): Promise<PowerReport>;
	/** Closes the transport, keeping what lets `capture` reopen it. */
	suspend(): void;
	close(): void;
}

export interface Provider {
	readonly name: string;
	listServers(ctx: CallContext): Promise<ServerInfo[]>;
	/** Whether `serverId` may belong to this provider, decided without any API call. */
	owns(serverId: string): boolean;
	/**
	 * Whether `serverId` is one of this provider's servers: exact, from a
	 * cache where the answer takes an API call. Checked before a console's
	 * Durable Object is created, so made-up ids create nothing.
	 */
	hasServer(serverId: string, ctx: CallContext): Promise<boolean>;
	/** Whether `serverId`'s console may take input; decided without any API call. */
	inputPolicy(serverId: string): InputPolicy;
	openConsole(serverId: string, ctx: CallContext): Promise<ConsoleLink>;
	/**
	 * Why `serverId`'s power cannot be controlled (its protocol has none),
	 * or null when its console can; decided without any call, so that a
	 * refusal sends nothing.
	 */
	powerUnavailable(serverId: string): string | null;
	/**
	 * Power through the provider's own API, for a console that is not open:
	 * the call, or null when the API cannot do `action` (the console does it).
	 */
	powerWithoutConsole?(
		serverId: string,
		action: PowerAction,
		ctx: CallContext,
	): Promise<PowerReport> | null;
	/** Sets what the server boots next and reboots it; only providers whose API can. */
	boot?(serverId: string, request: BootRequest, ctx: CallContext): Promise<BootChange>;
}
