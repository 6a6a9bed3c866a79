import { describe, expect, it } from "vitest";
import { chordEvents, type InputEvent, parseKeys, typeText } from "../../src/input/index.ts";
import { VncProvider } from "../../src/providers/vnc/provider.ts";
import {
	encodeInput,
	keyEvent,
	pointerEvent,
	qemuKeyEvent,
	xtKeycode,
} from "../../src/vnc/input.ts";
import { RGB888_LE } from "../../src/vnc/pixel-format.ts";
import { DEFAULT_ENCODINGS, Encoding, RfbClient } from "../../src/vnc/rfb.ts";
import { diffCount, pump, testScreen } from "./helpers.ts";
import { MiniRfbServer, type MiniServerOptions } from "./mini-server.ts";

const bytes = (parts: Uint8Array[]) => parts.map((p) => [...p]);
const opts = { qemuKeys: false, width: 640, height: 400 };

describe("RFB input encoders", () => {
	it("KeyEvent: [4][down][pad 2][keysym u32 BE]", () => {
		expect([...keyEvent(true, 0xff0d)]).toEqual([4, 1, 0, 0, 0, 0, 0xff, 0x0d]);
		expect([...keyEvent(false, 0x1008ff2a)]).toEqual([4, 0, 0, 0, 0x10, 0x08, 0xff, 0x2a]);
	});

	it("QEMU Extended Key Event: [255][0][down u16][keysym u32][keycode u32]", () => {
		expect([...qemuKeyEvent(true, 0x61, 0x1e)]).toEqual([
			255, 0, 0, 1, 0, 0, 0, 0x61, 0, 0, 0, 0x1e,
		]);
		expect([...qemuKeyEvent(false, 0xff52, 0xc8)]).toEqual([
			255, 0, 0, 0, 0, 0, 0xff, 0x52, 0, 0, 0, 0xc8,
		]);
	});

	it("PointerEvent: [5][mask][x u16][y u16]", () => {
		expect([...pointerEvent(0b101, 300, 2)]).toEqual([5, 5, 1, 44, 0, 2]);
	});

	it("keys go out as KeyEvents with their keysyms, in order", () => {
		const events = chordEvents(parseKeys("ctrl+alt+Delete"));
		expect(bytes(encodeInput(events, opts))).toEqual(
			[
				[true, 0xffe3],
				[true, 0xffe9],
				[true, 0xffff],
				[false, 0xffff],
				[false, 0xffe9],
				[false, 0xffe3],
			].map(([down, keysym]) => [...keyEvent(down as boolean, keysym as number)]),
		);
	});

	it("with QEMU keys, each key also carries its XT keycode (E0 keys as 0x80 | code)", () => {
		const events = chordEvents(parseKeys("ctrl+alt+Delete"));
		expect(bytes(encodeInput(events, { ...opts, qemuKeys: true }))).toEqual(
			[
				[true, 0xffe3, 0x1d],
				[true, 0xffe9, 0x38],
				[true, 0xffff, 0xd3],
				[false, 0xffff, 0xd3],
				[false, 0xffe9, 0x38],
				[false, 0xffe3, 0x1d],
			].map(([down, keysym, xt]) => [
				...qemuKeyEvent(down as boolean, keysym as number, xt as number),
			]),
		);
	});

	it("XT keycodes of well-known keys", () => {
		const xt = (keys: string) => parseKeys(keys)[0].keys.map((k) => xtKeycode(k.usage));
		expect(xt("a")).toEqual([0x1e]);
		expect(xt("z")).toEqual([0x2c]);
		expect(xt("1")).toEqual([0x02]);
		expect(xt("0")).toEqual([0x0b]);
		expect(xt("Return")).toEqual([0x1c]);
		expect(xt("Escape")).toEqual([0x01]);
		expect(xt("F1")).toEqual([0x3b]);
		expect(xt("F11")).toEqual([0x57]);
		expect(xt("F12")).toEqual([0x58]);
		expect(xt("Up")).toEqual([0xc8]);
		expect(xt("Down")).toEqual([0xd0]);
		expect(xt("Left")).toEqual([0xcb]);
		expect(xt("Right")).toEqual([0xcd]);
		expect(xt("KP_Enter")).toEqual([0x9c]);
		expect(xt("KP_Divide")).toEqual([0xb5]);
		expect(xt("Control_R")).toEqual([0x9d]);
		expect(xt("AltGr")).toEqual([0xb8]);
		expect(xt("Super")).toEqual([0xdb]);
		expect(xt("Print")).toEqual([0xb7]);
		expect(xt("Pause")).toEqual([0xc6]);
		expect(xt("Power")).toEqual([0xde]);
		expect(xt("KP_7")).toEqual([0x47]);
		expect(xt("KP_0")).toEqual([0x52]);
	});

	it("every key src/input can produce has an XT keycode", () => {
		const names = [
			..."Return Escape BackSpace Tab space Delete Insert Home End Page_Up Page_Down Right Left Down Up".split(
				" ",
			),
			..."Caps_Lock Num_Lock Scroll_Lock Print Pause Menu Power KP_Enter KP_Add KP_Subtract".split(
				" ",
			),
			..."KP_Multiply KP_Divide KP_Decimal KP_Separator KP_Equal ctrl ctrl_r shift shift_r alt".split(
				" ",
			),
			"altgr",
			"super",
			"super_r",
			...Array.from({ length: 24 }, (_, i) => `F${i + 1}`),
			...Array.from({ length: 10 }, (_, i) => `KP_${i}`),
		];
		const usages = new Set(parseKeys(names).flatMap((c) => c.keys.map((k) => k.usage)));
		const ascii = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join("");
		for (const [layout, text] of [
			["us", ascii],
			["uk", `${ascii}£€¬`],
			["de", "abcyzäöüß@€{[]}\\|~µ<>#'°²³§"],
			["fr", "aqzwm,;:!&é\"'(-è_çà)=$ù*²<>@#{[|`\\^]}€£µ§°%"],
		] as const) {
			for (const e of typeText(text, layout)) usages.add(e.usage);
		}
		const missing = [...usages].filter((u) => xtKeycode(u) === undefined);
		expect(missing).toEqual([]);
		// Distinct keys have distinct keycodes, except the two backslash positions (one XT key).
		const codes = [...usages].filter((u) => u !== 0x32).map((u) => xtKeycode(u));
		expect(new Set(codes).size).toBe(codes.length);
	});

	it("pointer: buttons as the mask; each wheel click presses and releases button 4 (up) or 5 (down)", () => {
		const events: InputEvent[] = [
			{ kind: "pointer", x: 10, y: 20, buttons: 0, wheel: 0 },
			{ kind: "pointer", x: 10, y: 20, buttons: 1, wheel: 0 },
			{ kind: "pointer", x: 10, y: 20, buttons: 0, wheel: 0 },
			{ kind: "pointer", x: 30, y: 40, buttons: 0, wheel: -2 },
			{ kind: "pointer", x: 30, y: 40, buttons: 4, wheel: 1 },
		];
		expect(bytes(encodeInput(events, opts))).toEqual(
			[
				[0, 10, 20],
				[1, 10, 20],
				[0, 10, 20],
				[0, 30, 40],
				[8, 30, 40],
				[0, 30, 40],
				[8, 30, 40],
				[0, 30, 40],
				[4, 30, 40],
				[4 | 16, 30, 40],
				[4, 30, 40],
			].map(([m, x, y]) => [...pointerEvent(m, x, y)]),
		);
	});

	it("pointer positions stay on the screen; wheel clicks are bounded", () => {
		const at = (x: number, y: number) =>
			[...encodeInput([{ kind: "pointer", x, y, buttons: 0, wheel: 0 }], opts)[0]].slice(2);
		expect(at(-5, 1e9)).toEqual([0, 0, 1, 143]);
		expect(at(Number.NaN, 12.6)).toEqual([0, 0, 0, 13]);
		expect(at(639, 399)).toEqual([2, 127, 1, 143]);
		const flood = encodeInput([{ kind: "pointer", x: 0, y: 0, buttons: 0, wheel: 1e9 }], opts);
		expect(flood).toHaveLength(1 + 2 * 100);
	});
});

