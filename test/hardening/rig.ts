/**
 * Mock worlds for the hardening tests: OVH (mock API + mock AMI BMCs behind
 * one transport) and VNC (mini RFB servers behind one transport), each with
 * faults that can be switched on and off between calls, records of every
 * WebSocket they opened, and a list of every secret that crossed them, so a
 * test can search tool results and logs for each one.
 */
import { vi } from "vitest";
import type { Framebuffer } from "../../src/image/framebuffer.ts";
import { Ast2x00Decoder } from "../../src/kvm/ast2x00/decoder.ts";
import { encodeAst2x00 } from "../../src/kvm/ast2x00/encoder.ts";
import {
	createMockBmc,
	type MockBmc,
	type MockBmcOptions,
	type MockFrame,
} from "../../src/kvm/mock-bmc.ts";
import { renderConsoleScreen } from "../../src/providers/demo/console-screen.ts";
import { OvhProvider } from "../../src/providers/ovh/provider.ts";
import { VncProvider } from "../../src/providers/vnc/provider.ts";
import { RGB888_LE } from "../../src/vnc/pixel-format.ts";
import { MockOvh } from "../mocks/mock-ovh.ts";
import type { EnvOverrides } from "../support/mcp-client.ts";
import { testWorld } from "../support/test-worker.ts";
import { MiniRfbServer } from "../vnc/mini-server.ts";

// ---- screens -----------------------------------------------------------------

/** A small console showing `text` on a background of its own colour (0xRRGGBB). */
export function consoleScreen(text: string, bg: number, width = 144, height = 48): Framebuffer {
	return renderConsoleScreen([text], { width, height, bg, fg: 0xffffff });
}

export function flatScreen(
	width: number,
	height: number,
	[r, g, b]: readonly [number, number, number],
): Framebuffer {
	const rgba = new Uint8Array(width * height * 4);
	for (let i = 0; i < rgba.length; i += 4) rgba.set([r, g, b, 255], i);
	return { width, height, rgba };
}

const STREAM = { mode420: false, selector: 7, advanceSelector: 0, mapping: 0 } as const;

/** An ASPEED frame of `image`, and the pixels our decoder makes of it (what a raw screenshot must show). */
export function aspeedFrame(image: Framebuffer): { frame: MockFrame; decoded: Framebuffer } {
	const header = { width: image.width, height: image.height, ...STREAM };
	const stream = encodeAst2x00(image, STREAM);
	const fb = new Ast2x00Decoder().decode(header, stream);
	return {
		frame: { header, stream },
		decoded: { width: fb.width, height: fb.height, rgba: fb.rgba.slice() },
	};
}

// ---- WebSocket records and a slow link ---------------------------------------

export interface SocketRecord {
	readonly closed: Promise<unknown>;
	readonly isClosed: boolean;
}

/** Resolves true once every socket is closed, false if one is still open after `ms`. */
export async function allClosed(sockets: readonly SocketRecord[], ms = 2000): Promise<boolean> {
	const timeout = new Promise<false>((resolve) => setTimeout(() => resolve(false), ms));
	return Promise.race([Promise.all(sockets.map((s) => s.closed)).then(() => true), timeout]);
}

/**
 * Relays a WebSocket upgrade's messages through a link that passes `bytes`
 * bytes every `everyMs` ms toward the client (and everything the client sends
 * at once), closing each side when the other closes.
 */
export function slowLink(response: Response, bytes: number, everyMs: number): Response {
	const inner = response.webSocket;
	if (response.status !== 101 || !inner) return response;
	inner.binaryType = "arraybuffer";
	inner.accept();
	const pair = new WebSocketPair();
	const [client, relay] = [pair[0], pair[1]];
	relay.binaryType = "arraybuffer";
	relay.accept();
	const pending: number[] = [];
	let timer: ReturnType<typeof setTimeout> | undefined;
	const drip = () => {
		timer = undefined;
		if (pending.length === 0) return;
		try {
			relay.send(Uint8Array.from(pending.splice(0, bytes)));
		} catch {
			return; // the client went away
		}
		timer = setTimeout(drip, everyMs);
	};
	inner.addEventListener("message", (e) => {
		for (const b of new Uint8Array(e.data as ArrayBuffer)) pending.push(b);
		timer ??= setTimeout(drip, everyMs);
	});
	relay.addEventListener("message", (e) => {
		try {
			inner.send(e.data);
		} catch {
			// The server end is gone; its close reaches the client below.
		}
	});
	const closeOther = (ws: WebSocket) => (e: CloseEvent) => {
		clearTimeout(timer);
		try {
			ws.close(e.code === 1005 ? 1000 : e.code, "relay");
		} catch {
			// Already closed.
		}
	};
	inner.addEventListener("close", closeOther(relay));
	relay.addEventListener("close", closeOther(inner));
	return new Response(null, { status: 101, webSocket: client, headers: response.headers });
}

