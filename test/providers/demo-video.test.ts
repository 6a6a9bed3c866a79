import { describe, expect, it } from "vitest";
import { concatBytes } from "../../src/bytes.ts";
import type { Framebuffer } from "../../src/image/framebuffer.ts";
import { Ast2x00Decoder } from "../../src/kvm/ast2x00/decoder.ts";
import { openBmcSession } from "../../src/kvm/bmc-session.ts";
import { encodeHidPacket, keyboardReport } from "../../src/kvm/hid.ts";
import {
	encodeIvtp,
	encodeValidatePayload,
	IvtpFramer,
	type IvtpPacket,
	IvtpType,
	PowerControl,
	PowerStatus,
} from "../../src/kvm/ivtp.ts";
import type { MockFrame } from "../../src/kvm/mock-bmc.ts";
import {
	KERNEL_PANIC_LINES,
	renderConsoleScreen,
} from "../../src/providers/demo/console-screen.ts";
import { DemoMachine, FIRMWARE_MS } from "../../src/providers/demo/machine.ts";
import { createDemoBmc, DEMO_SERVER, DemoProvider } from "../../src/providers/demo/provider.ts";
import { DemoVideo } from "../../src/providers/demo/video.ts";

const CTRL_ALT = 0x05;
const DELETE = 0x4c;
const DOWN = 0x51;
const UP = 0x52;

function press(machine: DemoMachine, mods: number, usage: number) {
	machine.keyboard(Uint8Array.of(mods, 0, usage, 0, 0, 0, 0, 0));
	machine.keyboard(new Uint8Array(8));
}

function same(a: Framebuffer, b: Framebuffer): boolean {
	return a.width === b.width && a.height === b.height && a.rgba.every((v, i) => v === b.rgba[i]);
}

/** What the viewer shows after each frame, decoded in order as a KVM client does. */
function viewer() {
	const decoder = new Ast2x00Decoder();
	return (frame: MockFrame): Framebuffer => {
		const { width, height, rgba } = decoder.decode(frame.header, frame.stream);
		return { width, height, rgba: rgba.slice() };
	};
}

function expected(machine: DemoMachine, cursor: boolean): Framebuffer {
	const screen = machine.screen();
	return renderConsoleScreen(screen.lines, { cursor: screen.cursor && cursor });
}

describe("DemoVideo", () => {
	it("sends the screen in full with the cursor lit, then blinks it with a skip-coded update", () => {
		const machine = new DemoMachine();
		const video = new DemoVideo(() => machine.screen());
		const show = viewer();
		const full = video.frame({ update: false });
		expect([full.header.width, full.header.height]).toEqual([720, 400]);
		expect(same(show(full), renderConsoleScreen(KERNEL_PANIC_LINES, { cursor: true }))).toBe(true);
		const blink = video.frame({ update: true });
		expect(same(show(blink), renderConsoleScreen(KERNEL_PANIC_LINES, { cursor: false }))).toBe(
			true,
		);
		// Only the cursor's block: a few bytes against a full screen's tens of kilobytes.
		expect(full.stream.length).toBeGreaterThan(10_000);
		expect(blink.stream.length).toBeLessThan(32);
	});

	it("codes a new screen as an update against the frame the viewer has, exactly", () => {
		let now = 0;
		const machine = new DemoMachine({ now: () => now });
		const video = new DemoVideo(() => machine.screen());
		const show = viewer();
		show(video.frame({ update: false }));
		press(machine, CTRL_ALT, DELETE);
		now += FIRMWARE_MS;
		press(machine, 0, DOWN);
		const menu = video.frame({ update: true });
		expect(same(show(menu), expected(machine, false))).toBe(true);
		// Moving the highlight changes two entry rows of the menu, and nothing else.
		press(machine, 0, UP);
		const moved = video.frame({ update: true });
		expect(same(show(moved), expected(machine, true))).toBe(true);
		expect(moved.stream.length).toBeLessThan(menu.stream.length / 4);
		// A full-screen request starts over, whatever came before.
		const fresh = viewer();
		expect(same(fresh(video.frame({ update: false })), expected(machine, true))).toBe(true);
	});

	it("encodes each picture once: links share the frames of the screens they have in common", () => {
		const a = new DemoVideo(() => new DemoMachine().screen());
		const b = new DemoVideo(() => new DemoMachine().screen());
		expect(b.frame({ update: false }).stream).toBe(a.frame({ update: false }).stream);
		expect(b.frame({ update: true }).stream).toBe(a.frame({ update: true }).stream);
	});
});

