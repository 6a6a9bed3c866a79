import type { InputEvent } from "../input/events.ts";

/**
 * RFB input messages (RFC 6143 §7.5.4-5, QEMU Extended Key Event from the
 * RFB community spec), encoded from InputEvents. Pure: bytes out, no I/O.
 */

/** KeyEvent: [4][down][pad 2][keysym u32]. */
export function keyEvent(down: boolean, keysym: number): Uint8Array {
	const b = new Uint8Array(8);
	const v = new DataView(b.buffer);
	v.setUint8(0, 4);
	v.setUint8(1, down ? 1 : 0);
	v.setUint32(4, keysym >>> 0);
	return b;
}

/** QEMU Extended Key Event: [255][0][down u16][keysym u32][XT keycode u32]. */
export function qemuKeyEvent(down: boolean, keysym: number, keycode: number): Uint8Array {
	const b = new Uint8Array(12);
	const v = new DataView(b.buffer);
	v.setUint8(0, 255);
	v.setUint8(1, 0);
	v.setUint16(2, down ? 1 : 0);
	v.setUint32(4, keysym >>> 0);
	v.setUint32(8, keycode);
	return b;
}

/** PointerEvent: [5][button mask][x u16][y u16]. */
export function pointerEvent(mask: number, x: number, y: number): Uint8Array {
	const b = new Uint8Array(6);
	const v = new DataView(b.buffer);
	v.setUint8(0, 5);
	v.setUint8(1, mask & 0xff);
	v.setUint16(2, x);
	v.setUint16(4, y);
	return b;
}

/** RFB buttons 4 and 5 (mask bits 3 and 4) are one wheel click up and down. */
const WHEEL_UP = 1 << 3;
const WHEEL_DOWN = 1 << 4;
/** Wheel clicks one event may carry; more is a bug upstream, not a wish to scroll forever. */
const MAX_WHEEL_CLICKS = 100;

/**
 * XT (set 1) scancodes as QEMU numbers them, by USB HID usage: an E0-prefixed
 * code is 0x80 | its second byte. Matches QEMU's qnum and Linux's HID
 * mapping (hid-input.c) key for key.
 */
const XT: Record<number, number> = {
	// a-z
	...Object.fromEntries(
		[
			0x1e, 0x30, 0x2e, 0x20, 0x12, 0x21, 0x22, 0x23, 0x17, 0x24, 0x25, 0x26, 0x32, 0x31, 0x18,
			0x19, 0x10, 0x13, 0x1f, 0x14, 0x16, 0x2f, 0x11, 0x2d, 0x15, 0x2c,
		].map((xt, i) => [0x04 + i, xt]),
	),
	// 1-9, 0, Return, Escape, Backspace, Tab, space, - = [ ] \ (Non-US # too) ; ' ` , . /
	...Object.fromEntries(
		[
			0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x1c, 0x01, 0x0e, 0x0f, 0x39,
			0x0c, 0x0d, 0x1a, 0x1b, 0x2b, 0x2b, 0x27, 0x28, 0x29, 0x33, 0x34, 0x35,
		].map((xt, i) => [0x1e + i, xt]),
	),
	57: 0x3a, // Caps Lock
	// F1-F12
	...Object.fromEntries(
		[0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x40, 0x41, 0x42, 0x43, 0x44, 0x57, 0x58].map((xt, i) => [
			0x3a + i,
			xt,
		]),
	),
	70: 0xb7, // Print Screen / SysRq
	71: 0x46, // Scroll Lock
	72: 0xc6, // Pause
	73: 0xd2, // Insert
	74: 0xc7, // Home
	75: 0xc9, // Page Up
	76: 0xd3, // Delete
	77: 0xcf, // End
	78: 0xd1, // Page Down
	79: 0xcd, // Right
	80: 0xcb, // Left
	81: 0xd0, // Down
	82: 0xc8, // Up
	83: 0x45, // Num Lock
	84: 0xb5, // KP /
	85: 0x37, // KP *
	86: 0x4a, // KP -
	87: 0x4e, // KP +
	88: 0x9c, // KP Enter
	// KP 1-9, KP 0, KP .
	...Object.fromEntries(
		[0x4f, 0x50, 0x51, 0x4b, 0x4c, 0x4d, 0x47, 0x48, 0x49, 0x52, 0x53].map((xt, i) => [
			0x59 + i,
			xt,
		]),
	),
	100: 0x56, // Non-US \ (ISO key right of left Shift)
	101: 0xdd, // Menu (Application)
	102: 0xde, // Power
	103: 0x59, // KP =
	// F13-F24
	...Object.fromEntries(
		[0x5d, 0x5e, 0x5f, 0x55, 0x83, 0xf7, 0x84, 0x5a, 0x74, 0xf9, 0x6d, 0x6f].map((xt, i) => [
			0x68 + i,
			xt,
		]),
	),
	133: 0x7e, // KP ,
	224: 0x1d, // Left Ctrl
	225: 0x2a, // Left Shift
	226: 0x38, // Left Alt
	227: 0xdb, // Left GUI
	228: 0x9d, // Right Ctrl
	229: 0x36, // Right Shift
	230: 0xb8, // Right Alt
	231: 0xdc, // Right GUI
};

/** QEMU's XT keycode for a HID usage, or undefined when the key has none. */
export function xtKeycode(usage: number): number | undefined {
	return XT[usage];
}

export interface RfbInputOptions {
	/** The server acknowledged QEMU Extended Key Events: send physical keys too. */
	qemuKeys: boolean;
	/** Screen size: pointer positions are clamped inside it. */
	width: number;
	height: number;
}

/**
 * The messages for `events`, in order. Keys are KeyEvents (the keysym), or
 * QEMU Extended Key Events (keysym and physical key) when the server takes
 * them; a pointer event is one PointerEvent, plus a press and a release of
 * button 4 (up) or 5 (down) per wheel click, at the same point.
 */
export function encodeInput(events: readonly InputEvent[], opts: RfbInputOptions): Uint8Array[] {
	const out: Uint8Array[] = [];
	for (const e of events) {
		if (e.kind === "key") {
			const xt = opts.qemuKeys ? xtKeycode(e.usage) : undefined;
			out.push(xt === undefined ? keyEvent(e.down, e.keysym) : qemuKeyEvent(e.down, e.keysym, xt));
			continue;
		}
		const x = clamp(e.x, opts.width);
		const y = clamp(e.y, opts.height);
		const buttons = e.buttons & 0b111;
		out.push(pointerEvent(buttons, x, y));
		const clicks = Math.min(Math.abs(Math.trunc(e.wheel)), MAX_WHEEL_CLICKS);
		const wheel = e.wheel < 0 ? WHEEL_UP : WHEEL_DOWN;
		for (let i = 0; i < clicks; i++) {
			out.push(pointerEvent(buttons | wheel, x, y));
			out.push(pointerEvent(buttons, x, y));
		}
	}
	return out;
}

function clamp(v: number, size: number): number {
	if (!Number.isFinite(v)) return 0;
	return Math.max(0, Math.min(Math.max(size - 1, 0), Math.round(v)));
}
