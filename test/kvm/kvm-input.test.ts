/**
 * Keyboard, mouse and power through the AMI console link, checked at the mock
 * BMC, which decodes and validates every HID packet (header, checksum,
 * lengths) the way hid.ts documents it. The expected report sequences follow
 * ../shared/research/ivtp-input.md (Ctrl+Alt+Del as the vendor viewer sends
 * it: mods 01 -> 05 -> 05+4C -> 05 -> 01 -> 00) and JViewer's
 * USBKeyboardRep/USBMouseRep as BadCoder1337/rd450x-console hid.go ports them.
 */

import { Blowfish } from "egoroof-blowfish";
import { describe, expect, it } from "vitest";
import { chordEvents, parseKeys, typeText } from "../../src/input/index.ts";
import { mouseEvents } from "../../src/input/mouse.ts";
import { inputCipher } from "../../src/kvm/input-cipher.ts";
import { IvtpType, PowerControl } from "../../src/kvm/ivtp.ts";
import { KvmError } from "../../src/kvm/kvm-error.ts";
import type { MockBmcOptions } from "../../src/kvm/mock-bmc.ts";
import type { PowerAction } from "../../src/providers/types.ts";
import { openFlatConsole } from "./flat-console.ts";

async function console_(options: Partial<MockBmcOptions> = {}) {
	const opened = await openFlatConsole(options, { inputDelayMs: 0, powerSettleMs: 5000 }, 15_000);
	const reports = () => opened.mock.connections.flatMap((c) => c.input.map((p) => [...p.report]));
	return { ...opened, reports };
}

const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");

const K = (mods: number, ...keys: number[]) => [
	mods,
	0,
	...keys,
	...Array(6 - keys.length).fill(0),
];

describe("AMI keyboard", () => {
	it("types text as press and release reports, ending all-released, numbered one by one", async () => {
		const { mock, link, ctx, reports } = await console_();
		await link.sendInput(typeText("aB1\n"), ctx);
		expect(reports()).toEqual([
			K(0, 0x04),
			K(0),
			K(0x02),
			K(0x02, 0x05),
			K(0x02),
			K(0),
			K(0, 0x1e),
			K(0),
			K(0, 0x28),
			K(0),
			K(0),
		]);
		const connection = mock.connections[0];
		expect(connection.input.map((p) => p.sequence)).toEqual([...Array(11).keys()]);
		expect(connection.dropped).toEqual([]);
		// It read the LEDs before typing.
		expect(connection.received).toContain(IvtpType.KEYBOARD_LEDS);
		link.close();
	});

	it("sends Ctrl+Alt+Delete as the vendor viewer does", async () => {
		const { link, ctx, reports } = await console_();
		await link.sendInput(chordEvents(parseKeys("ctrl+alt+Delete")), ctx);
		expect(reports()).toEqual([K(0x01), K(0x05), K(0x05, 0x4c), K(0x05), K(0x01), K(0), K(0)]);
		link.close();
	});

	it("with Caps Lock on, wraps typing in Caps Lock taps so the case is as asked", async () => {
		const { mock, link, ctx, reports } = await console_({ leds: 2 });
		await link.sendInput(typeText("a"), ctx);
		expect(reports()).toEqual([K(0, 0x39), K(0), K(0, 0x04), K(0), K(0, 0x39), K(0), K(0)]);
		// The host's Caps Lock ended as it was: the next text is wrapped again.
		await link.sendInput(typeText("b"), ctx);
		expect(reports().slice(7, 9)).toEqual([K(0, 0x39), K(0)]);
		expect(mock.connections[0].dropped).toEqual([]);
		link.close();
	});

	it("asks for control when another viewer holds it, then types", async () => {
		const { mock, link, ctx, reports } = await console_({ otherViewer: "grants" });
		await link.sendInput(typeText("x"), ctx);
		const connection = mock.connections[0];
		expect(connection.received).toContain(IvtpType.SET_NEXT_MASTER);
		expect(connection.dropped).toEqual([]);
		expect(reports()).toEqual([K(0, 0x1b), K(0), K(0)]);
		link.close();
	});

	it("says so, sending no key, when the other viewer refuses control", async () => {
		const { mock, link, ctx } = await console_({ otherViewer: "refuses" });
		const error = await link.sendInput(typeText("x"), ctx).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(KvmError);
		expect((error as KvmError).reason).toBe("control-refused");
		expect(mock.connections[0].received).not.toContain(IvtpType.HID_PACKET);
		link.close();
	});
});

