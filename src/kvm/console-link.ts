/**
 * An AMI MegaRAC console as the providers see it (`ConsoleLink`): a KVM
 * socket with the ASPEED decoder behind it, plus the BMC web session it was
 * opened with. The viewer URL works once, but the web session outlives the
 * socket: when the socket is gone (suspended while idle, or dropped by the
 * BMC), the next capture asks that session for a new KVM token and reopens
 * the socket, which takes a second instead of a new viewer URL.
 */

import { ConsoleExpiredError } from "../errors.ts";
import type { Framebuffer } from "../image/framebuffer.ts";
import type { InputEvent } from "../input/events.ts";
import { withCapsLockOff } from "../input/text.ts";
import type {
	CallContext,
	ConsoleLink,
	PowerAction,
	PowerReport,
	PowerState,
} from "../providers/types.ts";
import { Ast2x00Decoder } from "./ast2x00/decoder.ts";
import { type BmcSession, type FetchLike, openBmcSession, renewKvmToken } from "./bmc-session.ts";
import { PowerControl } from "./ivtp.ts";
import { KvmClient } from "./kvm-client.ts";
import { KvmError } from "./kvm-error.ts";

export interface AmiConsoleOptions {
	fetch: FetchLike;
	/** The BMC's HTML5 viewer URL (OVH: `kvmipHtml5URL`). Single-use. */
	viewerUrl: string;
	/** The IP the access was granted for (OVH's ipToAllow), for BMCs that do not say ours. */
	allowedIp?: string;
	/** Largest video mode accepted (MAX_FRAME_SIZE), checked before the decoder allocates. */
	maxWidth?: number;
	maxHeight?: number;
	/** Pause after each keyboard or mouse report (default DEFAULT_INPUT_DELAY_MS). */
	inputDelayMs?: number;
	/** How long a power action reads the state for after the BMC accepted it (default 20 s). */
	powerSettleMs?: number;
}

/** Our power actions as IVTP POWER_CONTROL numbers. */
const POWER_CONTROL: Record<Exclude<PowerAction, "status">, number> = {
	off: PowerControl.OFF,
	on: PowerControl.ON,
	cycle: PowerControl.CYCLE,
	reset: PowerControl.HARD_RESET,
	nmi: PowerControl.NMI,
	soft_off: PowerControl.SOFT_OFF,
};

const POWER_WORDS: Record<Exclude<PowerAction, "status">, string> = {
	off: "power the server off (hard)",
	on: "power the server on",
	cycle: "power-cycle the server",
	reset: "reset the server (hard)",
	nmi: "send the server an NMI",
	soft_off: "shut the server down (ACPI soft off)",
};

/** The AMI viewer sends a keep-alive every 3 s; BMCs drop KVM sockets that fall silent. */
const KEEP_ALIVE_MS = 3000;

/** Opens the BMC web session; the KVM socket opens on the first capture. */
export async function openAmiConsole(
	options: AmiConsoleOptions,
	ctx: CallContext,
): Promise<ConsoleLink> {
	ctx.onProgress?.({ message: "Opening the BMC's web session" });
	const session = await openBmcSession({
		fetch: options.fetch,
		viewerUrl: options.viewerUrl,
		allowedIp: options.allowedIp,
		signal: ctx.signal,
	});
	return new AmiConsoleLink(options, session);
}

class AmiConsoleLink implements ConsoleLink {
	readonly #options: AmiConsoleOptions;
	readonly #session: BmcSession;
	/** The KVM token the web session came with; each later socket asks for a new one. */
	#unusedToken: BmcSession | undefined;
	#kvm: KvmClient | undefined;
	#keepAlive: ReturnType<typeof setInterval> | undefined;
	#closed = false;

	constructor(options: AmiConsoleOptions, session: BmcSession) {
		this.#options = options;
		this.#session = session;
		this.#unusedToken = session;
	}

	get powerState(): PowerState {
		return this.#kvm && !this.#kvm.closed ? this.#kvm.powerState : "unknown";
	}

	get isOpen(): boolean {
		return this.#kvm !== undefined && !this.#kvm.closed;
	}

