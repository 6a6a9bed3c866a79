/**
 * A stand-in AMI MegaRAC BMC: its web session endpoints and its IVTP KVM
 * WebSocket, as one web-standard handler. Pass `mock.fetch` wherever a fetch
 * is injected (tests, the demo), or serve it from a Worker.
 *
 * It checks what a real BMC checks (session cookie, CSRF header, single-use
 * viewer URL and KVM token), streams frames from a pluggable source cut into
 * fragments and then into WebSocket messages at awkward offsets, and can
 * misbehave on demand. Keyboard and mouse packets are decoded and checked
 * byte by byte (hid.ts), recorded per connection and handed to an optional
 * simulated host, which also answers power requests.
 */

import { concatBytes } from "../bytes.ts";
import type { FetchLike } from "./bmc-session.ts";
import type { VideoFrameHeader } from "./frame-header.ts";
import { encodeFrameHeader } from "./frame-header.ts";
import { decodeHidPayload, type HidPacket } from "./hid.ts";
import { type InputCipher, inputCipher } from "./input-cipher.ts";
import {
	decodeValidatePayload,
	encodeIvtp,
	IvtpFramer,
	IvtpType,
	KeyboardLed,
	KvmPrivilege,
	KvmRequest,
	PowerControl,
	PowerStatus,
	ValidationResult,
} from "./ivtp.ts";

export interface MockFrame {
	header: Omit<VideoFrameHeader, "compressSize" | "rc4"> & { rc4?: boolean };
	stream: Uint8Array;
}

/**
 * Frames to send. `update` is false for the frame answering GET_FULL_SCREEN
 * and true for the skip-coded updates that follow it. An empty stream goes
 * out as CompressSize 0 ("nothing changed").
 */
export type MockFrameSource = (request: { index: number; update: boolean }) => MockFrame;

export type MockMisbehaviour =
	/** Answer VALIDATE_VIDEO_SESSION with "invalid session" whatever the token. */
	| "reject-validation"
	/** Send half of the frame, then close the socket. */
	| "close-mid-frame"
	/** Send half of the frame, then nothing. */
	| "stall"
	/** Send random bytes instead of the frame. */
	| "garbage"
	/** Send PAINT_BLANK_SCREEN instead of the frame (host on, no video signal). */
	| "blank-screen"
	/** Answer GET_FULL_SCREEN with STOP_SESSION_IMMEDIATE: another user terminated us. */
	| "terminate-session"
	/** Greet with MAX_SESSION_CLOSE instead of CONNECTION_ALLOWED. */
	| "too-many-sessions"
	/** POWER_STATUS says off, yet video flows (some real BMCs do this). */
	| "reports-power-off"
	/** Never answer POWER_STATUS. */
	| "no-power-status"
	/** Answer /viewer.html with 404, as firmwares that do not serve it do. */
	| "no-viewer-html"
	/** Answer /api/kvm/token without `client_ip`. */
	| "token-without-client-ip"

	/** Answer POWER_CONTROL with POWER_CONTROL_RESPONSE status 1 (not accepted). */
	| "refuse-power";

/** The machine behind the mock BMC, as a simulation drives it. */
export interface MockHost {
	/** Each 8-byte HID keyboard report the viewer sends: [mods, 0, k1..k6]. */
	keyboard?(report: Uint8Array): void;
	/** Each 6-byte absolute mouse report: [buttons, x lo, x hi, y lo, y hi, wheel]. */
	mouse?(report: Uint8Array): void;
	/** An IVTP power control request (0x23 status: 0 off, 1 on, 2 cycle, 3 reset, 4 NMI, 5 soft off). */
	powerControl?(action: number): void;
	/** Whether the host is powered now (answers POWER_STATUS); defaults to the `power` option. */
	powered?(): boolean;
}

