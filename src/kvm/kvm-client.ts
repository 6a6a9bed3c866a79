/**
 * A KVM session with an AMI MegaRAC BMC: IVTP over the BMC's `/kvm`
 * WebSocket, opened through an injected fetch (Workers' outbound WebSocket:
 * `fetch(https://…, {Upgrade: websocket})`, since `wss://` URLs throw there).
 *
 * Handshake, after AMI's HTML5 viewer and ovh-ikvm-mcp (which adds
 * CONNECTION_COMPLETE: some firmware rejects validation without it):
 *   ← CONNECTION_ALLOWED
 *   → CONNECTION_COMPLETE(status 1) + VALIDATE_VIDEO_SESSION(status 1, 373 B)
 *     + RESUME_REDIRECTION, in one message
 *   ← VALIDATED_VIDEO_SESSION (payload[0] = 1 accepted)
 *   → POWER_STATUS   ← POWER_STATUS (status 1 on, 0 off), awaited briefly
 * Each capture then sends POWER_STATUS + RESUME_REDIRECTION + GET_FULL_SCREEN
 * and takes the first frame that starts after it.
 *
 * The power status is reported, never used to refuse: some BMCs say "off"
 * and still send a picture (the upstream client ignores it and gets its
 * frame). Only when a power-off report (or a blank-screen notice) is followed
 * by a few seconds without a frame do we give up, naming what the BMC said.
 * A frame with CompressSize 0 means "nothing changed": it stands for the
 * screen we already have, and when we have none yet we ask again.
 * Between captures video is paused (PAUSE_REDIRECTION) so an idle warm
 * session costs nothing.
 *
 * Every frame that arrives goes through the decoder, in order: updates are
 * skip-coded against the previous frame, so the decoder must see them all.
 * Any failure closes the socket; the client is then spent.
 */

import { concatBytes } from "../bytes.ts";
import { describeRedirect } from "../http/redirect.ts";
import { fetchUpgrade } from "../http/upgrade.ts";
import type { Framebuffer } from "../image/framebuffer.ts";
import type { InputEvent } from "../input/events.ts";
import { quoteServerText } from "../server-text.ts";
import { type BmcSession, type FetchLike, fetchFailure, openBmcSession } from "./bmc-session.ts";
import type { VideoFrameHeader } from "./frame-header.ts";
import {
	absoluteMouseReport,
	type BlockCipher,
	encodeHidPacket,
	type HidDevice,
	keyboardReport,
	scaleAbsolute,
} from "./hid.ts";
import { inputCipher } from "./input-cipher.ts";
import {
	encodeIvtp,
	encodeValidatePayload,
	IvtpFramer,
	type IvtpPacket,
	IvtpType,
	KeyboardLed,
	KvmPrivilege,
	KvmRequest,
	PowerControl,
	PowerStatus,
	STOP_REASONS,
	ValidationResult,
} from "./ivtp.ts";
import { type Deadline, deadline, KvmError } from "./kvm-error.ts";
import { VideoFrameAssembler } from "./video-assembler.ts";

/** Turns one compressed frame into pixels, keeping whatever state skip codes need. */
export interface FrameDecoder {
	/** Throws unless frames with this header are taken; called before their compressed bytes are held. */
	check?(header: VideoFrameHeader): void;
	decode(header: VideoFrameHeader, stream: Uint8Array): Framebuffer;
}

export interface KvmConnectOptions {
	fetch: FetchLike;
	/** Where to start: a viewer URL (single-use), or a session already opened from one. */
	from: { viewerUrl: string } | { session: BmcSession };
	signal?: AbortSignal;
	/** For the whole connect: HTTP session, WebSocket, handshake (default 20 s). */
	deadlineMs?: number;
	/** One per session: it keeps the screen that skip-coded updates build on. */
	decoder: FrameDecoder;
	/** Shown by the BMC in its active-sessions list. */
	user?: string;
}

export interface CapturedFrame {
	header: VideoFrameHeader;
	/** The compressed stream as the BMC sent it. */
	stream: Uint8Array;
	/** The whole screen after this frame: the caller's own copy. */
	framebuffer: Framebuffer;
}

/** As the BMC last reported it; "unknown" until its first POWER_STATUS answer. */
export type PowerState = "on" | "off" | "unknown";

