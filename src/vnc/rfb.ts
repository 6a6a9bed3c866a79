import { concatBytes } from "../bytes.ts";
import { LimitError, ProtocolError } from "../errors.ts";
import {
	checkScreenBudget,
	checkTransit,
	DEFAULT_MAX_HEIGHT,
	DEFAULT_MAX_WIDTH,
} from "../image/budget.ts";
import { DamageLog, type Framebuffer } from "../image/framebuffer.ts";
import type { InputEvent } from "../input/events.ts";
import { quoteServerText, serverTextLiteral } from "../server-text.ts";
import { ByteQueue } from "./byte-queue.ts";
import { vncAuthResponse } from "./des.ts";
import { CopyRectDecoder } from "./encodings/copyrect.ts";
import { HextileDecoder } from "./encodings/hextile.ts";
import type { DecodeTarget, Rect, RectDecoder } from "./encodings/index.ts";
import { RawDecoder } from "./encodings/raw.ts";
import { TightDecoder } from "./encodings/tight.ts";
import { ZrleDecoder } from "./encodings/zrle.ts";
import { encodeInput } from "./input.ts";
import {
	encodePixelFormat,
	type PixelFormat,
	parsePixelFormat,
	pixelReaders,
	RGB888_LE,
	samePixelFormat,
} from "./pixel-format.ts";

/** Encoding numbers (RFC 6143 §7.7 and the RFB community registry). */
export const Encoding = {
	raw: 0,
	copyRect: 1,
	hextile: 5,
	tight: 7,
	zrle: 16,
	desktopSize: -223,
	/** QEMU Extended Key Event: the server takes physical keys (XT scancodes) with keysyms. */
	qemuExtendedKeyEvent: -258,
	/** Tight JPEG quality 0..9 (-32..-23); without one, Tight servers stay lossless. */
	jpegQuality: (level: number): number => -32 + level,
} as const;

/** Lossless encodings first (the server picks the first it supports), then pseudo-encodings. */
export const DEFAULT_ENCODINGS: readonly number[] = [
	Encoding.copyRect,
	Encoding.tight,
	Encoding.zrle,
	Encoding.hextile,
	Encoding.raw,
	Encoding.desktopSize,
	Encoding.qemuExtendedKeyEvent,
];

export interface RfbOptions {
	/** For VNC Authentication (security type 2). */
	password?: string;
	/** SetEncodings list in preference order; Raw is always accepted. */
	encodings?: readonly number[];
	/** What to ask for with SetPixelFormat; "server" keeps the server's own (when true colour). */
	pixelFormat?: PixelFormat | "server";
	/** Largest screen we agree to hold (default 2560 x 1600, the MAX_FRAME_SIZE default). */
	maxWidth?: number;
	maxHeight?: number;
}

export type RfbEvent =
	| { type: "ready"; width: number; height: number; name: string }
	/** A complete, current frame is in `framebuffer` (answer to `requestFrame`). */
	| { type: "frame" };

const SECURITY_NAMES: Record<number, string> = {
	0: "Invalid",
	1: "None",
	2: "VNC Authentication",
	5: "RA2",
	6: "RA2ne",
	16: "Tight",
	17: "Ultra",
	18: "TLS",
	19: "VeNCrypt",
	20: "GTK-VNC SASL",
	21: "MD5 hash",
	22: "xvp",
	30: "Apple Remote Desktop",
	113: "MS-Logon II",
};

function securityName(type: number): string {
	return `${type} (${SECURITY_NAMES[type] ?? "unknown"})`;
}

const MAX_REASON = 64 * 1024;
const MAX_NAME = 64 * 1024;
const MAX_CUT_TEXT = 1024 * 1024;
/**
 * Pixels a server may make us paint or allocate per frame request, in
 * largest-screens: an honest answer paints about one screen (two after a
 * resize), while 16-byte CopyRect or DesktopSize rectangles could otherwise
 * make a few KiB cost seconds.
 */
const SCREENS_PER_REQUEST = 8;
/**
 * Most bytes handed to the parser at once. A WebSocket message may hold many
 * messages (a cut-text flood); fed in slices, the queue holds what one
 * message still needs, never a whole WebSocket message on top of it.
 */
const RECEIVE_SLICE = 64 * 1024;

type State =
	| "version"
	| "security-types"
	| "security-type-33"
	| "challenge"
	| "security-result"
	| "server-init"
	| "normal"
	| "failed";

/**
 * Sans-IO RFB 3.3/3.7/3.8 client: feed it what the server sent (`receive`),
 * send what `takeOutput` returns, act on `takeEvents`. Errors are thrown
 * from `receive` as ProtocolError or LimitError; the client is then dead.
 */
