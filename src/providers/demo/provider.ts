import type { Framebuffer } from "../../image/framebuffer.ts";
import { encodeAst2x00 } from "../../kvm/ast2x00/encoder.ts";
import { openAmiConsole } from "../../kvm/console-link.ts";
import { createMockBmc, type MockFrame } from "../../kvm/mock-bmc.ts";
import type { CallContext, ConsoleLink, InputPolicy, Provider, ServerInfo } from "../types.ts";
import { KERNEL_PANIC_LINES, renderConsoleScreen } from "./console-screen.ts";

export const DEMO_SERVER: ServerInfo = {
	id: "demo-ami-bmc",
	name: "Demo AMI MegaRAC BMC (simulated, inside this Worker)",
	provider: "demo",
	datacenter: "embedded",
	ip: null,
};

/** High-quality tables keep the VGA glyphs sharp; 4:4:4 as a text console is sent by real BMCs. */
const STREAM = { mode420: false, selector: 7, advanceSelector: 0, mapping: 0 } as const;

/**
 * A simulated AMI BMC served inside the Worker, so the whole path (BMC web
 * session, IVTP over a WebSocket, ASPEED decode, image pipeline) works
 * without any account. It shows a server stuck in a kernel panic, with a
 * blinking cursor sent as skip-coded update frames.
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

	openConsole(_serverId: string, ctx: CallContext): Promise<ConsoleLink> {
		const bmc = createMockBmc({ frames: demoFrames, updatesPerRequest: 1 });
		return openAmiConsole({ fetch: bmc.fetch, viewerUrl: bmc.viewerUrl() }, ctx);
	}
}

let screens: { full: MockFrame; update: MockFrame } | undefined;

/** The full frame has the cursor on; the update turns it off, touching only the cursor's block. */
function demoFrames({ update }: { update: boolean }): MockFrame {
	screens ??= encodeScreens();
	return update ? screens.update : screens.full;
}

function encodeScreens(): { full: MockFrame; update: MockFrame } {
	const on = renderConsoleScreen(KERNEL_PANIC_LINES, { cursor: true });
	const off = renderConsoleScreen(KERNEL_PANIC_LINES, { cursor: false });
	const frame = (image: Framebuffer, previous?: Framebuffer): MockFrame => ({
		header: { width: image.width, height: image.height, ...STREAM },
		stream: encodeAst2x00(image, { ...STREAM, previous }),
	});
	return { full: frame(on), update: frame(off, on) };
}