type KvmEvent =
	| { kind: "packet"; packet: IvtpPacket }
	| { kind: "frame"; frame: CapturedFrame; startedAt: number }
	/** A CompressSize 0 frame ("no change") before any picture to stand for. */
	| { kind: "unchanged"; startedAt: number }
	/** The quiet period armed by `#armQuiet` passed without the wait ending. */
	| { kind: "quiet" };

interface Waiter {
	event(event: KvmEvent): void;
	fail(error: Error): void;
}

const DEFAULT_CONNECT_MS = 20_000;
const DEFAULT_CAPTURE_MS = 15_000;
/** How long the handshake waits for the first power report before going on without it. */
const POWER_REPORT_WAIT_MS = 2000;
/** After "power off" or "blank screen", how long a capture still waits for a picture. */
export const NO_PICTURE_GRACE_MS = 3000;
/** "No change" answers to a first request that we answer by asking again. */
const MAX_FULL_SCREEN_RETRIES = 3;
// The HTML5 viewer's defaults when it knows no better.
const DEFAULT_USER = "domain/username";
/**
 * Pause after each keyboard or mouse report. The vendor viewers send back
 * to back, but automation of the vendor viewer uses ~50 ms per character and
 * other KVMs report doubled or dropped keys in some BIOSes, whose keyboard
 * polling is slower than a USB host's. 25 ms per report (50 ms per typed
 * character: press, release) keeps every press and release apart by more
 * than two 8-10 ms USB polling intervals while typing 20 characters a second.
 */
export const DEFAULT_INPUT_DELAY_MS = 25;
/** How long to wait for the LED report or control before going on or giving up. */
const LED_REPORT_WAIT_MS = 1500;
const CONTROL_WAIT_MS = 10_000;
/** After a power request: how often, and for how long at most, to read the power state. */
const POWER_POLL_MS = 1000;
const DEFAULT_POWER_SETTLE_MS = 20_000;
const NO_MAC = "00-00-00-00-00-00";

export class KvmClient {
	readonly #ws: WebSocket;
	/** Text messages carrying base64, rather than binary ones; null until the BMC shows which. */
	#base64: boolean | null;
	readonly #decoder: FrameDecoder;
	readonly #framer = new IvtpFramer();
	readonly #assembler: VideoFrameAssembler;
	#power: PowerState = "unknown";
	/** The decoder's current screen (it reuses this framebuffer), once a frame was decoded. */
	#screen: Framebuffer | null = null;
	#framesStarted = 0;
	#waiter: Waiter | null = null;
	#quiet: ReturnType<typeof setTimeout> | undefined;
	#failure: Error | null = null;
	/** Whether the BMC takes our input: no other viewer holds control. */
	#master = true;
	/** The host's keyboard LEDs (KeyboardLed bits), once reported. */
	#leds: number | null = null;
	/** One number per HID packet on this socket. */
	#sequence = 0;
	/** The KVM token this session was validated with: the key of encrypted input. */
	#token = "";
	/** Set once the BMC asks for encrypted input; from then on every report goes encrypted. */
	#encrypt: BlockCipher | undefined;
	/** Modifier bits and keys held by the reports sent so far. */
	#modifiers = 0;
	#keys: number[] = [];

	private constructor(ws: WebSocket, base64: boolean | null, decoder: FrameDecoder) {
		this.#ws = ws;
		this.#base64 = base64;
		this.#decoder = decoder;
		this.#assembler = new VideoFrameAssembler((header) => decoder.check?.(header));
		ws.addEventListener("message", (e) => this.#onMessage(e.data));
		ws.addEventListener("close", (e) =>
			this.#fail(
				new KvmError(
					"connection-closed",
					`the BMC closed the KVM connection${this.#assembler.inProgress ? " in the middle of a video frame" : ""} (code ${e.code}${e.reason ? `; ${quoteServerText("the BMC", e.reason)}` : ""})`,
				),
			),
		);
		ws.addEventListener("error", () =>
			this.#fail(new KvmError("connection-closed", "the KVM WebSocket failed")),
		);
	}