export class RfbClient {
	readonly #opts: RfbOptions;
	readonly #maxWidth: number;
	readonly #maxHeight: number;
	readonly #in = new ByteQueue();
	#out: Uint8Array[] = [];
	#events: RfbEvent[] = [];
	#state: State = "version";
	#minor = 8;

	#fb: Framebuffer = { width: 0, height: 0, rgba: new Uint8Array(0) };
	/** A DesktopSize not yet allocated: a flood of them in one update costs one framebuffer. */
	#pendingSize: { width: number; height: number } | null = null;
	/** Bytes of a ServerCutText still to skip; it streams past rather than being held. */
	#cutTextLeft = 0;
	#target: DecodeTarget | null = null;
	#name = "";
	readonly #decoders = new Map<number, RectDecoder>();
	#encodings: readonly number[];

	// FramebufferUpdate progress.
	#rectsLeft = -1;
	#rect: (Rect & { encoding: number }) | null = null;
	#resized = false;
	/** Whether the update so far holds only acknowledgements (no pixels, no resize). */
	#onlyAcks = false;
	/** The server acknowledged QEMU Extended Key Events. */
	#qemuKeys = false;

	#haveFrame = false;
	#wantFrame = false;
	/** Pixels of rectangles and resizes since the last requestFrame. */
	#painted = 0;
	readonly #rectCounts = new Map<number, number>();

	constructor(opts: RfbOptions = {}) {
		this.#opts = opts;
		this.#maxWidth = opts.maxWidth ?? DEFAULT_MAX_WIDTH;
		this.#maxHeight = opts.maxHeight ?? DEFAULT_MAX_HEIGHT;
		this.#encodings = opts.encodings ?? DEFAULT_ENCODINGS;
	}

	get ready(): boolean {
		return this.#state === "normal";
	}
	get width(): number {
		return this.#fb.width;
	}
	get height(): number {
		return this.#fb.height;
	}
	get name(): string {
		return this.#name;
	}
	/** The rectangles painted between captures. */
	readonly damage = new DamageLog();

	/** The live framebuffer; copy it before handing it out. */
	get framebuffer(): Framebuffer {
		return this.#fb;
	}
	/** Rectangles decoded so far, by encoding number. */
	get rectCounts(): ReadonlyMap<number, number> {
		return this.#rectCounts;
	}
	/** Whether keys go out as QEMU Extended Key Events (physical key and keysym). */
	get qemuKeys(): boolean {
		return this.#qemuKeys;
	}

