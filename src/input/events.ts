/**
 * Keyboard and mouse input as every protocol sees it. `src/input` turns key
 * names, chords and text into these; each protocol (IVTP HID reports, RFB
 * KeyEvent/PointerEvent, QEMU extended keys) turns them into its own bytes.
 */

/** One key going down or up. */
export interface KeyInput {
	kind: "key";
	down: boolean;
	/**
	 * USB HID usage (page 7, Keyboard/Keypad) of the physical key: what HID
	 * and scancode protocols send. Modifiers are 0xE0-0xE7 (LCtrl, LShift,
	 * LAlt, LGUI, RCtrl, RShift, RAlt, RGUI).
	 */
	usage: number;
	/** X11 keysym of the symbol the key produces in this event: what RFB KeyEvent sends. */
	keysym: number;
}

/** The pointer at a native console pixel, with buttons held and wheel clicks. */
export interface PointerInput {
	kind: "pointer";
	x: number;
	y: number;
	/** Bit 0 left, bit 1 middle, bit 2 right. */
	buttons: number;
	/** Wheel clicks in this event: negative scrolls up, positive down, 0 none. */
	wheel: number;
}

export type InputEvent = KeyInput | PointerInput;