export interface MockBmcOptions {
	frames: MockFrameSource;
	/** Origin used in the viewer URLs it hands out (default https://bmc.mock). */
	origin?: string;
	power?: "on" | "off";
	/** Skip-coded frames sent after each full frame while video runs (default 0). */
	updatesPerRequest?: number;
	/** Stream bytes per VIDEO_PACKETS fragment (default 16 KiB). */
	fragmentSize?: number;
	/**
	 * WebSocket message boundaries: one packet per message, pseudo-random cuts
	 * through and across packets, or one byte per message (default "packet").
	 */
	split?: "packet" | "awkward" | "drip";
	/**
	 * Where the viewer page puts the session id: a Set-Cookie header (the URL's
	 * token parameter then differs from it), the URL's token parameter itself,
	 * or only the page's script (URL without a token parameter).
	 */
	sessionIn?: "set-cookie" | "url" | "script";
	/** "base64": pick that subprotocol and exchange base64 text messages, as older AMI firmware does. */
	wire?: "binary" | "base64";
	/** false: the 101 names no subprotocol, though the wire is still `wire` (default true). */
	namesSubprotocol?: boolean;
	/** The frame header's length field; past 86 the extra header bytes are zero (default 86). */
	headerLength?: number;
	/** Padding bytes (0xEE) after each frame's stream in its last fragment (default 0). */
	trailingBytes?: number;
	misbehave?: MockMisbehaviour;
	/** The close reason "close-mid-frame" sends (default "video engine reset"). */
	closeReason?: string;
	/** Seed for the awkward cuts and garbage. */
	seed?: number;
	/** Receives the decoded input and power requests. */
	host?: MockHost;
	/**
	 * Another viewer holds control when a connection is validated (session
	 * index 1): it grants our SET_NEXT_MASTER request, or refuses it. Until
	 * then the BMC drops our input, as real ones do.
	 */
	otherViewer?: "grants" | "refuses";
	/** The host's keyboard LEDs (`KeyboardLed` bits, default 0); lock keys toggle them as a host does. */
	leds?: number;
	/**
	 * Without a `host.powered`: how many POWER_STATUS answers still show the
	 * old state after a power request (default 0), as a host that takes its time.
	 */
	powerLag?: number;
	/** Keep every message the client sends, byte for byte (tests of exact packets; the demo keeps none). */
	keepMessages?: boolean;
	/**
	 * The BMC demands encrypted input (KMCrypt, input-cipher.ts) from the
	 * start: INITIAL_ENCRYPTION_STATUS right after validation, as when another
	 * viewer had turned it on. Plain reports are dropped from then on. (A
	 * connection's `demandEncryptedInput()` asks for it mid-session.)
	 */
	encryptedInput?: boolean;
}

export interface MockKvmConnection {
	/** Packet types received from the client, in order. */
	readonly received: number[];
	/** HID packets accepted (checked, decoded, decrypted), in order. */
	readonly input: HidPacket[];
	/** POWER_CONTROL actions received, in order. */
	readonly powerRequests: number[];
	/** Bytes received from the client so far. */
	readonly bytesReceived: number;
	/** With `keepMessages`: every message the client sent, as sent. */
	readonly messages: Uint8Array[];
	/** Input the BMC dropped, and why (malformed, or sent without control). */
	readonly dropped: string[];
	/** Sends ENCRYPTION_STATUS, as when another viewer turns encryption on; plain input is dropped after. */
	demandEncryptedInput(): void;
	/** Settles when the socket closes; `byClient` unless the mock closed it. */
	readonly closed: Promise<{ code: number; byClient: boolean }>;
	readonly isClosed: boolean;
}

export interface MockBmc {
	fetch: FetchLike;
	/** A fresh single-use viewer URL, like the one the OVH API hands out. */
	viewerUrl(origin?: string): string;
	readonly connections: readonly MockKvmConnection[];
	/** Forgets every web session, as a BMC does when they time out. */
	expireSessions(): void;
}

/** The client address /api/kvm/token reports (TEST-NET-3). */
export const MOCK_CLIENT_IP = "203.0.113.7";

interface Session {
	csrf: string;
}