// JViewer's KMCrypt as eWloYW8/AMIKVM input/encryption.rs describes it: Blowfish-ECB,
// the KVM token zero-padded to 16 bytes as key, each report zero-filled to one block.
describe("AMI encrypted input (IVTP status 0xFF)", () => {
	it("the cipher is Blowfish: Schneier's all-zero vector, and a short token is zero-padded to 16 bytes", () => {
		const zero = inputCipher("\0".repeat(8));
		expect(hex(zero.encrypt(new Uint8Array(8)))).toBe("4ef997456198dd78");
		const block = Uint8Array.of(2, 0, 5, 0, 0, 0, 0, 0);
		const padded = new Blowfish(
			Uint8Array.from("abc\0\0\0\0\0\0\0\0\0\0\0\0\0", (c) => c.charCodeAt(0)),
			Blowfish.MODE.ECB,
			Blowfish.PADDING.NULL,
		);
		const cipher = inputCipher("abc");
		expect(hex(cipher.encrypt(block))).toBe(hex(padded.encode(block)));
		expect(hex(cipher.encrypt(block))).not.toBe(
			hex(new Blowfish("abc", Blowfish.MODE.ECB, Blowfish.PADDING.NULL).encode(block)),
		);
		// Trailing zero bytes survive the round trip (the package's NULL padding would strip them).
		expect([...cipher.decrypt(cipher.encrypt(block))]).toEqual([...block]);
	});

	it("refuses a token the cipher cannot take, saying how to turn encryption off", () => {
		expect(() => inputCipher("")).toThrow(/turn keyboard\/mouse encryption off/);
		expect(() => inputCipher("x".repeat(57))).toThrow(/57 bytes/);
	});

	it("a BMC that demands it from the start (INITIAL_ENCRYPTION_STATUS) gets every report encrypted, and reads them", async () => {
		const { mock, link, ctx, reports } = await console_({ encryptedInput: true });
		await link.sendInput(typeText("aB"), ctx);
		await link.sendInput(mouseEvents("click", 32, 12, "left"), ctx);
		const connection = mock.connections[0];
		expect(connection.dropped).toEqual([]);
		expect(connection.input.map((p) => p.encrypted)).toEqual(Array(10).fill(true));
		const at = (buttons: number) => [buttons, 0x00, 0x40, 0x00, 0x20, 0];
		expect(reports()).toEqual([
			K(0, 0x04),
			K(0),
			K(0x02),
			K(0x02, 0x05),
			K(0x02),
			K(0),
			K(0),
			at(0),
			at(1),
			at(0),
		]);
		link.close();
	});

	it("a BMC that asks mid-session (ENCRYPTION_STATUS) gets plain reports before, encrypted ones after", async () => {
		const { mock, link, ctx, reports } = await console_();
		await link.sendInput(typeText("a"), ctx);
		mock.connections[0].demandEncryptedInput();
		await link.sendInput(typeText("b"), ctx);
		const connection = mock.connections[0];
		expect(connection.dropped).toEqual([]);
		expect(connection.input.map((p) => p.encrypted)).toEqual([
			false,
			false,
			false,
			true,
			true,
			true,
		]);
		expect(reports()).toEqual([K(0, 0x04), K(0), K(0), K(0, 0x05), K(0), K(0)]);
		link.close();
	});
});

describe("AMI mouse", () => {
	it("takes a frame for the screen size, then clicks at scaled absolute coordinates", async () => {
		const { link, ctx, reports } = await console_();
		await link.sendInput(mouseEvents("click", 32, 12, "right"), ctx);
		// 32/64 and 12/48 of 32767, rounded half up; HID right button is bit 1.
		const at = (buttons: number) => [buttons, 0x00, 0x40, 0x00, 0x20, 0];
		expect(reports()).toEqual([at(0), at(2), at(0)]);
		await link.sendInput(mouseEvents("scroll", 0, 0, "left", -2), ctx);
		expect(reports().slice(3)).toEqual([
			[0, 0, 0, 0, 0, 0],
			[0, 0, 0, 0, 0, 1],
			[0, 0, 0, 0, 0, 1],
		]);
		link.close();
	});
});

describe("AMI power (IVTP 0x22/0x23/0x24)", () => {
	const cases: [PowerAction, number, "on" | "off"][] = [
		["off", PowerControl.OFF, "off"],
		["on", PowerControl.ON, "on"],
		["cycle", PowerControl.CYCLE, "on"],
		["reset", PowerControl.HARD_RESET, "on"],
		["nmi", PowerControl.NMI, "on"],
		["soft_off", PowerControl.SOFT_OFF, "off"],
	];
	for (const [action, code, state] of cases) {
		it(`${action}: POWER_CONTROL status ${code}, accepted, then the state read back`, async () => {
			const { mock, link, ctx } = await console_({ power: action === "on" ? "off" : "on" });
			const report = await link.power(action, ctx);
			const connection = mock.connections[0];
			expect(connection.powerRequests).toEqual([code]);
			expect(report.state).toBe(state);
			expect(report.detail).toMatch(/^The BMC accepted the request to /);
			link.close();
		});
	}

	it("keeps reading until a slow host shows the new state, and says what it saw", async () => {
		const { link, ctx } = await console_({ powerLag: 2 });
		const report = await link.power("off", ctx);
		expect(report.state).toBe("off");
		expect(report.detail).toMatch(/power states read after: on, on, off\.$/);
		link.close();
	});

	it("reports a refusal as such", async () => {
		const { link, ctx } = await console_({ misbehave: "refuse-power" });
		const error = await link.power("reset", ctx).catch((e: unknown) => e);
		expect((error as KvmError).reason).toBe("power-refused");
		link.close();
	});

	it("status reads the state and changes nothing", async () => {
		const { mock, link, ctx } = await console_({ power: "off" });
		expect(await link.power("status", ctx)).toEqual({
			state: "off",
			detail: "The BMC reports the server powered off.",
		});
		expect(mock.connections[0].powerRequests).toEqual([]);
		link.close();
	});
});
