import type { Framebuffer } from "../../image/framebuffer.ts";
import { VncClient } from "../../vnc/vnc-client.ts";
import type { CallContext, ConsoleLink, Provider, ServerInfo } from "../types.ts";
import { parseVncTargets, type VncTarget } from "./targets.ts";

/** Consoles that speak VNC over a WebSocket, listed in VNC_TARGETS. */
export class VncProvider implements Provider {
	readonly name = "vnc";
	readonly #targets: Map<string, VncTarget>;

	static isConfigured(env: Env): boolean {
		return Boolean(env.VNC_TARGETS?.trim());
	}

	constructor(env: Env) {
		this.#targets = new Map(parseVncTargets(env).map((t) => [t.id, t]));
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

	owns(serverId: string): boolean {
		return this.#targets.has(serverId);
	}

	async openConsole(serverId: string, ctx: CallContext): Promise<ConsoleLink> {
		const target = this.#targets.get(serverId);
		if (!target) throw new Error(`openConsole called for unknown VNC target ${serverId}`);
		ctx.onProgress?.({ message: "Connecting to the VNC server" });
		const client = await VncClient.connect({
			fetch: (url, init) => fetch(url, init),
			url: target.url,
			password: target.password,
			signal: ctx.signal,
		});
		return {
			// RFB has no notion of power: a VNC server that answers is showing a running screen.
			powerState: "on",
			capture: (call: CallContext): Promise<Framebuffer> => client.capture({ signal: call.signal }),
			close: () => client.close(),
		};
	}
}