export function createMockBmc(options: MockBmcOptions): MockBmc {
	const origin = options.origin ?? "https://bmc.mock";
	const sessionIn = options.sessionIn ?? "set-cookie";
	const viewerTickets = new Map<string, boolean>();
	const sessions = new Map<string, Session>();
	const kvmTokens = new Map<string, { session: string; used: boolean }>();
	const connections: MockConnection[] = [];
	const random = prng(options.seed ?? 1);
	const machine = new MockMachine(options);

	const sessionOf = (request: Request): string | null => {
		const match = /(?:^|;\s*)QSESSIONID=([^;]+)/.exec(request.headers.get("Cookie") ?? "");
		return match && sessions.has(match[1]) ? match[1] : null;
	};

	const viewerPage = (ticket: string): Response => {
		if (viewerTickets.get(ticket) !== false) {
			return new Response(null, { status: 302, headers: { Location: "/#login" } });
		}
		viewerTickets.set(ticket, true);
		const sessionId = sessionIn === "url" ? ticket : randomToken(random);
		const csrf = randomToken(random);
		sessions.set(sessionId, { csrf });
		const cookieScript =
			sessionIn === "script"
				? `document.cookie = "QSESSIONID=${sessionId}; path=/";`
				: `document.cookie = "QSESSIONID=" + new URLSearchParams(location.search).get("token");`;
		const headers = new Headers({ "Content-Type": "text/html" });
		if (sessionIn === "set-cookie") {
			headers.append("Set-Cookie", `lang=en; Path=/`);
			headers.append("Set-Cookie", `QSESSIONID=${sessionId}; Path=/; Secure; HttpOnly`);
		}
		const page = `<!DOCTYPE html><html><head><script>
${sessionIn === "set-cookie" ? "" : cookieScript}
sessionStorage.setItem("garc", "${csrf}");
location.href = "/viewer.html";
</script></head><body></body></html>`;
		return new Response(page, { headers });
	};

	const handle = async (request: Request): Promise<Response> => {
		const url = new URL(request.url);
		const path = url.pathname;
		if (path === "/viewer") return viewerPage(url.searchParams.get("token") ?? "");
		if (path.startsWith("/viewer/")) return viewerPage(path.slice("/viewer/".length));
		if (path === "/viewer.html") {
			if (options.misbehave === "no-viewer-html") return new Response("Not Found", { status: 404 });
			return sessionOf(request)
				? new Response("<html><body>KVM</body></html>", {
						headers: { "Content-Type": "text/html" },
					})
				: new Response(null, { status: 302, headers: { Location: "/" } });
		}
		if (path === "/api/kvm/token") {
			const session = sessionOf(request);
			if (session === null || request.headers.get("X-CSRFTOKEN") !== sessions.get(session)?.csrf) {
				return Response.json({ code: 15000, error: "Invalid Authentication" }, { status: 401 });
			}
			const token = randomToken(random);
			kvmTokens.set(token, { session, used: false });
			const clientIp =
				options.misbehave === "token-without-client-ip" ? {} : { client_ip: MOCK_CLIENT_IP };
			return Response.json({ ...clientIp, token, session: randomToken(random) });
		}
		if (path === "/kvm") {
			if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
				return new Response("expected a WebSocket upgrade", { status: 426 });
			}
			const session = sessionOf(request);
			if (session === null) return new Response("Unauthorized", { status: 401 });
			const pair = new WebSocketPair();
			const [client, server] = [pair[0], pair[1]];
			server.binaryType = "arraybuffer";
			server.accept();
			const offered = (request.headers.get("Sec-WebSocket-Protocol") ?? "").split(/\s*,\s*/);
			const connection = new MockConnection(server, session, options, kvmTokens, random, machine);
			connections.push(connection);
			connection.start();
			const headers = new Headers();
			const wire = options.wire ?? "binary";
			if (offered.includes(wire) && options.namesSubprotocol !== false) {
				headers.set("Sec-WebSocket-Protocol", wire);
			}
			return new Response(null, { status: 101, webSocket: client, headers });
		}
		return new Response("Not Found", { status: 404 });
	};

	return {
		fetch: (input, init) => handle(new Request(input, init)),
		viewerUrl(at = origin) {
			const ticket = randomToken(random);
			viewerTickets.set(ticket, false);
			return sessionIn === "script" ? `${at}/viewer/${ticket}` : `${at}/viewer?token=${ticket}`;
		},
		connections,
		expireSessions: () => sessions.clear(),
	};
}

/** What the connections share: the host's power and keyboard LEDs. */
class MockMachine {
	readonly host: MockHost | undefined;
	readonly #options: MockBmcOptions;
	leds: number;
	/** Set by a power request; until then the `power` option (which tests may change) rules. */
	#set: boolean | null = null;
	/** What POWER_STATUS keeps showing while `powerLag` answers remain. */
	#shown = false;
	#lagLeft = 0;
	#keys = new Set<number>();