// ---- logs ----------------------------------------------------------------------

/**
 * Captures console.log/info/warn/error/debug: the Durable Objects run in this
 * isolate, so their logs land here too.
 */
export function captureLogs(): { lines: string[]; restore: () => void } {
	const lines: string[] = [];
	const methods = ["log", "info", "warn", "error", "debug"] as const;
	const spies = methods.map((m) =>
		vi.spyOn(console, m).mockImplementation((...args: unknown[]) => {
			lines.push(args.map((a) => (typeof a === "string" ? a : safeString(a))).join(" "));
		}),
	);
	const restore = () => {
		for (const spy of spies) spy.mockRestore();
	};
	return { lines, restore };
}

function safeString(value: unknown): string {
	if (value instanceof Error) return `${value.name}: ${value.message}\n${value.stack ?? ""}`;
	try {
		return JSON.stringify(value);
	} catch {
		return String(value);
	}
}

/** Every secret in `secrets` (and its URL-encoded form) that occurs in `texts`. */
export function leakedSecrets(secrets: Iterable<string>, texts: readonly string[]): string[] {
	const all = texts.join("\n");
	return [...secrets].filter(
		(s) => s.length >= 4 && (all.includes(s) || all.includes(encodeURIComponent(s))),
	);
}

/** The text of every block of a tool result, images excluded. */
export function resultTexts(result: { content?: unknown }): string[] {
	return ((result.content ?? []) as { type: string; text?: string }[])
		.filter((b) => b.type === "text")
		.map((b) => b.text ?? "");
}

let serial = 0;
/** A fresh value no code path could produce by accident. */
export function plantedSecret(label: string): string {
	serial += 1;
	return `${label}${serial}x${crypto.randomUUID().replaceAll("-", "")}`;
}

// ---- OVH + AMI BMC world ---------------------------------------------------------

export interface OvhFaults {
	/** kvmipHtml5URL values are URLs the BMC never issued (expired / already used). */
	staleViewerUrl: boolean;
	/** /api/kvm/token hands back a token that was already used. */
	reuseKvmToken: boolean;
	/** BMC WebSockets pass this many bytes per tick of `everyMs`. */
	slowLink: { bytes: number; everyMs: number } | null;
}

export interface OvhServerRig {
	name: string;
	bmc: MockBmc;
	/** Live options of the mock BMC: set `misbehave` to switch a fault on or off. */
	bmcOptions: MockBmcOptions;
	faults: OvhFaults;
}

/**
 * One mock OVH account with mock AMI BMCs behind it, each server on a BMC of
 * its own, all reached through one transport as in production.
 */
export class OvhWorld {
	readonly ovh: MockOvh;
	readonly secrets = new Set<string>();
	readonly servers = new Map<string, OvhServerRig>();
	/** Every KVM token a BMC handed out, in order. */
	readonly kvmTokens: string[] = [];
	readonly #byHost = new Map<string, OvhServerRig>();

	constructor() {
		this.ovh = new MockOvh({
			applicationSecret: plantedSecret("ovhAppSecret"),
			consumerKey: plantedSecret("ovhConsumerKey"),
			viewerUrl: (server) => this.#viewerUrl(server),
		});
		this.ovh.taskPlan = { pollsToFinish: 1, outcome: "done", comment: "Access granted" };
		this.secrets.add(this.ovh.applicationSecret);
		this.secrets.add(this.ovh.consumerKey);
		testWorld.ovhAccounts.set(this.ovh.consumerKey, (input, init) =>
			this.ovh.fetch(input as Request, init),
		);
	}

	env(extra: EnvOverrides = {}): EnvOverrides {
		return {
			DEMO: "off",
			VNC_TARGETS: "",
			OVH_ENDPOINT: "eu",
			OVH_APPLICATION_KEY: this.ovh.applicationKey,
			OVH_APPLICATION_SECRET: this.ovh.applicationSecret,
			OVH_CONSUMER_KEY: this.ovh.consumerKey,
			IPMI_ALLOWED_IP: "",
			...extra,
		};
	}

