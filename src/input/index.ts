/**
 * Key names, chords, layouts and text -> InputEvent[]. Pure: no I/O, no
 * protocol; each console link turns the events into its own bytes.
 */
export {
	type Chord,
	type ChordKey,
	chordEvents,
	destructiveEffect,
	MAX_CHORD_KEYS,
	MAX_CHORDS,
	parseKeys,
} from "./chords.ts";
export { InputError, UnknownKeyError, UntypeableCharacterError } from "./errors.ts";
export type { InputEvent, KeyInput, PointerInput } from "./events.ts";
export { LAYOUTS, type LayoutName, parseLayout } from "./layouts.ts";
export { MAX_TEXT_LENGTH, typeText, withCapsLockOff } from "./text.ts";