	constructor(options: MockBmcOptions) {
		this.host = options.host;
		this.#options = options;
		this.leds = options.leds ?? 0;
	}

	get powered(): boolean {
		if (this.host?.powered) return this.host.powered();
		return this.#set ?? this.#options.power !== "off";
	}

	/** Whether the host is powered, as a POWER_STATUS answer shows it now. */
	powerStatus(): boolean {
		if (this.#lagLeft > 0) {
			this.#lagLeft--;
			return this.#shown;
		}
		return this.powered;
	}

	power(action: number): void {
		this.host?.powerControl?.(action);
		if (this.host?.powered) return;
		this.#shown = this.powered;
		this.#lagLeft = this.#options.powerLag ?? 0;
		if (action === PowerControl.OFF || action === PowerControl.SOFT_OFF) this.#set = false;
		else if (action !== PowerControl.NMI) this.#set = true;
	}

	/** A keyboard report reached the host; returns true when a lock key toggled an LED. */
	keyboard(report: Uint8Array): boolean {
		this.host?.keyboard?.(report);
		const down = new Set(report.subarray(2).filter((k) => k !== 0));
		let toggled = false;
		for (const [usage, led] of LOCK_KEYS) {
			if (down.has(usage) && !this.#keys.has(usage)) {
				this.leds ^= led;
				toggled = true;
			}
		}
		this.#keys = down;
		return toggled;
	}
}

/** HID usages of the lock keys and the LED each toggles. */
const LOCK_KEYS: readonly [number, number][] = [
	[0x39, KeyboardLed.CAPS_LOCK],
	[0x53, KeyboardLed.NUM_LOCK],
	[0x47, KeyboardLed.SCROLL_LOCK],
];

class MockConnection implements MockKvmConnection {
	readonly received: number[] = [];
	readonly input: HidPacket[] = [];
	readonly powerRequests: number[] = [];
	readonly messages: Uint8Array[] = [];
	bytesReceived = 0;
	readonly dropped: string[] = [];
	readonly closed: Promise<{ code: number; byClient: boolean }>;
	isClosed = false;
	readonly #ws: WebSocket;
	readonly #session: string;
	readonly #options: MockBmcOptions;
	readonly #kvmTokens: Map<string, { session: string; used: boolean }>;
	readonly #random: () => number;
	readonly #framer = new IvtpFramer();
	readonly #machine: MockMachine;
	#validated = false;
	/** The validated KVM token: a BMC can always read encrypted input, keyed by it. */
	#token = "";
	#cipher: InputCipher | undefined;
	#encryptionDemanded = false;
	#master: boolean;
	#frameIndex = 0;
	#closedByMock = false;

