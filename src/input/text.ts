import { InputError, UntypeableCharacterError } from "./errors.ts";
import type { InputEvent, KeyInput } from "./events.ts";
import { isModifierUsage, KEYSYM, USAGE } from "./keys.ts";
import { type LayoutName, layout, type Stroke } from "./layouts.ts";

/** Most characters one call may type. */
export const MAX_TEXT_LENGTH = 10_000;

const RETURN: Stroke = { usage: 0x28, shift: false, altGr: false, keysym: KEYSYM.return };
const TAB: Stroke = { usage: 0x2b, shift: false, altGr: false, keysym: KEYSYM.tab };

/**
 * Key events that type `text` literally on a console whose keyboard layout
 * is `layoutName`: each character is its physical key, with Shift and/or
 * AltGr held around it as the layout needs. "\n", "\r" and "\r\n" are
 * Return, "\t" is Tab. Every character is checked first: one the layout
 * cannot type (or has only on a dead key) throws UntypeableCharacterError
 * naming it, so nothing is typed.
 */
export function typeText(text: string, layoutName: LayoutName = "us"): KeyInput[] {
	const chars = [...text.replace(/\r\n?/g, "\n")];
	if (chars.length === 0) throw new InputError("no text given");
	if (chars.length > MAX_TEXT_LENGTH) {
		throw new InputError(
			`${chars.length} characters in one call; type at most ${MAX_TEXT_LENGTH} at a time`,
		);
	}
	const l = layout(layoutName);
	const strokes = chars.map((char) => {
		if (char === "\n") return RETURN;
		if (char === "\t") return TAB;
		const stroke = l.stroke(char);
		if (stroke) return stroke;
		const cp = `U+${(char.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, "0")}`;
		const why = l.deadOnly.includes(char)
			? "it is only on a dead key there, and composing with dead keys is not emulated"
			: "no key of that layout makes it";
		throw new UntypeableCharacterError(
			char,
			layoutName,
			`cannot type ${JSON.stringify(char)} (${cp}) with the ${layoutName} keyboard layout: ${why}; nothing was typed`,
		);
	});
	const events: KeyInput[] = [];
	const key = (down: boolean, usage: number, keysym: number) =>
		events.push({ kind: "key", down, usage, keysym });
	for (const s of strokes) {
		if (s.shift) key(true, USAGE.leftShift, KEYSYM.shiftL);
		if (s.altGr) key(true, USAGE.rightAlt, KEYSYM.isoLevel3Shift);
		key(true, s.usage, s.keysym);
		key(false, s.usage, s.keysym);
		if (s.altGr) key(false, USAGE.rightAlt, KEYSYM.isoLevel3Shift);
		if (s.shift) key(false, USAGE.leftShift, KEYSYM.shiftL);
	}
	return events;
}

/**
 * For links that send physical keys (HID, scancodes) to a console whose
 * Caps Lock is on (as its LED report says): the same events between two
 * Caps Lock taps, so letters come out in the case asked for and Caps Lock
 * ends as it was. Unchanged when Caps Lock is off, when only modifiers are
 * pressed, or when the events press Caps Lock themselves (the caller means it).
 */
export function withCapsLockOff(events: readonly InputEvent[], capsLockOn: boolean): InputEvent[] {
	const keys = events.filter((e): e is KeyInput => e.kind === "key");
	if (
		!capsLockOn ||
		keys.some((k) => k.usage === USAGE.capsLock) ||
		keys.every((k) => isModifierUsage(k.usage))
	) {
		return [...events];
	}
	const tap: InputEvent[] = [
		{ kind: "key", down: true, usage: USAGE.capsLock, keysym: KEYSYM.capsLock },
		{ kind: "key", down: false, usage: USAGE.capsLock, keysym: KEYSYM.capsLock },
	];
	return [...tap, ...events, ...tap];
}