function session(server: Partial<MiniServerOptions>) {
	const s = new MiniRfbServer({ format: RGB888_LE, screen: testScreen(RGB888_LE), ...server });
	const c = new RfbClient();
	pump(c, s);
	c.takeEvents();
	return { s, c };
}

describe("RfbClient input against the mini server", () => {
	it("asks for QEMU key events by default", () => {
		expect(DEFAULT_ENCODINGS).toContain(Encoding.qemuExtendedKeyEvent);
	});

	it("without the server's acknowledgement: KeyEvents with keysyms", () => {
		const { s, c } = session({});
		expect(s.encodings).toContain(-258);
		expect(c.qemuKeys).toBe(false);
		c.sendInput(typeText("Hi\n"));
		pump(c, s);
		expect(s.input).toEqual([
			{ type: "key", down: true, keysym: 0xffe1 },
			{ type: "key", down: true, keysym: 0x48 },
			{ type: "key", down: false, keysym: 0x48 },
			{ type: "key", down: false, keysym: 0xffe1 },
			{ type: "key", down: true, keysym: 0x69 },
			{ type: "key", down: false, keysym: 0x69 },
			{ type: "key", down: true, keysym: 0xff0d },
			{ type: "key", down: false, keysym: 0xff0d },
		]);
	});

	it("acknowledged (as QEMU does, unasked): QEMU key events; the acknowledgement is not a frame", () => {
		const screen = testScreen(RGB888_LE, 5);
		const { s, c } = session({ qemuKeys: true, screen });
		expect(c.qemuKeys).toBe(true);
		c.requestFrame();
		pump(c, s);
		expect(c.takeEvents()).toEqual([{ type: "frame" }]);
		expect(diffCount(c.framebuffer.rgba, screen.rgba)).toBe(0);
		expect(s.requests[0].incremental).toBe(false);

		c.sendInput(chordEvents(parseKeys("ctrl+c Up")));
		pump(c, s);
		expect(s.input).toEqual([
			{ type: "qemu-key", down: true, keysym: 0xffe3, keycode: 0x1d },
			{ type: "qemu-key", down: true, keysym: 0x63, keycode: 0x2e },
			{ type: "qemu-key", down: false, keysym: 0x63, keycode: 0x2e },
			{ type: "qemu-key", down: false, keysym: 0xffe3, keycode: 0x1d },
			{ type: "qemu-key", down: true, keysym: 0xff52, keycode: 0xc8 },
			{ type: "qemu-key", down: false, keysym: 0xff52, keycode: 0xc8 },
		]);
	});

	it("not asked for, not taken: a client that did not offer -258 sends KeyEvents", () => {
		const s = new MiniRfbServer({
			format: RGB888_LE,
			screen: testScreen(RGB888_LE),
			qemuKeys: true,
		});
		const c = new RfbClient({ encodings: [Encoding.raw] });
		pump(c, s);
		expect(c.qemuKeys).toBe(false);
		c.sendInput(chordEvents(parseKeys("a")));
		pump(c, s);
		expect(s.input.map((i) => i.type)).toEqual(["key", "key"]);
	});

	it("pointer events reach the server clamped to its screen", () => {
		const { s, c } = session({});
		c.sendInput([{ kind: "pointer", x: 300, y: 89, buttons: 1, wheel: 0 }]);
		pump(c, s);
		expect(s.input).toEqual([{ type: "pointer", mask: 1, x: 249, y: 89 }]);
	});

	it("sendInput before the handshake is a bug", () => {
		expect(() => new RfbClient().sendInput(typeText("a"))).toThrow(/before ready/);
	});
});

