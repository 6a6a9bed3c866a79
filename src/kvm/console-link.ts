/**
 * An AMI MegaRAC console as the providers see it (`ConsoleLink`): a warm
 * KvmClient with the ASPEED decoder behind it. A viewer URL works once, so a
 * link cannot reconnect by itself; once closed, `capture` says so and the
 * owner opens a new link from a new viewer URL.
 */

import type { Framebuffer } from "../image/framebuffer.ts";
import type { CallContext, ConsoleLink, PowerState } from "../providers/types.ts";
import { Ast2x00Decoder } from "./ast2x00/decoder.ts";
import type { FetchLike } from "./bmc-session.ts";
import { KvmClient } from "./kvm-client.ts";

export interface AmiConsoleOptions {
	fetch: FetchLike;
	/** The BMC's HTML5 viewer URL (OVH: `kvmipHtml5URL`). Single-use. */
	viewerUrl: string;
}

export async function openAmiConsole(
	options: AmiConsoleOptions,
	ctx: CallContext,
): Promise<ConsoleLink> {
	ctx.onProgress?.({ message: "Opening the BMC's KVM session" });
	const kvm = await KvmClient.connect({
		fetch: options.fetch,
		from: { viewerUrl: options.viewerUrl },
		signal: ctx.signal,
		decoder: new Ast2x00Decoder(),
	});
	return {
		get powerState(): PowerState {
			return kvm.closed ? "unknown" : kvm.powerState;
		},
		async capture(call: CallContext): Promise<Framebuffer> {
			call.onProgress?.({ message: "Waiting for a video frame from the BMC" });
			return (await kvm.captureFrame({ signal: call.signal })).framebuffer;
		},
		close: () => kvm.close(),
	};
}