	/** Opens the session and the socket, and completes the handshake. Closes everything on failure. */
	static async connect(options: KvmConnectOptions): Promise<KvmClient> {
		const ms = options.deadlineMs ?? DEFAULT_CONNECT_MS;
		const limit = deadline(ms, options.signal);
		const session =
			"session" in options.from
				? options.from.session
				: await openBmcSession({
						fetch: options.fetch,
						viewerUrl: options.from.viewerUrl,
						signal: limit,
					});
		const client = await KvmClient.#open(options.fetch, session, limit, options.decoder);
		client.#token = session.kvmToken;
		try {
			await client.#handshake(session, options.user ?? DEFAULT_USER, limit);
		} catch (error) {
			client.#fail(error as Error);
			throw error;
		}
		return client;
	}

	static async #open(
		fetch: FetchLike,
		session: BmcSession,
		limit: Deadline,
		decoder: FrameDecoder,
	): Promise<KvmClient> {
		let response: Response;
		try {
			response = await fetchUpgrade(
				fetch,
				`${session.origin}/kvm`,
				{
					headers: {
						Upgrade: "websocket",
						Cookie: `QSESSIONID=${session.sessionId}`,
						Origin: session.origin,
						"Sec-WebSocket-Protocol": "binary, base64",
					},
					redirect: "manual",
				},
				limit.signal,
			);
		} catch (error) {
			if (limit.signal.aborted) throw limit.failure("opening the KVM WebSocket");
			throw fetchFailure("/kvm", error, [session.sessionId]);
		}
		const ws = response.webSocket;
		if (response.status !== 101 || ws === null) {
			await response.body?.cancel();
			const redirect = describeRedirect(response, `${session.origin}/kvm`);
			if (redirect !== null) {
				throw new KvmError(
					"bmc-http",
					`the BMC answered the KVM WebSocket at /kvm with an ${redirect}`,
				);
			}
			if (response.status === 401 || response.status === 403) {
				throw new KvmError(
					"viewer-expired",
					`the BMC refused the KVM WebSocket (HTTP ${response.status}): its web session has expired. Try again: the next screenshot opens a new console session.`,
				);
			}
			throw new KvmError(
				"bmc-http",
				`the BMC did not open a KVM WebSocket at /kvm (HTTP ${response.status})`,
			);
		}
		ws.binaryType = "arraybuffer";
		ws.accept();
		// The subprotocol the BMC picked says how it talks. A BMC that picks none
		// is heard first (it greets with CONNECTION_ALLOWED): text means base64.
		const protocol = response.headers.get("Sec-WebSocket-Protocol")?.trim().toLowerCase();
		const base64 = protocol === "base64" ? true : protocol === "binary" ? false : null;
		return new KvmClient(ws, base64, decoder);
	}

	async #handshake(session: BmcSession, user: string, limit: Deadline) {
		await this.#wait(limit, "waiting for CONNECTION_ALLOWED", (e) =>
			isPacket(e, IvtpType.CONNECTION_ALLOWED),
		);
		const validate = encodeValidatePayload({
			token: session.kvmToken,
			clientIp: session.clientIp,
			user,
			mac: NO_MAC,
		});
		this.#send(
			concatBytes([
				encodeIvtp(IvtpType.CONNECTION_COMPLETE, 1),
				encodeIvtp(IvtpType.VALIDATE_VIDEO_SESSION, 1, validate),
				encodeIvtp(IvtpType.RESUME_REDIRECTION),
			]),
		);
		await this.#wait(limit, "waiting for session validation", (e) => {
			if (e.kind !== "packet" || e.packet.type !== IvtpType.VALIDATED_VIDEO_SESSION) return;
			const result = e.packet.payload[0] ?? ValidationResult.INVALID_SESSION;
			// Session index above 0: another viewer holds control (older firmware omits it).
			this.#master = (e.packet.payload[1] ?? 0) === 0;
			if (result === ValidationResult.VALID) return true;
			throw new KvmError("validation-rejected", validationMessage(result));
		});
		// Like the viewers, ask for the power state before the first picture;
		// a BMC that does not answer leaves it "unknown" and costs 2 s, not the session.
		this.#send(encodeIvtp(IvtpType.POWER_STATUS));
		this.#armQuiet(POWER_REPORT_WAIT_MS);
		await this.#wait(limit, "waiting for the power status", (e) =>
			e.kind === "quiet" ? true : isPacket(e, IvtpType.POWER_STATUS),
		);
	}

	/** Host power as last reported by the BMC ("unknown" before its first report). */
	get powerState(): PowerState {
		return this.#power;
	}

	/** True once closed or failed; a closed client cannot capture again. */
	get closed(): boolean {
		return this.#failure !== null;
	}

	/**
	 * Requests a full screen and resolves with the first frame that starts
	 * after the request. One capture at a time. Rejects with a KvmError
	 * ("powered-off" or "blank-screen" when such a report is followed by
	 * NO_PICTURE_GRACE_MS without a frame, "timeout", ...) and closes on failure.
	 */
	async captureFrame(
		options: { signal?: AbortSignal; deadlineMs?: number } = {},
	): Promise<CapturedFrame> {
		if (this.#waiter !== null) throw new Error("KvmClient: a capture is already in progress");
		const ms = options.deadlineMs ?? DEFAULT_CAPTURE_MS;
		const limit = deadline(ms, options.signal);
		// Frames are numbered as they start; a frame already under way predates the request.
		const after = this.#framesStarted;
		this.#send(
			concatBytes([
				encodeIvtp(IvtpType.POWER_STATUS),
				encodeIvtp(IvtpType.RESUME_REDIRECTION),
				encodeIvtp(IvtpType.GET_FULL_SCREEN),
			]),
		);
		let unchanged = 0;
		const what = () =>
			unchanged > 0
				? `waiting for a video frame (the BMC answered ${unchanged} times with an empty "no change" frame and no picture yet)`
				: "waiting for a video frame";
		const frame = await this.#wait<CapturedFrame>(limit, what, (e) => {
			switch (e.kind) {
				case "frame": {
					if (e.startedAt <= after) return;
					// The decoder reuses its framebuffer for the next frame; the caller keeps this one.
					const { width, height, rgba } = e.frame.framebuffer;
					return { ...e.frame, framebuffer: { width, height, rgba: rgba.slice() } };
				}
				case "unchanged":
					if (e.startedAt > after && ++unchanged <= MAX_FULL_SCREEN_RETRIES) {
						this.#send(encodeIvtp(IvtpType.GET_FULL_SCREEN));
					}
					return;
				case "quiet":
					throw this.#power === "off"
						? new KvmError(
								"powered-off",
								"the server appears to be powered off (the BMC reports power off and sends no picture)",
							)
						: new KvmError("blank-screen", "the server's display is blank (no video signal)");
				case "packet":
					if (
						(e.packet.type === IvtpType.POWER_STATUS && this.#power === "off") ||
						e.packet.type === IvtpType.PAINT_BLANK_SCREEN
					) {
						this.#armQuiet(NO_PICTURE_GRACE_MS);
					}
			}
		});
		this.#send(encodeIvtp(IvtpType.PAUSE_REDIRECTION));
		return frame;
	}

	/** Whether the BMC takes our keyboard and mouse (no other viewer holds control). */
	get hasControl(): boolean {
		return this.#master;
	}

	/** Caps Lock as the host's LED report last said (false before any report). */
	get capsLock(): boolean {
		return ((this.#leds ?? 0) & KeyboardLed.CAPS_LOCK) !== 0;
	}

	/** Asks the BMC for the host's LEDs; resolves once reported, or after a short wait without. */
	async readLeds(signal?: AbortSignal): Promise<void> {
		this.#send(encodeIvtp(IvtpType.KEYBOARD_LEDS));
		this.#armQuiet(LED_REPORT_WAIT_MS);
		await this.#wait(deadline(CONTROL_WAIT_MS, signal), "waiting for the keyboard LEDs", (e) =>
			e.kind === "quiet" ? true : isPacket(e, IvtpType.KEYBOARD_LEDS),
		);
	}

	/**
	 * Sends keyboard and mouse events as HID reports, in order, `delayMs`
	 * apart; ends with every key released. Asks for control first when
	 * another viewer holds it. Mouse points are native pixels of the last
	 * decoded frame. Caps Lock is the caller's concern (see `capsLock`).
	 * Resolves once the BMC has answered a request sent after the last report.
	 */
	async sendInput(
		events: readonly InputEvent[],
		options: { signal?: AbortSignal; delayMs?: number } = {},
	): Promise<void> {
		if (this.#waiter !== null) throw new Error("KvmClient: another operation is in progress");
		const delayMs = options.delayMs ?? DEFAULT_INPUT_DELAY_MS;
		if (!this.#master) await this.#requestControl(options.signal);
		let typed = false;
		try {
			for (const event of events) {
				if (event.kind === "key") {
					typed = true;
					this.#key(event.usage, event.down);
					this.#report("keyboard", keyboardReport(this.#modifiers, this.#keys));
				} else {
					const screen = this.#screen;
					if (screen === null) {
						throw new KvmError(
							"unsupported",
							"the console's screen size is not known yet: take a screenshot before using the mouse",
						);
					}
					const x = scaleAbsolute(event.x, screen.width);
					const y = scaleAbsolute(event.y, screen.height);
					this.#report("mouse", absoluteMouseReport(hidButtons(event.buttons), x, y, -event.wheel));
				}
				await pause(delayMs, options.signal);
			}
		} finally {
			// Every key sequence ends all-released, as the vendor viewer's do, and
			// no key stays held on the host whatever happened above.
			if ((typed || this.#modifiers !== 0 || this.#keys.length > 0) && !this.closed) {
				this.#modifiers = 0;
				this.#keys = [];
				this.#report("keyboard", keyboardReport(0, []));
			}
		}
		// The BMC answers in order: this answer means it has read every report
		// above. (Not the LED request: lock keys make the BMC send LED reports unasked.)
		await this.readPower(options.signal);
	}

	/** The size of the last decoded frame, which mouse points are relative to. */
	get screenSize(): { width: number; height: number } | null {
		return this.#screen && { width: this.#screen.width, height: this.#screen.height };
	}

	/**
	 * Asks the BMC to act on host power (0x23), and requires its 0x24
	 * "accepted". Resolves with the power states it then read, one per poll
	 * (every second, until the expected state shows, `settleMs` pass or
	 * `signal` aborts): acceptance is not completion.
	 */
	async powerControl(
		action: number,
		options: { signal?: AbortSignal; settleMs?: number } = {},
	): Promise<PowerState[]> {
		if (this.#waiter !== null) throw new Error("KvmClient: another operation is in progress");
		const limit = deadline(CONTROL_WAIT_MS, options.signal);
		this.#send(encodeIvtp(IvtpType.POWER_CONTROL, action));
		const status = await this.#wait(
			limit,
			"waiting for the BMC to accept the power request",
			(e) =>
				e.kind === "packet" && e.packet.type === IvtpType.POWER_CONTROL_RESPONSE
					? e.packet.status
					: undefined,
		);
		if (status !== 0) {
			throw new KvmError(
				"power-refused",
				`the BMC did not accept the power request (status ${status}); check that the BMC user may control power`,
			);
		}
		const want = action === PowerControl.OFF || action === PowerControl.SOFT_OFF ? "off" : "on";
		const seen: PowerState[] = [];
		const end = Date.now() + (options.settleMs ?? DEFAULT_POWER_SETTLE_MS);
		while (Date.now() < end && !options.signal?.aborted) {
			await pause(POWER_POLL_MS, options.signal).catch(() => {});
			if (options.signal?.aborted) break;
			seen.push(await this.readPower(options.signal));
			// NMI changes no state. A cycle's off may pass between two reads: on ends it too.
			if (action === PowerControl.NMI || seen.at(-1) === want) break;
		}
		return seen;
	}

	/** Asks the BMC for the power state; "unknown" when it does not answer within 2 s. */
	async readPower(signal?: AbortSignal): Promise<PowerState> {
		this.#send(encodeIvtp(IvtpType.POWER_STATUS));
		this.#armQuiet(POWER_REPORT_WAIT_MS);
		const answered = await this.#wait(
			deadline(CONTROL_WAIT_MS, signal),
			"waiting for the power status",
			(e) => (e.kind === "quiet" ? false : isPacket(e, IvtpType.POWER_STATUS)),
		);
		return answered ? this.#power : "unknown";
	}

	async #requestControl(signal?: AbortSignal): Promise<void> {
		this.#send(encodeIvtp(IvtpType.SET_NEXT_MASTER));
		const limit = deadline(CONTROL_WAIT_MS, signal);
		await this.#wait(
			limit,
			"waiting for another viewer to hand over keyboard and mouse control",
			(e) => {
				if (this.#master) return true;
				if (e.kind !== "packet") return;
				const { type, status } = e.packet;
				if (type !== IvtpType.KVM_SHARING && type !== IvtpType.SET_NEXT_MASTER) return;
				const answer = status >> 8;
				if ((status & 0xff) === KvmPrivilege.RESPONSE_TO_SLAVE && answer !== KvmRequest.ALLOWED) {
					throw new KvmError(
						"control-refused",
						"another viewer holds this console's keyboard and mouse and refused to hand them over; ask whoever has the BMC's KVM viewer open to close it",
					);
				}
			},
		);
	}

	#key(usage: number, down: boolean): void {
		if (usage >= 0xe0 && usage <= 0xe7) {
			const bit = 1 << (usage - 0xe0);
			this.#modifiers = down ? this.#modifiers | bit : this.#modifiers & ~bit;
			return;
		}
		const held = this.#keys.indexOf(usage);
		if (down && held < 0 && this.#keys.length < 6) this.#keys.push(usage);
		if (!down && held >= 0) this.#keys.splice(held, 1);
	}

	#report(device: HidDevice, report: Uint8Array): void {
		this.#send(encodeHidPacket(device, report, this.#sequence, this.#encrypt));
		this.#sequence = (this.#sequence + 1) >>> 0;
	}

	/** Tells the BMC we are still here; the HTML5 viewer sends this every 3 s. */
	keepAlive(): void {
		if (!this.closed) this.#send(encodeIvtp(IvtpType.KEEP_ALIVE));
	}

	close(): void {
		this.#fail(new KvmError("connection-closed", "the KVM client was closed"));
	}

	#send(bytes: Uint8Array): void {
		if (this.#failure) throw this.#failure;
		this.#ws.send(this.#base64 === true ? btoa(String.fromCharCode(...bytes)) : bytes);
	}

	#onMessage(data: ArrayBuffer | string): void {
		if (this.#failure) return;
		this.#base64 ??= typeof data === "string";
		try {
			const bytes = typeof data === "string" ? base64Bytes(data) : new Uint8Array(data);
			for (const packet of this.#framer.push(bytes)) this.#onPacket(packet);
		} catch (error) {
			this.#fail(error as Error);
		}
	}

	#onPacket(packet: IvtpPacket): void {
		switch (packet.type) {
			case IvtpType.STOP_SESSION_IMMEDIATE:
				throw new KvmError(
					"session-ended",
					`the BMC ended the KVM session: ${STOP_REASONS[packet.status] ?? `reason ${packet.status}`}`,
				);
			case IvtpType.MAX_SESSION_CLOSE:
				throw new KvmError(
					"session-ended",
					packet.status === 1
						? "the BMC refused the KVM session: this client already has one open"
						: "the BMC refused the KVM session: it has as many KVM sessions open as it allows",
				);
			case IvtpType.POWER_STATUS:
				this.#power = packet.status === PowerStatus.OFF ? "off" : "on";
				break;
			case IvtpType.KEYBOARD_LEDS:
				if (packet.payload.length > 0) this.#leds = packet.payload[0];
				break;
			case IvtpType.ENCRYPTION_STATUS:
			case IvtpType.INITIAL_ENCRYPTION_STATUS:
				// JViewer turns encryption on for either and never back off in the session.
				this.#encrypt ??= inputCipher(this.#token).encrypt;
				break;
			case IvtpType.SET_NEXT_MASTER:
			case IvtpType.KVM_SHARING: {
				const privilege = packet.status & 0xff;
				if (
					(privilege === KvmPrivilege.RESPONSE_TO_SLAVE ||
						privilege === KvmPrivilege.SWITCH_MASTER) &&
					packet.status >> 8 === KvmRequest.ALLOWED
				) {
					this.#master = true;
				}
				break;
			}
			case IvtpType.VIDEO_PACKETS: {
				if (!this.#assembler.inProgress) this.#framesStarted++;
				const frame = this.#assembler.push(packet.payload);
				if (frame === null) return;
				if (frame.header.compressSize === 0) {
					// "No change": the screen we have is still the screen.
					this.#waiter?.event(
						this.#screen === null
							? { kind: "unchanged", startedAt: this.#framesStarted }
							: {
									kind: "frame",
									frame: { ...frame, framebuffer: this.#screen },
									startedAt: this.#framesStarted,
								},
					);
					return;
				}
				if (frame.header.rc4) {
					throw new KvmError(
						"unsupported",
						"the BMC sends RC4-encrypted video; turn KVM encryption off in its settings",
					);
				}
				const framebuffer = this.#decoder.decode(frame.header, frame.stream);
				this.#screen = framebuffer;
				this.#waiter?.event({
					kind: "frame",
					frame: { ...frame, framebuffer },
					startedAt: this.#framesStarted,
				});
				return;
			}
		}
		this.#waiter?.event({ kind: "packet", packet });
	}

	/**
	 * Resolves with the first non-undefined `step` result; `step` may throw to
	 * fail the session. Times out or aborts per `limit`.
	 */
	#wait<T>(
		limit: Deadline,
		what: string | (() => string),
		step: (event: KvmEvent) => T | undefined,
	): Promise<T> {
		if (this.#failure) return Promise.reject(this.#failure);
		return new Promise<T>((resolve, reject) => {
			const done = () => {
				this.#waiter = null;
				this.#clearQuiet();
				limit.signal.removeEventListener("abort", onAbort);
			};
			const onAbort = () => this.#fail(limit.failure(typeof what === "string" ? what : what()));
			this.#waiter = {
				event: (event) => {
					const result = step(event);
					if (result === undefined) return;
					done();
					resolve(result);
				},
				fail: (error) => {
					done();
					reject(error);
				},
			};
			if (limit.signal.aborted) onAbort();
			else limit.signal.addEventListener("abort", onAbort);
		});
	}

	/** Sends the current wait a "quiet" event after `ms`, unless it ends first; arms once per wait. */
	#armQuiet(ms: number): void {
		if (this.#quiet !== undefined) return;
		this.#quiet = setTimeout(() => {
			this.#quiet = undefined;
			try {
				this.#waiter?.event({ kind: "quiet" });
			} catch (error) {
				this.#fail(error as Error);
			}
		}, ms);
	}

	#clearQuiet(): void {
		clearTimeout(this.#quiet);
		this.#quiet = undefined;
	}

	/** First failure wins: record it, close the socket, reject whoever waits. */
	#fail(error: Error): void {
		if (this.#failure) return;
		this.#failure = error;
		this.#clearQuiet();
		try {
			this.#ws.close(1000, "done");
		} catch {
			// Already closed by the peer: nothing left to release.
		}
		this.#waiter?.fail(error);
	}
}