	/** Queues keyboard and mouse input, in order (see `encodeInput`). */
	sendInput(events: readonly InputEvent[]): void {
		if (this.#state !== "normal") throw new Error("RfbClient.sendInput before ready");
		const { width, height } = this.#fb;
		for (const m of encodeInput(events, { qemuKeys: this.#qemuKeys, width, height })) {
			this.#send(m);
		}
	}

	takeOutput(): Uint8Array | null {
		if (this.#out.length === 0) return null;
		const parts = this.#out;
		this.#out = [];
		return parts.length === 1 ? parts[0] : concatBytes(parts);
	}

	takeEvents(): RfbEvent[] {
		const e = this.#events;
		this.#events = [];
		return e;
	}

	/**
	 * Asks for a frame; a "frame" event follows when it is complete. The first
	 * asks for the whole screen. Later ones ask incrementally, plus a
	 * non-incremental 1x1 probe: servers answer an incremental request only
	 * when something changed, and the probe makes them answer a still screen
	 * too, with every pending change in the same update.
	 */
	requestFrame(): void {
		if (this.#state !== "normal") throw new Error("RfbClient.requestFrame before ready");
		this.#painted = 0;
		this.#request();
	}

	#request(): void {
		this.#wantFrame = true;
		const { width, height } = this.#fb;
		if (!this.#haveFrame) {
			this.#send(updateRequest(false, 0, 0, width, height));
		} else {
			this.#send(updateRequest(true, 0, 0, width, height));
			this.#send(updateRequest(false, 0, 0, 1, 1));
		}
	}

	receive(bytes: Uint8Array): void {
		if (this.#state === "failed") throw new ProtocolError("RFB connection already failed");
		try {
			for (let at = 0; at < bytes.length || at === 0; at += RECEIVE_SLICE) {
				this.#in.push(bytes.subarray(at, at + RECEIVE_SLICE));
				while (this.#step()) {}
				const { width, height } = this.#fb;
				checkTransit(this.#in.length, width, height, "VNC data received but not yet decoded");
			}
		} catch (e) {
			this.#state = "failed";
			throw e;
		}
	}

	#send(b: Uint8Array): void {
		this.#out.push(b);
	}

	/** Handles one message or part of one; false when it needs more bytes. */
	#step(): boolean {
		const q = this.#in;
		switch (this.#state) {
			case "version":
				return this.#version();
			case "security-types": {
				if (q.length < 1) return false;
				const n = q.u8(0);
				if (n === 0) return this.#refused(1, "refused the connection");
				if (q.length < 1 + n) return false;
				const offered = [...q.take(1 + n).subarray(1)];
				this.#chooseSecurity(offered);
				return true;
			}
			case "security-type-33": {
				if (q.length < 4) return false;
				const type = q.u32(0);
				if (type === 0) return this.#refused(4, "refused the connection");
				q.skip(4);
				this.#chooseSecurity([type], true);
				return true;
			}
			case "challenge": {
				if (q.length < 16) return false;
				this.#send(vncAuthResponse(this.#opts.password ?? "", q.take(16)));
				this.#state = "security-result";
				return true;
			}
			case "security-result": {
				if (q.length < 4) return false;
				const result = q.u32(0);
				if (result === 0) {
					q.skip(4);
					this.#clientInit();
					return true;
				}
				if (this.#minor >= 8) return this.#refused(4, "rejected authentication");
				throw new ProtocolError(
					`VNC server rejected authentication (RFB 3.${this.#minor} sends no reason; wrong password?)`,
				);
			}
			case "server-init":
				return this.#serverInit();
			case "normal":
				return this.#message();
			case "failed":
				return false;
		}
	}

	#version(): boolean {
		const q = this.#in;
		if (q.length < 12) return false;
		const text = String.fromCharCode(...q.take(12));
		const m = /^RFB (\d{3})\.(\d{3})\n$/.exec(text);
		if (!m) throw new ProtocolError(`not an RFB server: greeting ${serverTextLiteral(text)}`);
		const major = Number(m[1]);
		const minor = Number(m[2]);
		if (major !== 3 || minor < 3) {
			throw new ProtocolError(`unsupported RFB version ${major}.${minor} (we speak 3.3, 3.7, 3.8)`);
		}
		// 3.4-3.6 are vendor variants of 3.3; 3.889 (Apple) and later behave as 3.8.
		this.#minor = minor >= 8 ? 8 : minor === 7 ? 7 : 3;
		this.#send(ascii(`RFB 003.00${this.#minor}\n`));
		this.#state = this.#minor === 3 ? "security-type-33" : "security-types";
		return true;
	}

	/** Reads "u32 length + reason" at `at` and fails with it. */
	#refused(at: number, what: string): boolean {
		const q = this.#in;
		if (q.length < at + 4) return false;
		const len = q.u32(at);
		if (len > MAX_REASON) throw new LimitError(`VNC server ${what} with a ${len}-byte reason`);
		if (q.length < at + 4 + len) return false;
		const reason = new TextDecoder().decode(q.take(at + 4 + len).subarray(at + 4));
		throw new ProtocolError(`VNC server ${what}; ${quoteServerText("the VNC server", reason)}`);
	}

	#chooseSecurity(offered: number[], chosenByServer = false): void {
		const hasPassword = this.#opts.password !== undefined;
		let type: number;
		if (offered.includes(1)) type = 1;
		else if (offered.includes(2) && hasPassword) type = 2;
		else if (offered.includes(2)) {
			throw new ProtocolError("VNC server requires VNC Authentication (type 2); no password given");
		} else {
			throw new ProtocolError(
				`VNC server offers no security type we support (None, VNC Authentication): it offered ${offered.map(securityName).join(", ")}`,
			);
		}
		if (!chosenByServer) this.#send(Uint8Array.of(type));
		// RFB 3.8 sends SecurityResult for None too; older versions only after VNC auth.
		if (type === 2) this.#state = "challenge";
		else if (this.#minor >= 8) this.#state = "security-result";
		else this.#clientInit();
	}

	#clientInit(): void {
		this.#send(Uint8Array.of(1)); // shared: leave other viewers of this console connected
		this.#state = "server-init";
	}

	#serverInit(): boolean {
		const q = this.#in;
		if (q.length < 24) return false;
		const nameLength = q.u32(20);
		if (nameLength > MAX_NAME) throw new LimitError(`VNC desktop name is ${nameLength} bytes`);
		if (q.length < 24 + nameLength) return false;
		const width = q.u16(0);
		const height = q.u16(2);
		const native = parsePixelFormat(q.peek(16, 4), 0);
		this.#name = new TextDecoder().decode(q.take(24 + nameLength).subarray(24));
		this.#resize(width, height);

		const wanted = this.#opts.pixelFormat ?? RGB888_LE;
		const keep = wanted === "server" ? native.trueColour : samePixelFormat(native, wanted);
		const format = keep ? native : wanted === "server" ? RGB888_LE : wanted;
		if (!keep) {
			const msg = new Uint8Array(20);
			msg[0] = 0; // SetPixelFormat
			msg.set(encodePixelFormat(format), 4);
			this.#send(msg);
		}
		// Every update after this point is in `format`: servers may only send
		// updates in answer to requests, and ours follow SetPixelFormat.
		this.#setFormat(format);

		const enc = new Uint8Array(4 + 4 * this.#encodings.length);
		const v = new DataView(enc.buffer);
		v.setUint8(0, 2); // SetEncodings
		v.setUint16(2, this.#encodings.length);
		this.#encodings.forEach((e, i) => {
			v.setInt32(4 + 4 * i, e);
		});
		this.#send(enc);
		this.#state = "normal";
		this.#events.push({ type: "ready", width, height, name: this.#name });
		return true;
	}

	#setFormat(pf: PixelFormat): void {
		const px = pixelReaders(pf);
		this.#target = { fb: this.#fb, pixels: u32View(this.#fb), px };
	}

	/** Throws unless a width x height screen is within MAX_FRAME_SIZE and the memory budget. */
	#checkSize(width: number, height: number): void {
		if (width > this.#maxWidth || height > this.#maxHeight) {
			throw new LimitError(
				`VNC screen ${width}x${height} exceeds the ${this.#maxWidth}x${this.#maxHeight} limit`,
			);
		}
		checkScreenBudget(width, height, "VNC screen");
	}