	/** Adds a server on a BMC of its own and makes its ConsoleSession use this world's transport. */
	addServer(
		name: string,
		frames: MockBmcOptions["frames"],
		env: EnvOverrides,
		bmc: Partial<MockBmcOptions> = {},
	): OvhServerRig {
		const host = `bmc-${this.servers.size}-${name.replace(/[^a-z0-9]/gi, "").slice(0, 20)}.mock`;
		const bmcOptions: MockBmcOptions = { frames, origin: `https://${host}`, ...bmc };
		const rig: OvhServerRig = {
			name,
			bmc: createMockBmc(bmcOptions),
			bmcOptions,
			faults: { staleViewerUrl: false, reuseKvmToken: false, slowLink: null },
		};
		this.servers.set(name, rig);
		this.#byHost.set(host, rig);
		this.ovh.addServer(name);
		testWorld.sessionProviders.set(`ovh:${name}`, () => [
			new OvhProvider({ ...env } as unknown as Env, this.transport),
		]);
		return rig;
	}

	/** The OVH API host goes to the mock OVH, each BMC host to its BMC. */
	readonly transport = (async (input: RequestInfo | URL, init?: RequestInit) => {
		const url = new URL(input instanceof Request ? input.url : input.toString());
		if (url.host === "eu.api.ovh.com") return this.ovh.fetch(input, init);
		const rig = this.#byHost.get(url.host);
		if (!rig) return new Response("no such host", { status: 502 });
		return this.#bmcFetch(rig, url, input as Request | string, init);
	}) as typeof fetch;

	async #bmcFetch(
		rig: OvhServerRig,
		url: URL,
		input: Request | string,
		init?: RequestInit,
	): Promise<Response> {
		const response = await rig.bmc.fetch(input, init);
		if (response.status === 101) {
			const slow = rig.faults.slowLink;
			return slow ? slowLink(response, slow.bytes, slow.everyMs) : response;
		}
		// Learn the session's secrets as they cross the wire.
		for (const cookie of response.headers.getSetCookie()) {
			const m = /QSESSIONID=([^;]+)/.exec(cookie);
			if (m) this.secrets.add(m[1]);
		}
		const text = await response.clone().text();
		const garc = /setItem\("garc", "([^"]+)"\)/.exec(text);
		if (garc) this.secrets.add(garc[1]);
		if (url.pathname !== "/api/kvm/token" || !response.ok) return response;
		const body = JSON.parse(text) as { token: string; session: string };
		this.secrets.add(body.token);
		this.secrets.add(body.session);
		this.kvmTokens.push(body.token);
		if (rig.faults.reuseKvmToken && this.kvmTokens.length > 1) {
			return Response.json({ ...body, token: this.kvmTokens[0] });
		}
		return response;
	}

	#viewerUrl(server: string): string {
		const rig = this.servers.get(server);
		if (!rig) throw new Error(`no BMC for ${server}`);
		const origin = rig.bmcOptions.origin as string;
		const url = rig.faults.staleViewerUrl
			? `${origin}/viewer?token=${plantedSecret("staleViewer")}`
			: rig.bmc.viewerUrl();
		const token = new URL(url).searchParams.get("token");
		if (token) this.secrets.add(token);
		return url;
	}
}

// ---- VNC world -------------------------------------------------------------------

export type VncFault =
	/** Half of the answer to a frame request, then a close. */
	| "close-mid-frame"
	/** Half of the answer to a frame request, then silence. */
	| "stall"
	/** Random bytes instead of the answer to a frame request. */
	| "garbage"
	/** Greets like an SSH server instead of "RFB 003.008\n". */
	| "bad-greeting"
	/** Answers a frame request with Bell messages, forever. */
	| "endless";

export interface VncServerRig {
	id: string;
	screen: Framebuffer;
	/** The screen size ServerInit announces (default the screen's). */
	announce: { width: number; height: number } | null;
	fault: VncFault | null;
	slowLink: { bytes: number; everyMs: number } | null;
	/** The password the server wants (null: security type None). */
	password: string | null;
	readonly sockets: SocketRecord[];
	/** Frame requests the server received, over all connections. */
	frameRequests: number;
	/** Bytes the server received from clients, over all connections. */
	bytesReceived: number;
}

/** VNC targets, each a mini RFB server of its own, reached through one transport. */
export class VncWorld {
	readonly secrets = new Set<string>();
	readonly servers = new Map<string, VncServerRig>();
	readonly #passwords: Record<string, string> = {};
	readonly #seed = { value: 7 };

	/** Adds a target; its password (planted as a secret) is in env under a passwordSecret name. */
	addServer(id: string, screen: Framebuffer, options: { password?: boolean } = {}): VncServerRig {
		const password = options.password === false ? null : plantedSecret("vncPw").slice(0, 20);
		if (password) {
			this.secrets.add(password);
			this.#passwords[secretName(id)] = password;
		}
		const rig: VncServerRig = {
			id,
			screen,
			announce: null,
			fault: null,
			slowLink: null,
			password,
			sockets: [],
			frameRequests: 0,
			bytesReceived: 0,
		};
		this.servers.set(id, rig);
		return rig;
	}