/** connect + one capture + close: the one-shot screenshot. */
export async function captureScreenshot(options: KvmConnectOptions): Promise<CapturedFrame> {
	const kvm = await KvmClient.connect(options);
	try {
		return await kvm.captureFrame({ signal: options.signal });
	} finally {
		kvm.close();
	}
}

/** Our button bits (left 1, middle 2, right 4) as HID's (left 1, right 2, middle 4). */
function hidButtons(buttons: number): number {
	return (buttons & 1) | ((buttons & 4) >> 1) | ((buttons & 2) << 1);
}

/** Resolves after `ms`, or rejects when `signal` aborts first. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
	if (ms <= 0) return Promise.resolve();
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			signal?.removeEventListener("abort", onAbort);
			resolve();
		}, ms);
		const onAbort = () => {
			clearTimeout(timer);
			reject(new KvmError("aborted", "sending input: cancelled"));
		};
		if (signal?.aborted) onAbort();
		else signal?.addEventListener("abort", onAbort, { once: true });
	});
}

function isPacket(event: KvmEvent, type: number): true | undefined {
	return event.kind === "packet" && event.packet.type === type ? true : undefined;
}

function validationMessage(result: number): string {
	switch (result) {
		case ValidationResult.KVM_DISABLED:
			return "the BMC refused the KVM session: KVM is disabled on this BMC";
		case ValidationResult.INVALID_SESSION_INFO:
			return "the BMC refused the KVM session: it rejected the session details we sent";
		default:
			return "the BMC refused the KVM token (invalid, expired or already used). Try again: the next screenshot opens a new console session.";
	}
}

function base64Bytes(text: string): Uint8Array {
	let binary: string;
	try {
		binary = atob(text);
	} catch {
		throw new KvmError("bmc-http", "the BMC sent a base64 KVM message that is not base64");
	}
	const bytes = new Uint8Array(binary.length);
	for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
	return bytes;
}
