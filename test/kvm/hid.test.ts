/**
 * The IVTP HID packet, byte by byte. These bytes are our reading of public
 * descriptions, not captures: BadCoder1337/rd450x-console internal/kvm/hid.go
 * (JViewer's USBKeyboardRep.report / USBMouseRep.ABSreport: layout, checksum
 * over the 32 IUSB header bytes, 32767 scaling with +0.5 rounding),
 * eWloYW8/AMIKVM crates/amikvm-core/src/protocol.rs (input_report: data length
 * = report + 1, sequence at 24; encrypted form: status 255, one Blowfish block)
 * and truebigsand/MegaRAC-Next server/src/hid.ts (the HTML5 viewer's
 * usbmessage.js: the same header). ../shared/research/ivtp-input.md sums them up.
 */

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ProtocolError } from "../../src/errors.ts";
import {
	absoluteMouseReport,
	decodeHidPayload,
	encodeHidPacket,
	keyboardReport,
	scaleAbsolute,
} from "../../src/kvm/hid.ts";

const hex = (s: string) =>
	Uint8Array.from(s.split(/\s+/).filter(Boolean), (b) => Number.parseInt(b, 16));

describe("encodeHidPacket", () => {
	it("wraps a keyboard report ('a' down) as JViewer does", () => {
		const packet = encodeHidPacket("keyboard", keyboardReport(0, [0x04]), 0);
		expect(packet).toEqual(
			hex(`
				01 00  29 00 00 00  00 00
				49 55 53 42 20 20 20 20  01 00 20 61  09 00 00 00
				00 30 10 80  02 00 00 00  00 00 00 00  00 00 00 00
				08  00 00 04 00 00 00 00 00`),
		);
	});

	it("numbers packets: the checksum follows the sequence (hand-summed: 0x61 at 0, 0x60 at 1)", () => {
		const at1 = encodeHidPacket("keyboard", keyboardReport(0, []), 1);
		expect(at1[8 + 11]).toBe(0x60);
		expect([...at1.subarray(8 + 24, 8 + 28)]).toEqual([1, 0, 0, 0]);
		const big = encodeHidPacket("keyboard", keyboardReport(0, []), 0x01020304);
		expect([...big.subarray(8 + 24, 8 + 28)]).toEqual([4, 3, 2, 1]);
	});

	it("carries the modifier byte and six keys (Ctrl+Alt+Del as the viewer sends it: mods 05, key 4C)", () => {
		const packet = encodeHidPacket("keyboard", keyboardReport(0x05, [0x4c]), 7);
		expect([...packet.subarray(40)]).toEqual([8, 0x05, 0, 0x4c, 0, 0, 0, 0, 0]);
		const six = keyboardReport(0x22, [4, 5, 6, 7, 8, 9]);
		expect([...six]).toEqual([0x22, 0, 4, 5, 6, 7, 8, 9]);
		expect(() => keyboardReport(0, [4, 5, 6, 7, 8, 9, 10])).toThrow(RangeError);
	});

	it("wraps an absolute mouse report: device 0x31, protocol 0x20, interface 1, data length 7", () => {
		const report = absoluteMouseReport(1, 0x4000, 0x1234, -1);
		const packet = encodeHidPacket("mouse", report, 0);
		expect(packet).toEqual(
			hex(`
				01 00  27 00 00 00  00 00
				49 55 53 42 20 20 20 20  01 00 20 51  07 00 00 00
				00 31 20 80  02 01 00 00  00 00 00 00  00 00 00 00
				06  01 00 40 34 12 ff`),
		);
	});

	it("refuses a report of the wrong size", () => {
		expect(() => encodeHidPacket("mouse", new Uint8Array(8), 0)).toThrow(RangeError);
		expect(() => encodeHidPacket("keyboard", new Uint8Array(6), 0)).toThrow(RangeError);
	});

	it("encrypted: status 0xFF, the report as one 8-byte block, lengths unchanged", () => {
		const reverse = (block: Uint8Array) => block.slice().reverse();
		const packet = encodeHidPacket("mouse", absoluteMouseReport(0, 1, 2, 0), 3, reverse);
		expect([...packet.subarray(0, 8)]).toEqual([1, 0, 41, 0, 0, 0, 0xff, 0]);
		expect(packet[8 + 12]).toBe(7);
		expect([...packet.subarray(40)]).toEqual([6, 0, 0, 0, 0, 2, 0, 1, 0]);
		const decoded = decodeHidPayload(0xff, packet.subarray(8), reverse);
		expect(decoded).toMatchObject({ device: "mouse", sequence: 3, encrypted: true });
		expect([...decoded.report]).toEqual([0, 1, 0, 2, 0, 0]);
	});
});

describe("absolute mouse", () => {
	it("scales native pixels to 0..32767, rounding half up, clamped to the screen", () => {
		expect(scaleAbsolute(0, 800)).toBe(0);
		expect(scaleAbsolute(400, 800)).toBe(16384); // 16383.5 + 0.5
		expect(scaleAbsolute(799, 800)).toBe(32726);
		expect(scaleAbsolute(800, 800)).toBe(32767);
		expect(scaleAbsolute(-5, 800)).toBe(0);
		expect(scaleAbsolute(5000, 800)).toBe(32767);
		expect(() => scaleAbsolute(1, 0)).toThrow(RangeError);
	});

	it("packs buttons (3 bits), x and y little-endian and a signed wheel byte", () => {
		expect([...absoluteMouseReport(0xff, 32767, 1, 3)]).toEqual([7, 0xff, 0x7f, 1, 0, 3]);
		expect([...absoluteMouseReport(0, 0, 0, -300)]).toEqual([0, 0, 0, 0, 0, 0x81]);
	});
});

describe("decodeHidPayload", () => {
	it("reads back whatever was encoded", () => {
		fc.assert(
			fc.property(
				fc.boolean(),
				fc.uint8Array({ minLength: 8, maxLength: 8 }),
				fc.nat(),
				(mouse, bytes, sequence) => {
					const report = mouse ? bytes.subarray(0, 6) : bytes;
					const packet = encodeHidPacket(mouse ? "mouse" : "keyboard", report, sequence);
					const decoded = decodeHidPayload(0, packet.subarray(8));
					expect(decoded.device).toBe(mouse ? "mouse" : "keyboard");
					expect(decoded.sequence).toBe(sequence >>> 0);
					expect(decoded.report).toEqual(report);
				},
			),
		);
	});

	it("rejects any flipped header byte, a wrong length or an unknown status", () => {
		const good = encodeHidPacket("keyboard", keyboardReport(2, [4]), 9).subarray(8);
		for (let i = 0; i < 33; i++) {
			const bad = good.slice();
			bad[i] ^= 0x40;
			expect(() => decodeHidPayload(0, bad), `byte ${i}`).toThrow(ProtocolError);
		}
		expect(() => decodeHidPayload(0, good.subarray(0, 40))).toThrow(/expected 41/);
		expect(() => decodeHidPayload(1, good)).toThrow(/status 1/);
		expect(() => decodeHidPayload(0xff, good)).toThrow(ProtocolError);
	});
});
