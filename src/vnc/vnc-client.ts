import { LimitError, ProtocolError, UserFacingError } from "../errors.ts";
import { describeRedirect } from "../http/redirect.ts";
import { fetchUpgrade } from "../http/upgrade.ts";
import { workersLimitHint } from "../http/workers-limits.ts";
import { DEFAULT_MAX_HEIGHT, DEFAULT_MAX_WIDTH } from "../image/budget.ts";
import type { Framebuffer } from "../image/framebuffer.ts";
import type { InputEvent } from "../input/events.ts";
import { quoteServerText } from "../server-text.ts";
import { RfbClient, type RfbOptions } from "./rfb.ts";

export interface VncConnectOptions extends RfbOptions {
	/** Makes the WebSocket upgrade request (a Worker's `fetch`, or a stub in tests). */
	fetch: (url: string, init: RequestInit) => Promise<Response>;
	/** ws:// or wss:// URL of the VNC WebSocket endpoint (e.g. websockify). */
	url: string;
	/** Extra upgrade request headers (cookies, authorization). */
	headers?: Record<string, string>;
	/** Sec-WebSocket-Protocol to offer; websockify-style endpoints want "binary" (the default). */
	protocols?: string[];
	signal?: AbortSignal;
	/** Deadline for the upgrade plus the RFB handshake (default 15 s). */
	deadlineMs?: number;
}

export interface CaptureOptions {
	signal?: AbortSignal;
	/** Deadline for this frame (default 30 s). */
	deadlineMs?: number;
}

type Waiter = { resolve: () => void; reject: (e: unknown) => void };

/**
 * Bytes a server may send toward one frame, in largest-screens of 32-bit
 * pixels plus slack: an honest answer is one screen (two after a resize) and
 * a few headers or a cut text. The RFB client bounds pixels painted; this
 * bounds traffic that paints nothing (Bell or cut-text floods, padding).
 */
const SCREENS_PER_FRAME = 2;
const FRAME_SLACK_BYTES = 2 << 20;

/**
 * A VNC connection over a WebSocket, kept open between captures so a warm
 * connection only fetches what changed. Thin driver around `RfbClient`:
 * bytes in, bytes out, and every wait bounded by a deadline; on any error
 * the socket is closed and the client is unusable.
 */
export class VncClient {
	readonly #ws: WebSocket;
	readonly #rfb: RfbClient;
	#waiter: Waiter | null = null;
	#failure: unknown = null;
	/** Frames completed so far; a capture waits for the count to pass its own. */
	#frames = 0;
	#queue: Promise<unknown> = Promise.resolve();
	/** Bytes received since the last frame completed or was requested. */
	#received = 0;
	readonly #maxFrameBytes: number;

	private constructor(
		ws: WebSocket,
		rfb: RfbClient,
		limits: { maxWidth?: number; maxHeight?: number },
	) {
		this.#ws = ws;
		this.#rfb = rfb;
		this.#maxFrameBytes =
			SCREENS_PER_FRAME *
				(limits.maxWidth ?? DEFAULT_MAX_WIDTH) *
				(limits.maxHeight ?? DEFAULT_MAX_HEIGHT) *
				4 +
			FRAME_SLACK_BYTES;
		ws.addEventListener("message", (ev) => this.#onMessage(ev.data));
		ws.addEventListener("close", (ev) =>
			this.#fail(
				new ProtocolError(
					`VNC WebSocket closed (code ${ev.code}${ev.reason ? `; ${quoteServerText("the VNC server", ev.reason)}` : ""})`,
				),
			),
		);
		ws.addEventListener("error", () => this.#fail(new ProtocolError("VNC WebSocket error")));
	}

	static async connect(opts: VncConnectOptions): Promise<VncClient> {
		const deadlineMs = opts.deadlineMs ?? 15_000;
		const signal = withDeadline(opts.signal, deadlineMs);
		const url = new URL(opts.url);
		if (url.protocol !== "ws:" && url.protocol !== "wss:") {
			throw new ProtocolError(`VNC URL must be ws:// or wss://, got ${url.protocol}`);
		}
		url.protocol = url.protocol === "ws:" ? "http:" : "https:";
		const headers: Record<string, string> = { ...opts.headers, Upgrade: "websocket" };
		const protocols = opts.protocols ?? ["binary"];
		if (protocols.length > 0) headers["Sec-WebSocket-Protocol"] = protocols.join(", ");

		let resp: Response;
		try {
			resp = await fetchUpgrade(
				opts.fetch,
				url.toString(),
				{ headers, redirect: "manual" },
				signal,
			);
		} catch (e) {
			const hint = workersLimitHint(e instanceof Error ? e.message : String(e));
			throw deadlineError(
				signal,
				opts.signal,
				`VNC WebSocket upgrade to ${url.host}${hint}`,
				deadlineMs,
				e,
			);
		}
		const ws = resp.webSocket;
		if (resp.status !== 101 || !ws) {
			await resp.body?.cancel();
			const redirect = describeRedirect(resp, url.toString());
			if (redirect !== null) {
				throw new ProtocolError(`VNC WebSocket upgrade to ${url.host} failed: ${redirect}`);
			}
			throw new ProtocolError(`VNC WebSocket upgrade to ${url.host} failed: HTTP ${resp.status}`);
		}
		ws.accept();
		ws.binaryType = "arraybuffer";
		const client = new VncClient(ws, new RfbClient(opts), opts);
		try {
			await client.#wait(
				signal,
				() => client.#rfb.ready,
				"the RFB handshake",
				deadlineMs,
				opts.signal,
			);
		} catch (e) {
			client.close();
			throw e;
		}
		return client;
	}

