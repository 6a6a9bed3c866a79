/**
 * Keyboard and absolute-mouse input as AMI's viewers send it: USB HID
 * reports wrapped in an "IUSB" header, in an IVTP packet of type 1.
 *
 * IVTP payload (offsets from the end of the 8-byte IVTP header):
 *   0-7   "IUSB    "         8 major 1   9 minor 0   10 header size 32
 *   11    checksum: the 32 header bytes sum to 0 mod 256
 *   12-15 u32 LE data length: report length + 1 (the length byte)
 *   16 0  17 device (0x30 keyboard, 0x31 mouse)  18 protocol (0x10, 0x20)
 *   19 direction 0x80 (from the remote viewer)   20 device number 2
 *   21 interface (0 keyboard, 1 mouse)   22-23 0
 *   24-27 u32 LE sequence number, one more for every HID packet sent
 *   28-31 0
 *   32    report length (8 keyboard, 6 absolute mouse)
 *   33-   the report; encrypted input carries it as one 8-byte Blowfish
 *         block (zero-padded) and the IVTP status is 0xFF.
 * Keyboard report: [modifiers, 0, k1..k6]; absolute mouse report:
 * [buttons, x u16 LE, y u16 LE, wheel i8], x and y scaled to 0..32767.
 *
 * Learned from public descriptions: BadCoder1337/rd450x-console
 * internal/kvm/hid.go (a port of JViewer's USBKeyboardRep/USBMouseRep),
 * eWloYW8/AMIKVM crates/amikvm-core/src/protocol.rs (input_report, the
 * encrypted form) and truebigsand/MegaRAC-Next server/src/hid.ts (the HTML5
 * viewer's usbmessage.js); see also ../shared/research/ivtp-input.md.
 */

import { ProtocolError } from "../errors.ts";
import { encodeIvtp, IvtpType } from "./ivtp.ts";

export const IUSB_HEADER_SIZE = 32;
export const KEYBOARD_REPORT_SIZE = 8;
export const MOUSE_REPORT_SIZE = 6;
/** The largest absolute coordinate (JViewer's DIRABS_MAX_SCALED). */
export const ABSOLUTE_MAX = 32767;
/** IVTP status of a HID packet whose report is encrypted. */
export const ENCRYPTED_STATUS = 0xff;
/** Encrypted reports travel as one cipher block. */
const CIPHER_BLOCK = 8;

const SIGNATURE = Uint8Array.from("IUSB    ", (c) => c.charCodeAt(0));
const FROM_REMOTE = 0x80;
const DEVICE_NUMBER = 2;

export type HidDevice = "keyboard" | "mouse";

/** The IUSB fields that tell the two devices apart. */
const DEVICES = {
	keyboard: { device: 0x30, protocol: 0x10, iface: 0, size: KEYBOARD_REPORT_SIZE },
	mouse: { device: 0x31, protocol: 0x20, iface: 1, size: MOUSE_REPORT_SIZE },
} as const;

/** Encrypts or decrypts one 8-byte block in place (Blowfish-ECB keyed by the KVM token). */
export type BlockCipher = (block: Uint8Array) => Uint8Array;

/** A keyboard report: modifier bits (LCtrl 0x01 … RGUI 0x80), then up to 6 pressed usages. */
export function keyboardReport(modifiers: number, keys: readonly number[]): Uint8Array {
	if (keys.length > 6) throw new RangeError("a HID keyboard report holds at most 6 keys");
	const report = new Uint8Array(KEYBOARD_REPORT_SIZE);
	report[0] = modifiers;
	// Byte 1 stays 0: 1 asks the BMC to release keys itself; we send releases.
	report.set(keys, 2);
	return report;
}

/**
 * An absolute-mouse report. `buttons` are HID bits (left 1, right 2,
 * middle 4); x and y are already in 0..32767; wheel is HID's sign
 * (positive scrolls up), clamped to one signed byte.
 */
export function absoluteMouseReport(
	buttons: number,
	x: number,
	y: number,
	wheel: number,
): Uint8Array {
	const report = new Uint8Array(MOUSE_REPORT_SIZE);
	report[0] = buttons & 7;
	report[1] = x & 0xff;
	report[2] = (x >> 8) & 0x7f;
	report[3] = y & 0xff;
	report[4] = (y >> 8) & 0x7f;
	report[5] = Math.max(-127, Math.min(127, Math.trunc(wheel))) & 0xff;
	return report;
}

/** A native pixel coordinate on an axis of `size` pixels, as 0..32767 (JViewer rounds half up). */
export function scaleAbsolute(pixel: number, size: number): number {
	if (!(size > 0)) throw new RangeError("the screen size must be positive to place the pointer");
	const clamped = Math.max(0, Math.min(size, pixel));
	return Math.min(ABSOLUTE_MAX, Math.floor((clamped * ABSOLUTE_MAX) / size + 0.5));
}