	constructor(
		ws: WebSocket,
		session: string,
		options: MockBmcOptions,
		kvmTokens: Map<string, { session: string; used: boolean }>,
		random: () => number,
		machine: MockMachine,
	) {
		this.#machine = machine;
		this.#master = options.otherViewer === undefined;
		this.#ws = ws;
		this.#session = session;
		this.#options = options;
		this.#kvmTokens = kvmTokens;
		this.#random = random;
		this.closed = new Promise((resolve) => {
			ws.addEventListener("close", (e) => {
				this.isClosed = true;
				try {
					ws.close(e.code === 1005 ? 1000 : e.code, "bye");
				} catch {
					// Already closed from this side.
				}
				resolve({ code: e.code, byClient: !this.#closedByMock });
			});
		});
		ws.addEventListener("message", (e) => {
			const data = e.data;
			if ((typeof data === "string") !== (options.wire === "base64")) {
				// The client ignored the negotiated subprotocol.
				this.#closedByMock = true;
				ws.close(1003, "wrong message type for the subprotocol");
				return;
			}
			const bytes =
				typeof data === "string"
					? Uint8Array.from(atob(data), (c) => c.charCodeAt(0))
					: new Uint8Array(data);
			this.bytesReceived += bytes.length;
			if (options.keepMessages) this.messages.push(bytes.slice());
			for (const packet of this.#framer.push(bytes)) {
				this.received.push(packet.type);
				this.#onPacket(packet.type, packet.status, packet.payload);
			}
		});
	}

	demandEncryptedInput(): void {
		this.#encryptionDemanded = true;
		this.#send([encodeIvtp(IvtpType.ENCRYPTION_STATUS)]);
	}

	start(): void {
		const full = this.#options.misbehave === "too-many-sessions";
		this.#send([encodeIvtp(full ? IvtpType.MAX_SESSION_CLOSE : IvtpType.CONNECTION_ALLOWED)]);
	}

	#onPacket(type: number, status: number, payload: Uint8Array): void {
		switch (type) {
			case IvtpType.VALIDATE_VIDEO_SESSION: {
				const { token } = decodeValidatePayload(payload);
				const issued = this.#kvmTokens.get(token);
				const valid =
					this.#options.misbehave !== "reject-validation" &&
					issued !== undefined &&
					issued.session === this.#session &&
					!issued.used;
				if (issued) issued.used = true;
				this.#validated = valid;
				if (valid) this.#token = token;
				const result = valid ? ValidationResult.VALID : ValidationResult.INVALID_SESSION;
				// Session index: 0 when this viewer holds control, 1 when another one does.
				const index = this.#master ? 0 : 1;
				const reply = [
					encodeIvtp(IvtpType.VALIDATED_VIDEO_SESSION, 0, Uint8Array.of(result, index)),
				];
				const power = this.#powerStatus();
				if (valid && power) reply.push(power);
				if (valid && this.#options.encryptedInput) {
					this.#encryptionDemanded = true;
					reply.push(encodeIvtp(IvtpType.INITIAL_ENCRYPTION_STATUS));
				}
				this.#send(reply);
				return;
			}
			case IvtpType.POWER_STATUS: {
				const power = this.#validated ? this.#powerStatus() : null;
				if (power) this.#send([power]);
				return;
			}
			case IvtpType.POWER_CONTROL: {
				if (!this.#validated) return;
				this.powerRequests.push(status);
				const known = status <= PowerControl.SOFT_OFF;
				const accepted = known && this.#options.misbehave !== "refuse-power";
				if (accepted) this.#machine.power(status);
				this.#send([encodeIvtp(IvtpType.POWER_CONTROL_RESPONSE, accepted ? 0 : 1)]);
				return;
			}
			case IvtpType.KEYBOARD_LEDS:
				if (this.#validated) this.#sendLeds();
				return;
			case IvtpType.SET_NEXT_MASTER:
				if (!this.#validated || this.#master) return;
				this.#send([encodeIvtp(IvtpType.SET_NEXT_MASTER, KvmPrivilege.WAIT_SLAVE)]);
				this.#master = this.#options.otherViewer === "grants";
				this.#send([
					encodeIvtp(
						IvtpType.KVM_SHARING,
						KvmPrivilege.RESPONSE_TO_SLAVE |
							((this.#master ? KvmRequest.ALLOWED : KvmRequest.DENIED) << 8),
					),
				]);
				return;
			case IvtpType.HID_PACKET:
				this.#onInput(status, payload);
				return;
			case IvtpType.GET_FULL_SCREEN:
				if (!this.#validated) return;
				if (this.#options.misbehave === "terminate-session") {
					this.#send([encodeIvtp(IvtpType.STOP_SESSION_IMMEDIATE, 10)]);
					return;
				}
				if (!this.#machine.powered || this.#options.misbehave === "blank-screen") {
					this.#send([encodeIvtp(IvtpType.PAINT_BLANK_SCREEN)]);
					return;
				}
				this.#sendFrames();
		}
	}

	/** The answer to POWER_STATUS, or null when misbehaving by not answering. */
	#powerStatus(): Uint8Array | null {
		if (this.#options.misbehave === "no-power-status") return null;
		const on = this.#machine.powerStatus() && this.#options.misbehave !== "reports-power-off";
		return encodeIvtp(IvtpType.POWER_STATUS, on ? PowerStatus.ON : PowerStatus.OFF);
	}

	#sendLeds(): void {
		this.#send([encodeIvtp(IvtpType.KEYBOARD_LEDS, 0, Uint8Array.of(this.#machine.leds))]);
	}

	/** Checks a HID packet as the BMC's USB emulation would; drops what it would drop. */
	#onInput(status: number, payload: Uint8Array): void {
		let packet: HidPacket;
		try {
			packet = decodeHidPayload(status, payload, (block) => {
				this.#cipher ??= inputCipher(this.#token);
				return this.#cipher.decrypt(block);
			});
		} catch (error) {
			this.dropped.push((error as Error).message);
			return;
		}
		if (this.#encryptionDemanded && !packet.encrypted) {
			this.dropped.push(`plain ${packet.device} report while the BMC demands encrypted input`);
			return;
		}
		if (!this.#validated || !this.#master) {
			this.dropped.push(`${packet.device} report from a viewer without control`);
			return;
		}
		this.input.push(packet);
		if (packet.device === "mouse") {
			this.#machine.host?.mouse?.(packet.report);
		} else if (this.#machine.keyboard(packet.report)) {
			this.#sendLeds();
		}
	}

	#sendFrames(): void {
		const packets: Uint8Array[] = [];
		const updates = this.#options.updatesPerRequest ?? 0;
		for (let i = 0; i <= updates; i++) {
			const frame = this.#options.frames({ index: this.#frameIndex, update: i > 0 });
			packets.push(...this.#fragments(frame, this.#frameIndex++));
		}
		const bytes = concatBytes(packets);
		switch (this.#options.misbehave) {
			case "garbage": {
				const junk = new Uint8Array(256);
				for (let i = 0; i < junk.length; i++) junk[i] = Math.floor(this.#random() * 256);
				this.#send([junk]);
				return;
			}
			case "close-mid-frame":
				this.#send([bytes.subarray(0, bytes.length >> 1)]);
				this.#closedByMock = true;
				this.#ws.close(1011, this.#options.closeReason ?? "video engine reset");
				return;
			case "stall":
				this.#send([bytes.subarray(0, bytes.length >> 1)]);
				return;
			default:
				this.#send([bytes]);
		}
	}

	#fragments(frame: MockFrame, frameNumber: number): Uint8Array[] {
		const header = encodeFrameHeader(
			{ ...frame.header, compressSize: frame.stream.length, rc4: frame.header.rc4 ?? false },
			frameNumber,
			this.#options.headerLength,
		);
		const size = this.#options.fragmentSize ?? 16 * 1024;
		const { stream } = frame;
		const out: Uint8Array[] = [];
		// At least one fragment: an empty stream still sends its header.
		for (let at = 0, n = 0; n === 0 || at < stream.length; at += size, n++) {
			const data = stream.subarray(at, at + size);
			const prefix = n === 0 ? 2 + header.length : 2;
			const last = at + size >= stream.length;
			const payload = new Uint8Array(
				prefix + data.length + (last ? (this.#options.trailingBytes ?? 0) : 0),
			);
			new DataView(payload.buffer).setUint16(0, n, true);
			if (n === 0) payload.set(header, 2);
			payload.set(data, prefix);
			payload.fill(0xee, prefix + data.length);
			out.push(encodeIvtp(IvtpType.VIDEO_PACKETS, 0, payload));
		}
		return out;
	}

	/** Sends packets with this mock's message boundaries. */
	#send(packets: Uint8Array[]): void {
		if (this.isClosed) return;
		const split = this.#options.split ?? "packet";
		if (split === "packet") {
			for (const p of packets) this.#message(p);
			return;
		}
		const bytes = concatBytes(packets);
		for (let at = 0; at < bytes.length; ) {
			const r = this.#random();
			// Awkward: a fifth of cuts land within a few bytes (inside headers), the rest anywhere.
			const size =
				split === "drip" ? 1 : r < 0.2 ? 1 + Math.floor(r * 40) : 1 + Math.floor(r * 6000);
			this.#message(bytes.slice(at, at + size));
			at += size;
		}
	}

	#message(bytes: Uint8Array): void {
		if (this.#options.wire !== "base64") {
			this.#ws.send(bytes);
			return;
		}
		let binary = "";
		for (const b of bytes) binary += String.fromCharCode(b);
		this.#ws.send(btoa(binary));
	}
}

/** Deterministic xorshift32 in [0, 1). */
function prng(seed: number): () => number {
	let x = seed >>> 0 || 1;
	return () => {
		x ^= x << 13;
		x >>>= 0;
		x ^= x >>> 17;
		x ^= x << 5;
		x >>>= 0;
		return x / 0x1_0000_0000;
	};
}

function randomToken(random: () => number): string {
	let s = "";
	for (let i = 0; i < 32; i++) s += Math.floor(random() * 16).toString(16);
	return s;
}