	get width(): number {
		return this.#rfb.width;
	}
	get height(): number {
		return this.#rfb.height;
	}
	get name(): string {
		return this.#rfb.name;
	}
	/** True once the connection has failed or been closed; it never reopens. */
	get closed(): boolean {
		return this.#failure !== null;
	}
	/** Rectangles decoded so far, by encoding number. */
	get rectCounts(): ReadonlyMap<number, number> {
		return this.#rfb.rectCounts;
	}

	/** The current screen: the first call fetches it whole, later calls only what changed. */
	capture(opts: CaptureOptions = {}): Promise<Framebuffer> {
		const run = this.#queue.then(() => this.#capture(opts));
		this.#queue = run.catch(() => {});
		return run;
	}

	async #capture(opts: CaptureOptions): Promise<Framebuffer> {
		if (this.#failure) throw this.#failure;
		const deadlineMs = opts.deadlineMs ?? 30_000;
		const signal = withDeadline(opts.signal, deadlineMs);
		const frame = this.#frames + 1;
		const wait = this.#wait(
			signal,
			() => this.#frames >= frame,
			"a screen update",
			deadlineMs,
			opts.signal,
		);
		try {
			this.#received = 0;
			this.#rfb.requestFrame();
			this.#flush();
			await wait;
		} catch (e) {
			this.close();
			throw e;
		}
		const fb = this.#rfb.framebuffer;
		return {
			width: fb.width,
			height: fb.height,
			rgba: fb.rgba.slice(),
			damage: this.#rfb.damage.take(),
		};
	}

	/** Whether keys go out as QEMU Extended Key Events (the server acknowledged them). */
	get qemuKeys(): boolean {
		return this.#rfb.qemuKeys;
	}

	/**
	 * Sends keyboard and mouse input in order, after any capture under way
	 * has its frame. RFB has no acknowledgement for input: this resolves once
	 * the bytes are handed to the socket, which delivers them in order.
	 */
	sendInput(events: readonly InputEvent[]): Promise<void> {
		const run = this.#queue.then(() => {
			if (this.#failure) throw this.#failure;
			try {
				this.#rfb.sendInput(events);
				this.#flush();
			} catch (e) {
				this.#fail(
					e instanceof UserFacingError
						? e
						: new ProtocolError(`VNC: sending input failed: ${(e as Error)?.message ?? e}`),
				);
				throw this.#failure;
			}
		});
		this.#queue = run.catch(() => {});
		return run;
	}

	close(): void {
		if (!this.#failure) this.#failure = new ProtocolError("VNC connection closed");
		try {
			this.#ws.close(1000, "done");
		} catch {
			// Already closed.
		}
		this.#waiter?.reject(this.#failure);
		this.#waiter = null;
	}

	/** Resolves when `done()` holds after a message, rejects on failure or deadline. */
	#wait(
		signal: AbortSignal,
		done: () => boolean,
		what: string,
		deadlineMs: number,
		callerSignal: AbortSignal | undefined,
	): Promise<void> {
		return new Promise<void>((resolve, reject) => {
			if (this.#failure) return reject(this.#failure);
			const onAbort = () => {
				this.#waiter = null;
				// The deadline closes the socket: it, not the close, is why this connection ended.
				this.#fail(deadlineError(signal, callerSignal, what, deadlineMs));
				reject(this.#failure);
			};
			if (signal.aborted) return onAbort();
			signal.addEventListener("abort", onAbort, { once: true });
			this.#waiter = {
				resolve: () => {
					if (!done()) return;
					signal.removeEventListener("abort", onAbort);
					this.#waiter = null;
					resolve();
				},
				reject: (e) => {
					signal.removeEventListener("abort", onAbort);
					reject(e);
				},
			};
		});
	}

	#onMessage(data: unknown): void {
		if (this.#failure) return;
		try {
			if (!(data instanceof ArrayBuffer)) {
				throw new ProtocolError("VNC WebSocket sent a text frame; the endpoint must speak binary");
			}
			this.#received += data.byteLength;
			if (this.#received > this.#maxFrameBytes) {
				throw new LimitError(
					`VNC server sent more than ${this.#maxFrameBytes} bytes without completing the requested screen update ` +
						`(${SCREENS_PER_FRAME} screens at MAX_FRAME_SIZE are the most an update needs); closed the connection`,
				);
			}
			this.#rfb.receive(new Uint8Array(data));
			for (const ev of this.#rfb.takeEvents()) {
				if (ev.type !== "frame") continue;
				this.#frames++;
				this.#received = 0;
			}
			this.#flush();
			this.#waiter?.resolve();
		} catch (e) {
			this.#fail(e);
		}
	}

	#flush(): void {
		const out = this.#rfb.takeOutput();
		if (out) this.#ws.send(out);
	}

	#fail(e: unknown): void {
		if (this.#failure) return;
		this.#failure = e;
		this.close();
	}
}

function withDeadline(signal: AbortSignal | undefined, ms: number): AbortSignal {
	const timeout = AbortSignal.timeout(ms);
	return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

/** The caller's own abort reason if they aborted, else a timeout naming what we waited for. */
function deadlineError(
	signal: AbortSignal,
	callerSignal: AbortSignal | undefined,
	what: string,
	ms: number,
	cause?: unknown,
): unknown {
	if (callerSignal?.aborted) return callerSignal.reason;
	if (signal.aborted) return new UserFacingError(`VNC: no answer to ${what} within ${ms} ms`);
	return cause instanceof UserFacingError
		? cause
		: new ProtocolError(`${what} failed: ${(cause as Error)?.message ?? String(cause)}`);
}