	async capture(ctx: CallContext): Promise<Framebuffer> {
		if (this.#closed) throw new Error("capture on a closed console link");
		if (!this.#kvm || this.#kvm.closed) await this.#connect(ctx);
		ctx.onProgress?.({ message: "Waiting for a video frame from the BMC" });
		return (await (this.#kvm as KvmClient).captureFrame({ signal: ctx.signal })).framebuffer;
	}

	async #connect(ctx: CallContext): Promise<void> {
		this.suspend();
		let session = this.#unusedToken;
		this.#unusedToken = undefined;
		if (session) {
			ctx.onProgress?.({ message: "Opening the KVM connection" });
		} else {
			ctx.onProgress?.({ message: "Reopening the KVM connection with the open web session" });
			session = await renewKvmToken(
				{ fetch: this.#options.fetch, signal: ctx.signal },
				this.#session,
			).catch((error) => {
				throw error instanceof KvmError && error.reason === "viewer-expired"
					? new ConsoleExpiredError(`the BMC web session has expired: ${error.message}`)
					: error;
			});
		}
		const kvm = await KvmClient.connect({
			fetch: this.#options.fetch,
			from: { session },
			signal: ctx.signal,
			// One decoder per socket: skip-coded updates build on that socket's frames only.
			decoder: new Ast2x00Decoder({
				maxWidth: this.#options.maxWidth,
				maxHeight: this.#options.maxHeight,
			}),
		});
		this.#kvm = kvm;
		this.#keepAlive = setInterval(() => kvm.keepAlive(), KEEP_ALIVE_MS);
	}

	/**
	 * HID reports over the KVM socket (reopened first if suspended). Typing
	 * reads the host's LEDs first, so that Caps Lock does not invert letters;
	 * the mouse needs the screen size, so a socket without a frame yet takes one.
	 */
	async sendInput(events: readonly InputEvent[], ctx: CallContext): Promise<void> {
		if (this.#closed) throw new Error("sendInput on a closed console link");
		if (!this.#kvm || this.#kvm.closed) await this.#connect(ctx);
		const kvm = this.#kvm as KvmClient;
		if (events.some((e) => e.kind === "pointer") && kvm.screenSize === null) {
			ctx.onProgress?.({ message: "Reading the screen size for the mouse" });
			await kvm.captureFrame({ signal: ctx.signal });
		}
		let toSend = events;
		if (events.some((e) => e.kind === "key")) {
			await kvm.readLeds(ctx.signal);
			toSend = withCapsLockOff(events, kvm.capsLock);
		}
		ctx.onProgress?.({ message: "Sending keyboard and mouse input to the BMC" });
		await kvm.sendInput(toSend, { signal: ctx.signal, delayMs: this.#options.inputDelayMs });
	}

	/**
	 * IVTP power: `status` reads it; the others send POWER_CONTROL, require the
	 * BMC's acceptance, then read the state until it shows or the wait ends.
	 */
	async power(action: PowerAction, ctx: CallContext): Promise<PowerReport> {
		if (this.#closed) throw new Error("power on a closed console link");
		if (!this.#kvm || this.#kvm.closed) await this.#connect(ctx);
		const kvm = this.#kvm as KvmClient;
		if (action === "status") {
			const state = await kvm.readPower(ctx.signal);
			return {
				state,
				detail:
					state === "unknown"
						? "The BMC did not report the power state."
						: `The BMC reports the server powered ${state}.`,
			};
		}
		ctx.onProgress?.({ message: `Asking the BMC to ${POWER_WORDS[action]}` });
		const seen = await kvm.powerControl(POWER_CONTROL[action], {
			signal: ctx.signal,
			settleMs: this.#options.powerSettleMs,
		});
		const state = seen.at(-1) ?? "unknown";
		const shown = seen.length > 0 ? `; power states read after: ${seen.join(", ")}` : "";
		return {
			state,
			detail: `The BMC accepted the request to ${POWER_WORDS[action]}${shown}.`,
		};
	}

	suspend(): void {
		clearInterval(this.#keepAlive);
		this.#keepAlive = undefined;
		this.#kvm?.close();
		this.#kvm = undefined;
	}

	close(): void {
		this.#closed = true;
		this.suspend();
	}
}