/** A VncProvider whose one target is a fresh mini server behind a WebSocketPair per connection. */
function provider(server: Partial<MiniServerOptions>) {
	const servers: MiniRfbServer[] = [];
	const transport = (async () => {
		const s = new MiniRfbServer({ format: RGB888_LE, screen: testScreen(RGB888_LE), ...server });
		servers.push(s);
		const pair = new WebSocketPair();
		const [client, far] = [pair[0], pair[1]];
		far.accept();
		far.binaryType = "arraybuffer";
		const flush = () => {
			const out = s.takeOutput();
			if (out) far.send(out);
		};
		far.addEventListener("message", (ev) => {
			s.receive(new Uint8Array(ev.data as ArrayBuffer));
			flush();
		});
		flush();
		return new Response(null, { status: 101, webSocket: client });
	}) as unknown as typeof fetch;
	const env = { VNC_TARGETS: JSON.stringify([{ id: "vm", url: "ws://127.0.0.1:5900/" }]) };
	return { servers, vnc: new VncProvider(env as unknown as Env, transport) };
}

const ctx = () => ({ signal: AbortSignal.timeout(5_000) });
const settle = () => new Promise((r) => setTimeout(r, 50));

describe("VncConsoleLink", () => {
	it("sends input, with physical keys where the server acknowledged them", async () => {
		const { servers, vnc } = provider({ qemuKeys: true });
		const link = await vnc.openConsole("vm", ctx());
		await link.capture(ctx());
		await link.sendInput(chordEvents(parseKeys("Return")), ctx());
		await settle();
		expect(servers[0].input).toEqual([
			{ type: "qemu-key", down: true, keysym: 0xff0d, keycode: 0x1c },
			{ type: "qemu-key", down: false, keysym: 0xff0d, keycode: 0x1c },
		]);
		link.close();
	});

	it("reopens a suspended link before sending, and sends nothing else", async () => {
		const { servers, vnc } = provider({ qemuKeys: true });
		const link = await vnc.openConsole("vm", ctx());
		link.suspend();
		await link.sendInput(chordEvents(parseKeys("a")), ctx());
		await link.sendInput([{ kind: "pointer", x: 5, y: 6, buttons: 0, wheel: 1 }], ctx());
		await settle();
		expect(servers).toHaveLength(2);
		expect(servers[0].input).toEqual([]);
		// The reopened connection took a frame first, so the acknowledgement was in.
		expect(servers[1].requests).toHaveLength(1);
		expect(servers[1].input).toEqual([
			{ type: "qemu-key", down: true, keysym: 0x61, keycode: 0x1e },
			{ type: "qemu-key", down: false, keysym: 0x61, keycode: 0x1e },
			{ type: "pointer", mask: 0, x: 5, y: 6 },
			{ type: "pointer", mask: 16, x: 5, y: 6 },
			{ type: "pointer", mask: 0, x: 5, y: 6 },
		]);
		link.close();
	});

	it("says plainly that RFB has no power control, and what to use instead", async () => {
		const { vnc } = provider({});
		const link = await vnc.openConsole("vm", ctx());
		const status = await link.power("status", ctx());
		expect(status.state).toBe("unknown");
		expect(status.detail).toMatch(/no power control/);
		for (const action of ["on", "off", "cycle", "reset", "soft_off", "nmi"] as const) {
			await expect(link.power(action, ctx())).rejects.toThrow(/hypervisor.*IPMI/s);
		}
		link.close();
	});
});