	/** Allocates the screen a DesktopSize announced, once its pixels or the update's end need it. */
	#applyPendingSize(): void {
		const size = this.#pendingSize;
		if (size === null) return;
		this.#pendingSize = null;
		this.#resize(size.width, size.height);
	}

	#resize(width: number, height: number): void {
		this.#checkSize(width, height);
		this.damage.addAll();
		if (width === this.#fb.width && height === this.#fb.height) {
			// Same size: the full update that follows repaints this buffer.
			new Uint32Array(this.#fb.rgba.buffer).fill(0xff000000);
			return;
		}
		// Drop the old screen before allocating the new one, so both are never held.
		this.#fb = { width: 0, height: 0, rgba: new Uint8Array(0) };
		const rgba = new Uint8Array(width * height * 4);
		new Uint32Array(rgba.buffer).fill(0xff000000);
		this.#fb = { width, height, rgba };
		if (this.#target) this.#target = { ...this.#target, fb: this.#fb, pixels: u32View(this.#fb) };
	}

	#message(): boolean {
		const q = this.#in;
		if (this.#cutTextLeft > 0) {
			if (q.length === 0) return false;
			const n = Math.min(q.length, this.#cutTextLeft);
			q.skip(n);
			this.#cutTextLeft -= n;
			return true;
		}
		if (this.#rectsLeft >= 0) return this.#updateRect();
		if (q.length < 1) return false;
		const type = q.u8(0);
		switch (type) {
			case 0: {
				// FramebufferUpdate
				if (q.length < 4) return false;
				this.#rectsLeft = q.u16(2);
				this.#onlyAcks = this.#rectsLeft > 0;
				q.skip(4);
				return true;
			}
			case 1: {
				// SetColourMapEntries: we always use true colour, so skip it.
				if (q.length < 6) return false;
				const n = q.u16(4);
				if (q.length < 6 + 6 * n) return false;
				q.skip(6 + 6 * n);
				return true;
			}
			case 2:
				q.skip(1); // Bell
				return true;
			case 3: {
				// ServerCutText: not ours to read.
				if (q.length < 8) return false;
				const len = q.u32(4);
				if (len > MAX_CUT_TEXT) throw new LimitError(`VNC server cut text is ${len} bytes`);
				q.skip(8);
				this.#cutTextLeft = len;
				return true;
			}
			default:
				throw new ProtocolError(`VNC server sent unknown message type ${type}`);
		}
	}

	#updateRect(): boolean {
		const q = this.#in;
		if (this.#rectsLeft === 0) {
			this.#rectsLeft = -1;
			this.#updateDone();
			return true;
		}
		if (!this.#rect) {
			if (q.length < 12) return false;
			const rect = {
				x: q.u16(0),
				y: q.u16(2),
				width: q.u16(4),
				height: q.u16(6),
				encoding: q.s32(8),
			};
			q.skip(12);
			if (rect.encoding === Encoding.qemuExtendedKeyEvent) {
				// QEMU's acknowledgement: no data, and its size (the screen's) paints nothing.
				if (!this.#encodings.includes(rect.encoding)) {
					throw new ProtocolError(
						"VNC server acknowledged QEMU key events, which we did not ask for",
					);
				}
				this.#qemuKeys = true;
				this.#rectsLeft--;
				return true;
			}
			this.#onlyAcks = false;
			this.#painted += rect.width * rect.height;
			const budget = SCREENS_PER_REQUEST * this.#maxWidth * this.#maxHeight;
			if (this.#painted > budget) {
				throw new LimitError(
					`VNC server sent more than ${SCREENS_PER_REQUEST} screens of ${this.#maxWidth}x${this.#maxHeight} pixels for one frame request`,
				);
			}
			if (rect.encoding === Encoding.desktopSize) {
				this.#checkSize(rect.width, rect.height);
				this.#pendingSize = { width: rect.width, height: rect.height };
				this.#resized = true;
				this.#rectsLeft--;
				return true;
			}
			this.#applyPendingSize();
			const { width, height } = this.#fb;
			if (rect.x + rect.width > width || rect.y + rect.height > height) {
				throw new ProtocolError(
					`VNC rectangle ${rect.width}x${rect.height} at ${rect.x},${rect.y} is outside the ${width}x${height} screen`,
				);
			}
			if (rect.encoding !== Encoding.raw && !this.#encodings.includes(rect.encoding)) {
				throw new ProtocolError(
					`VNC server used encoding ${rect.encoding}, which we did not offer`,
				);
			}
			// Counted from its first byte: a capture may come while it is half painted.
			this.damage.add({ x: rect.x, y: rect.y, width: rect.width, height: rect.height });
			this.#rect = rect;
		}
		const rect = this.#rect;
		if (!this.#decoder(rect.encoding).decode(rect, q, this.#target as DecodeTarget)) return false;
		this.#rectCounts.set(rect.encoding, (this.#rectCounts.get(rect.encoding) ?? 0) + 1);
		this.#rect = null;
		this.#rectsLeft--;
		return true;
	}

	#decoder(encoding: number): RectDecoder {
		let d = this.#decoders.get(encoding);
		if (!d) {
			d = newDecoder(encoding);
			this.#decoders.set(encoding, d);
		}
		return d;
	}

	#updateDone(): void {
		this.#applyPendingSize();
		// QEMU sends its acknowledgement unasked, in an update of its own: not a frame.
		if (this.#onlyAcks) return;
		if (this.#resized) {
			// New screen size: its pixels come with a full update we ask for now.
			this.#resized = false;
			this.#haveFrame = false;
			if (this.#wantFrame) this.#request();
			return;
		}
		this.#haveFrame = true;
		if (this.#wantFrame) {
			this.#wantFrame = false;
			this.#events.push({ type: "frame" });
		}
	}
}

/** A fresh decoder for one encoding; a connection keeps one per encoding (zlib streams live in them). */
export function newDecoder(encoding: number): RectDecoder {
	switch (encoding) {
		case Encoding.raw:
			return new RawDecoder();
		case Encoding.copyRect:
			return new CopyRectDecoder();
		case Encoding.hextile:
			return new HextileDecoder();
		case Encoding.zrle:
			return new ZrleDecoder();
		case Encoding.tight:
			return new TightDecoder();
		default:
			throw new ProtocolError(`no decoder for VNC encoding ${encoding}`);
	}
}

function updateRequest(incremental: boolean, x: number, y: number, w: number, h: number) {
	const b = new Uint8Array(10);
	const v = new DataView(b.buffer);
	v.setUint8(0, 3);
	v.setUint8(1, incremental ? 1 : 0);
	v.setUint16(2, x);
	v.setUint16(4, y);
	v.setUint16(6, w);
	v.setUint16(8, h);
	return b;
}

function ascii(s: string): Uint8Array {
	return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

function u32View(fb: Framebuffer): Uint32Array {
	return new Uint32Array(fb.rgba.buffer, fb.rgba.byteOffset, fb.width * fb.height);
}

// Decoders write RGBA through a Uint32Array, which is only RGBA on little-endian hosts
// (every host Workers and Node run on).
if (new Uint8Array(Uint32Array.of(1).buffer)[0] !== 1) throw new Error("big-endian host");