/** One whole IVTP HID packet (header included) carrying `report`. */
export function encodeHidPacket(
	device: HidDevice,
	report: Uint8Array,
	sequence: number,
	encrypt?: BlockCipher,
): Uint8Array {
	const spec = DEVICES[device];
	if (report.length !== spec.size) {
		throw new RangeError(`a HID ${device} report is ${spec.size} bytes, not ${report.length}`);
	}
	let body = report;
	if (encrypt) {
		body = new Uint8Array(CIPHER_BLOCK);
		body.set(report);
		body = encrypt(body);
	}
	const payload = new Uint8Array(IUSB_HEADER_SIZE + 1 + body.length);
	payload.set(SIGNATURE, 0);
	payload[8] = 1;
	payload[9] = 0;
	payload[10] = IUSB_HEADER_SIZE;
	const view = new DataView(payload.buffer);
	view.setUint32(12, report.length + 1, true);
	payload[17] = spec.device;
	payload[18] = spec.protocol;
	payload[19] = FROM_REMOTE;
	payload[20] = DEVICE_NUMBER;
	payload[21] = spec.iface;
	view.setUint32(24, sequence >>> 0, true);
	payload[11] = -headerSum(payload) & 0xff;
	payload[IUSB_HEADER_SIZE] = report.length;
	payload.set(body, IUSB_HEADER_SIZE + 1);
	return encodeIvtp(IvtpType.HID_PACKET, encrypt ? ENCRYPTED_STATUS : 0, payload);
}

export interface HidPacket {
	device: HidDevice;
	sequence: number;
	encrypted: boolean;
	/** The plain report (decrypted when it came encrypted). */
	report: Uint8Array;
}

/**
 * Checks and decodes the payload of a HID packet as a BMC would: every IUSB
 * field, the checksum and the lengths. `decrypt` is required for status 0xFF.
 */
export function decodeHidPayload(
	status: number,
	payload: Uint8Array,
	decrypt?: BlockCipher,
): HidPacket {
	const fail = (what: string): never => {
		throw new ProtocolError(`HID packet: ${what}`);
	};
	if (payload.length < IUSB_HEADER_SIZE + 1)
		fail(`payload of ${payload.length} bytes is too short`);
	for (let i = 0; i < SIGNATURE.length; i++) {
		if (payload[i] !== SIGNATURE[i]) fail('no "IUSB    " signature');
	}
	if (payload[8] !== 1 || payload[9] !== 0) fail(`IUSB version ${payload[8]}.${payload[9]}`);
	if (payload[10] !== IUSB_HEADER_SIZE) fail(`IUSB header size ${payload[10]}`);
	if ((headerSum(payload) & 0xff) !== 0) fail("IUSB header checksum does not add up to 0");
	const device = payload[17] === 0x30 ? "keyboard" : payload[17] === 0x31 ? "mouse" : null;
	if (device === null) return fail(`unknown IUSB device 0x${payload[17].toString(16)}`);
	const spec = DEVICES[device];
	if (payload[18] !== spec.protocol || payload[21] !== spec.iface) {
		fail(`${device} with protocol 0x${payload[18].toString(16)}, interface ${payload[21]}`);
	}
	if (payload[19] !== FROM_REMOTE || payload[20] !== DEVICE_NUMBER) {
		fail(`direction 0x${payload[19].toString(16)}, device number ${payload[20]}`);
	}
	for (const i of [16, 22, 23, 28, 29, 30, 31]) {
		if (payload[i] !== 0) fail(`reserved IUSB byte ${i} is ${payload[i]}`);
	}
	const view = new DataView(payload.buffer, payload.byteOffset, payload.length);
	const dataLength = view.getUint32(12, true);
	const reportLength = payload[IUSB_HEADER_SIZE];
	if (reportLength !== spec.size) fail(`${device} report length byte ${reportLength}`);
	if (dataLength !== spec.size + 1) fail(`IUSB data length ${dataLength}`);
	const encrypted = status === ENCRYPTED_STATUS;
	if (!encrypted && status !== 0) fail(`IVTP status ${status}`);
	const bodyLength = encrypted ? CIPHER_BLOCK : spec.size;
	if (payload.length !== IUSB_HEADER_SIZE + 1 + bodyLength) {
		fail(
			`${device} payload of ${payload.length} bytes, expected ${IUSB_HEADER_SIZE + 1 + bodyLength}`,
		);
	}
	let report = payload.slice(IUSB_HEADER_SIZE + 1);
	if (encrypted) {
		if (!decrypt) return fail("encrypted, but no key to decrypt it");
		report = decrypt(report).slice(0, spec.size);
	}
	return { device, sequence: view.getUint32(24, true), encrypted, report };
}

function headerSum(payload: Uint8Array): number {
	let sum = 0;
	for (let i = 0; i < IUSB_HEADER_SIZE; i++) sum += payload[i];
	return sum;
}