describe("DemoProvider", () => {
	it("opens a console on its own machine: the panic, kept while the link is suspended", async () => {
		const provider = new DemoProvider();
		const ctx = { signal: AbortSignal.timeout(10_000) };
		const link = await provider.openConsole(DEMO_SERVER.id, ctx);
		const panic = renderConsoleScreen(KERNEL_PANIC_LINES, { cursor: true });
		expect(same(await link.capture(ctx), panic)).toBe(true);
		expect(link.powerState).toBe("on");
		link.suspend();
		expect(same(await link.capture(ctx), panic)).toBe(true);
		link.close();
	});
});

/** A bare IVTP viewer on the demo BMC: handshake, then raw packets, to see what reaches the machine. */
async function bareViewer(machine: DemoMachine) {
	const bmc = createDemoBmc(machine);
	const session = await openBmcSession({ fetch: bmc.fetch, viewerUrl: bmc.viewerUrl() });
	const response = await bmc.fetch(`${session.origin}/kvm`, {
		headers: { Upgrade: "websocket", Cookie: `QSESSIONID=${session.sessionId}` },
	});
	const ws = response.webSocket as WebSocket;
	ws.binaryType = "arraybuffer";
	ws.accept();
	const framer = new IvtpFramer();
	const packets: IvtpPacket[] = [];
	let look = () => {};
	ws.addEventListener("message", (e) => {
		for (const p of framer.push(new Uint8Array(e.data as ArrayBuffer))) {
			packets.push({ ...p, payload: p.payload.slice() });
		}
		look();
	});
	let taken = 0;
	const next = (type: number) =>
		new Promise<IvtpPacket>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`no packet of type ${type}`)), 5000);
			look = () => {
				for (; taken < packets.length; taken++) {
					if (packets[taken].type === type) {
						clearTimeout(timer);
						resolve(packets[taken++]);
						return;
					}
				}
			};
			look();
		});
	const send = (...parts: Uint8Array[]) => ws.send(concatBytes(parts));
	await next(IvtpType.CONNECTION_ALLOWED);
	const validate = encodeValidatePayload({
		token: session.kvmToken,
		clientIp: session.clientIp,
		user: "test",
		mac: "00-00-00-00-00-00",
	});
	send(encodeIvtp(IvtpType.VALIDATE_VIDEO_SESSION, 1, validate));
	await next(IvtpType.VALIDATED_VIDEO_SESSION);
	await next(IvtpType.POWER_STATUS);
	return { ws, send, next };
}

describe("createDemoBmc", () => {
	it("hands the machine the keyboard reports and power requests it decodes from IVTP", async () => {
		const machine = new DemoMachine();
		const { ws, send, next } = await bareViewer(machine);
		let sequence = 0;
		const kbd = (mods: number, keys: number[]) =>
			encodeHidPacket("keyboard", keyboardReport(mods, keys), sequence++);
		send(kbd(CTRL_ALT, []), kbd(CTRL_ALT, [DELETE]), kbd(CTRL_ALT, []), kbd(0, []));
		// The mock handles packets in order: its LED answer means it has seen the rest.
		send(encodeIvtp(IvtpType.KEYBOARD_LEDS));
		await next(IvtpType.KEYBOARD_LEDS);
		expect(machine.stage).toBe("firmware");

		send(encodeIvtp(IvtpType.POWER_CONTROL, PowerControl.OFF));
		expect((await next(IvtpType.POWER_CONTROL_RESPONSE)).status).toBe(0);
		expect(machine.powered()).toBe(false);
		send(encodeIvtp(IvtpType.POWER_STATUS));
		expect((await next(IvtpType.POWER_STATUS)).status).toBe(PowerStatus.OFF);
		send(encodeIvtp(IvtpType.GET_FULL_SCREEN));
		await next(IvtpType.PAINT_BLANK_SCREEN);

		send(encodeIvtp(IvtpType.POWER_CONTROL, PowerControl.ON));
		await next(IvtpType.POWER_CONTROL_RESPONSE);
		send(encodeIvtp(IvtpType.POWER_STATUS));
		expect((await next(IvtpType.POWER_STATUS)).status).toBe(PowerStatus.ON);
		expect(machine.stage).toBe("firmware");
		ws.close();
	});
});
