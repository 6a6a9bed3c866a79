import { ProtocolError } from "../../errors.ts";
import type { CallContext, ConsoleLink, Provider, ServerInfo } from "../types.ts";

export const DEMO_SERVER: ServerInfo = {
	id: "demo-ami-bmc",
	name: "Demo AMI MegaRAC BMC (simulated, inside this Worker)",
	provider: "demo",
	datacenter: "embedded",
	ip: null,
};

/**
 * A simulated AMI BMC served inside the Worker, so the whole path (IVTP over
 * a WebSocket, ASPEED decode, image pipeline) works without any account.
 */
export class DemoProvider implements Provider {
	readonly name = "demo";

	async listServers(_ctx: CallContext): Promise<ServerInfo[]> {
		return [DEMO_SERVER];
	}

	owns(serverId: string): boolean {
		return serverId === DEMO_SERVER.id;
	}

	async openConsole(serverId: string, _ctx: CallContext): Promise<ConsoleLink> {
		throw new ProtocolError(`demo console ${serverId} is not wired yet`);
	}
}
