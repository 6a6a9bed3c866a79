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
import { type BmcSession, type FetchLike, fetchFailure, openBmcSession } from "./bmc-session.ts";
import type { VideoFrameHeader } from "./frame-header.ts";
import {
	encodeIvtp,
	encodeValidatePayload,
	IvtpFramer,
	type IvtpPacket,
	IvtpType,
	PowerStatus,
	STOP_REASONS,
	ValidationResult,
} from "./ivtp.ts";
import { type Deadline, deadline, KvmError } from "./kvm-error.ts";
import { VideoFrameAssembler } from "./video-assembler.ts";

/** Turns one compressed frame into pixels, keeping whatever state skip codes need. */
export interface FrameDecoder {
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
const NO_MAC = "00-00-00-00-00-00";

export class KvmClient {
	readonly #ws: WebSocket;
	/** Text messages carrying base64, rather than binary ones; null until the BMC shows which. */
	#base64: boolean | null;
	readonly #decoder: FrameDecoder;
	readonly #framer = new IvtpFramer();
	readonly #assembler = new VideoFrameAssembler();
	#power: PowerState = "unknown";
	/** The decoder's current screen (it reuses this framebuffer), once a frame was decoded. */
	#screen: Framebuffer | null = null;
	#framesStarted = 0;
	#waiter: Waiter | null = null;
	#quiet: ReturnType<typeof setTimeout> | undefined;
	#failure: Error | null = null;

	private constructor(ws: WebSocket, base64: boolean | null, decoder: FrameDecoder) {
		this.#ws = ws;
		this.#base64 = base64;
		this.#decoder = decoder;
		ws.addEventListener("message", (e) => this.#onMessage(e.data));
		ws.addEventListener("close", (e) =>
			this.#fail(
				new KvmError(
					"connection-closed",
					`the BMC closed the KVM connection${this.#assembler.inProgress ? " in the middle of a video frame" : ""} (code ${e.code}${e.reason ? `: ${e.reason}` : ""})`,
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
			throw fetchFailure("/kvm", `${session.origin}/kvm`, error, [session.sessionId]);
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
