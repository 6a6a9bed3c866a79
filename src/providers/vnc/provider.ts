import { type Limits, parseLimits } from "../../config.ts";
import { UserFacingError } from "../../errors.ts";
import type { Framebuffer } from "../../image/framebuffer.ts";
import type { InputEvent } from "../../input/events.ts";
import { VncClient } from "../../vnc/vnc-client.ts";
import type {
	CallContext,
	ConsoleLink,
	InputPolicy,
	PowerAction,
	PowerReport,
	Provider,
	ServerInfo,
} from "../types.ts";
import { parseVncTargets, type VncTarget } from "./targets.ts";

/** Consoles that speak VNC over a WebSocket, listed in VNC_TARGETS. */
export class VncProvider implements Provider {
	readonly name = "vnc";
	readonly #targets: Map<string, VncTarget>;
	readonly #limits: Limits;
	readonly #fetch: typeof fetch;

	static isConfigured(env: Env): boolean {
		return Boolean(env.VNC_TARGETS?.trim());
	}

	/** `transport` makes the WebSocket upgrade requests; tests inject mock VNC servers. */
	constructor(env: Env, transport: typeof fetch = (input, init) => fetch(input, init)) {
		this.#targets = new Map(parseVncTargets(env).map((t) => [t.id, t]));
		this.#limits = parseLimits(env);
		this.#fetch = transport;
	}

	async listServers(_ctx: CallContext): Promise<ServerInfo[]> {
		return [...this.#targets.values()].map((t) => ({
			id: t.id,
			name: t.name,
			provider: this.name,
			datacenter: null,
			ip: new URL(t.url).hostname,
		}));
	}

	async hasServer(serverId: string, _ctx: CallContext): Promise<boolean> {
		return this.owns(serverId);
	}

	owns(serverId: string): boolean {
		return this.#targets.has(serverId);
	}

	inputPolicy(serverId: string): InputPolicy {
		return this.#targets.get(serverId)?.input === false ? "never" : "operator";
	}

	powerUnavailable(_serverId: string): string {
		return NO_POWER;
	}

	async openConsole(serverId: string, ctx: CallContext): Promise<ConsoleLink> {
		const target = this.#targets.get(serverId);
		if (!target) throw new Error(`openConsole called for unknown VNC target ${serverId}`);
		const link = new VncConsoleLink(target, this.#limits, this.#fetch);
		await link.connect(ctx);
		return link;
	}
}

const NO_POWER =
	"VNC consoles have no power control: RFB carries the screen, keyboard and mouse, nothing else. " +
	"Switch the machine on, off or reset it where it runs (the hypervisor: virsh, Proxmox, the cloud panel; " +
	"or its BMC over IPMI). To reboot a running system, send_keys ctrl+alt+Delete with confirm: true.";

/** A VNC connection that reconnects on the next capture once suspended or dropped. */
class VncConsoleLink implements ConsoleLink {
	// RFB has no notion of power: a VNC server that answers shows a running screen.
	readonly powerState = "on";
	readonly #target: VncTarget;
	readonly #limits: Limits;
	readonly #fetch: typeof fetch;
	#client: VncClient | undefined;

	constructor(target: VncTarget, limits: Limits, transport: typeof fetch) {
		this.#target = target;
		this.#limits = limits;
		this.#fetch = transport;
	}

	get isOpen(): boolean {
		return this.#client !== undefined && !this.#client.closed;
	}

	async connect(ctx: CallContext): Promise<void> {
		ctx.onProgress?.({ message: "Connecting to the VNC server" });
		this.#client = await VncClient.connect({
			fetch: this.#fetch,
			url: this.#target.url,
			password: this.#target.password,
			maxWidth: this.#limits.maxWidth,
			maxHeight: this.#limits.maxHeight,
			signal: ctx.signal,
		});
	}

	async capture(ctx: CallContext): Promise<Framebuffer> {
		if (!this.#client || this.#client.closed) await this.connect(ctx);
		ctx.onProgress?.({ message: "Waiting for a framebuffer update from the VNC server" });
		return (this.#client as VncClient).capture({ signal: ctx.signal });
	}

	async sendInput(events: readonly InputEvent[], ctx: CallContext): Promise<void> {
		if (!this.#client || this.#client.closed) {
			await this.connect(ctx);
			// A frame first: servers acknowledge physical keys (QEMU Extended Key Events) by then.
			await (this.#client as VncClient).capture({ signal: ctx.signal });
		}
		await (this.#client as VncClient).sendInput(events);
	}

	async power(action: PowerAction, _ctx: CallContext): Promise<PowerReport> {
		if (action === "status") return { state: "unknown", detail: NO_POWER };
		throw new UserFacingError(NO_POWER);
	}

	suspend(): void {
		this.#client?.close();
		this.#client = undefined;
	}

	close(): void {
		this.suspend();
	}
}