	env(extra: EnvOverrides = {}): EnvOverrides {
		const targets = [...this.servers.values()].map((s) => ({
			id: s.id,
			url: `wss://${hostOf(s.id)}/websockify`,
			...(s.password ? { passwordSecret: secretName(s.id) } : {}),
		}));
		return { DEMO: "off", VNC_TARGETS: JSON.stringify(targets), ...this.#passwords, ...extra };
	}

	/** Makes each server's ConsoleSession use this world's transport, with `env`. */
	inject(env: EnvOverrides): void {
		for (const id of this.servers.keys()) {
			testWorld.sessionProviders.set(`vnc:${id}`, () => [
				new VncProvider({ ...env } as unknown as Env, this.transport),
			]);
		}
	}

	readonly transport = (async (input: RequestInfo | URL, _init?: RequestInit) => {
		const url = new URL(input instanceof Request ? input.url : input.toString());
		const rig = [...this.servers.values()].find((s) => hostOf(s.id) === url.host);
		if (!rig) return new Response("no such host", { status: 502 });
		const response = this.#serve(rig);
		return rig.slowLink ? slowLink(response, rig.slowLink.bytes, rig.slowLink.everyMs) : response;
	}) as typeof fetch;

	#serve(rig: VncServerRig): Response {
		const { width, height } = rig.announce ?? rig.screen;
		const server = new MiniRfbServer({
			format: RGB888_LE,
			// ServerInit reads only the size, so an announced size needs no pixels.
			screen: rig.announce ? { width, height, rgba: new Uint8Array(0) } : rig.screen,
			security: rig.password ? [2] : [1],
			password: rig.password ?? undefined,
			failReason: "Authentication failure",
		});
		const pair = new WebSocketPair();
		const [client, far] = [pair[0], pair[1]];
		far.binaryType = "arraybuffer";
		far.accept();
		let isClosed = false;
		let endless: ReturnType<typeof setInterval> | undefined;
		const closed = new Promise<void>((resolve) => {
			far.addEventListener("close", (e) => {
				isClosed = true;
				clearInterval(endless);
				try {
					far.close(e.code === 1005 ? 1000 : e.code, "bye");
				} catch {
					// Already closed from this side.
				}
				resolve();
			});
		});
		rig.sockets.push({
			closed,
			get isClosed() {
				return isClosed;
			},
		});
		const send = (bytes: Uint8Array) => {
			if (!isClosed) far.send(bytes);
		};
		const greeting = server.takeOutput() as Uint8Array;
		send(rig.fault === "bad-greeting" ? ascii("SSH-2.0-OpenSSH_9.6\r\n") : greeting);
		far.addEventListener("message", (e) => {
			rig.bytesReceived += (e.data as ArrayBuffer).byteLength;
			const before = server.requests.length;
			server.receive(new Uint8Array(e.data as ArrayBuffer));
			const out = server.takeOutput();
			const answering = server.requests.length > before;
			rig.frameRequests += server.requests.length - before;
			if (!answering || rig.fault === null) {
				if (out) send(out);
				return;
			}
			const half = out ? out.subarray(0, out.length >> 1) : new Uint8Array(0);
			switch (rig.fault) {
				case "close-mid-frame":
					send(half);
					isClosed = true;
					far.close(1011, "display server restarted");
					return;
				case "stall":
					send(half);
					return;
				case "garbage":
					send(noise(this.#seed, 256, 0xf0));
					return;
				case "endless":
					endless ??= setInterval(() => send(new Uint8Array(16 * 1024).fill(2)), 1);
					return;
				default:
					if (out) send(out);
			}
		});
		return new Response(null, {
			status: 101,
			webSocket: client,
			headers: { "Sec-WebSocket-Protocol": "binary" },
		});
	}
}

function hostOf(id: string): string {
	return `${id.replace(/[^a-z0-9-]/gi, "-")}.vnc.mock`;
}

function secretName(id: string): string {
	return `VNC_${id.replace(/[^A-Za-z0-9]/g, "_").toUpperCase()}_PASSWORD`;
}

function ascii(text: string): Uint8Array {
	return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/** `length` pseudo-random bytes starting with `first`. */
function noise(seed: { value: number }, length: number, first: number): Uint8Array {
	const out = new Uint8Array(length);
	out[0] = first;
	for (let i = 1; i < length; i++) {
		seed.value = (seed.value * 1103515245 + 12345) >>> 0;
		out[i] = seed.value >>> 24;
	}
	return out;
}
