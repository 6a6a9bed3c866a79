import { openAmiConsole } from "../../kvm/console-link.ts";
import { createMockBmc, type MockBmc } from "../../kvm/mock-bmc.ts";
import type { CallContext, ConsoleLink, InputPolicy, Provider, ServerInfo } from "../types.ts";
import { DemoMachine } from "./machine.ts";
import { DemoVideo } from "./video.ts";

export const DEMO_SERVER: ServerInfo = {
	id: "demo-ami-bmc",
	name: "Demo AMI MegaRAC BMC (simulated, inside this Worker)",
	provider: "demo",
	datacenter: "embedded",
	ip: null,
};

/**
 * A simulated AMI BMC served inside the Worker, so the whole path (BMC web
 * session, IVTP over a WebSocket, ASPEED decode, image pipeline) works
 * without any account. Behind it runs a scripted server (DemoMachine): stuck
 * in a kernel panic, rebootable into a GRUB menu whose older kernel boots to
 * a shell. Each console link gets its own machine, which lives as long as the
 * link: a suspended link that reopens its socket finds the machine as it left
 * it, as a real server would be; a new link finds a fresh one in the panic.
 */
export class DemoProvider implements Provider {
	readonly name = "demo";

	async listServers(_ctx: CallContext): Promise<ServerInfo[]> {
		return [DEMO_SERVER];
	}

	async hasServer(serverId: string, _ctx: CallContext): Promise<boolean> {
		return this.owns(serverId);
	}

	owns(serverId: string): boolean {
		return serverId === DEMO_SERVER.id;
	}

	/** A simulation: typing into it harms nothing. */
	inputPolicy(_serverId: string): InputPolicy {
		return "always";
	}

	/** Simulated power, through the demo BMC's IVTP power control. */
	powerUnavailable(_serverId: string): null {
		return null;
	}

	openConsole(_serverId: string, ctx: CallContext): Promise<ConsoleLink> {
		const bmc = createDemoBmc(new DemoMachine());
		return openAmiConsole({ fetch: bmc.fetch, viewerUrl: bmc.viewerUrl() }, ctx);
	}
}

/**
 * The simulated BMC in front of `machine`: it shows the machine's screen and
 * hands it the keyboard reports and power requests it decodes from IVTP.
 */
export function createDemoBmc(machine: DemoMachine): MockBmc {
	const video = new DemoVideo(() => machine.screen());
	return createMockBmc({
		frames: video.frame,
		updatesPerRequest: 1,
		host: {
			keyboard: (report) => machine.keyboard(report),
			powerControl: (action) => machine.powerControl(action),
			powered: () => machine.powered(),
		},
	});
}
