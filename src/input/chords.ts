import { InputError, UnknownKeyError } from "./errors.ts";
import type { KeyInput } from "./events.ts";
import { KEYSYM, lookupKeyName, USAGE } from "./keys.ts";
import { keysymOf, type LayoutName, layout } from "./layouts.ts";

/** Most chords one call may send. */
export const MAX_CHORDS = 500;
/** Most keys one chord may hold down at once. */
export const MAX_CHORD_KEYS = 8;

/** One key of a chord: what is pressed (usage) and the symbol it makes (keysym). */
export interface ChordKey {
	name: string;
	usage: number;
	keysym: number;
}

/** Keys pressed in order, then released in reverse order. */
export interface Chord {
	/** Canonical form for messages and logs: "Ctrl+Alt+Delete", "Shift+a". */
	name: string;
	keys: readonly ChordKey[];
}

const SHIFT: ChordKey = { name: "Shift", usage: USAGE.leftShift, keysym: KEYSYM.shiftL };
const ALT_GR: ChordKey = { name: "AltGr", usage: USAGE.rightAlt, keysym: KEYSYM.isoLevel3Shift };

/**
 * Parses `send_keys` input: space-separated chords in xdotool syntax
 * ("Return", "Down Down Return", "ctrl+alt+Delete", "shift+Tab"), or an
 * array of such strings. Key names are case-insensitive. A single
 * character is that character on `layout` (Shift or AltGr added as the
 * layout needs): "A" is Shift+a, "!" is Shift+1 on us. Inside a chord with
 * other keys a letter names its key, so "ctrl+C" is Ctrl+c (write
 * "ctrl+shift+c" for Shift). "+" is written "plus" or as the last key
 * ("ctrl++"). Throws UnknownKeyError naming the first bad token, before
 * anything could be sent.
 */
export function parseKeys(
	keys: string | readonly string[],
	layoutName: LayoutName = "us",
): Chord[] {
	const tokens = (typeof keys === "string" ? [keys] : keys)
		.flatMap((s) => s.split(/\s+/))
		.filter((t) => t.length > 0);
	if (tokens.length === 0) {
		throw new InputError('no keys given: write chords such as "Return" or "ctrl+alt+Delete"');
	}
	if (tokens.length > MAX_CHORDS) {
		throw new InputError(`${tokens.length} chords in one call; send at most ${MAX_CHORDS}`);
	}
	return tokens.map((t) => parseChord(t, layoutName));
}

/** "ctrl+alt+Delete" -> its parts; a "+" right after a separator (or alone) is the plus key. */
function splitChord(token: string): string[] {
	const parts: string[] = [];
	let start = 0;
	for (let i = 0; i < token.length; i++) {
		if (token[i] === "+" && i > start) {
			parts.push(token.slice(start, i));
			start = i + 1;
		}
	}
	parts.push(token.slice(start));
	return parts;
}

function parseChord(token: string, layoutName: LayoutName): Chord {
	const parts = splitChord(token);
	if (parts.includes("")) {
		throw new UnknownKeyError(
			token,
			`empty key name in ${JSON.stringify(token)}: join keys with single "+" (write "plus" for the + key)`,
		);
	}
	if (parts.length > MAX_CHORD_KEYS) {
		throw new UnknownKeyError(
			token,
			`${JSON.stringify(token)} holds ${parts.length} keys; a chord holds at most ${MAX_CHORD_KEYS}`,
		);
	}
	const l = layout(layoutName);
	const keys: ChordKey[] = [];
	const add = (k: ChordKey) => {
		const held = keys.find((h) => h.usage === k.usage);
		if (held) {
			throw new UnknownKeyError(
				token,
				`${JSON.stringify(token)} presses the same key twice (${held.name} and ${k.name})`,
			);
		}
		keys.push(k);
	};
	// Shift or AltGr that a character needs, unless the chord already holds it.
	const addLevel = (k: ChordKey) => {
		if (!keys.some((h) => h.usage === k.usage)) keys.push(k);
	};
	const alone = parts.length === 1;
	const typedChars = new Set<ChordKey>();
	for (const part of parts) {
		const found = lookupKeyName(part);
		if (!found) throw unknownKey(token, part);
		if (found.kind === "not-a-key") {
			throw new UnknownKeyError(
				part,
				`${JSON.stringify(part)} in ${JSON.stringify(token)}: ${found.what} is not on a USB keyboard's key page, so no console can send it; use the power tool for power actions`,
			);
		}
		if (found.kind === "named") {
			add({ ...found.key });
			continue;
		}
		// A letter inside a chord names its key; alone it is the character as written.
		const char = alone ? found.char : lowerLetter(found.char);
		const stroke = l.stroke(char);
		if (!stroke) {
			throw new UnknownKeyError(
				part,
				`${JSON.stringify(part)} in ${JSON.stringify(token)} is not a key name, nor a character the ${layoutName} layout has a key for`,
			);
		}
		if (stroke.shift) addLevel(SHIFT);
		if (stroke.altGr) addLevel(ALT_GR);
		const key = { name: char, usage: stroke.usage, keysym: stroke.keysym };
		// Alone, the character is what the caller wrote; in a chord, the levels held decide.
		if (!alone) typedChars.add(key);
		add(key);
	}
	// A character key makes the symbol of the levels held with it: shift+a is "A", shift+1 is "!" (us).
	const shift = keys.some((k) => k.usage === USAGE.leftShift || k.usage === USAGE.rightShift);
	const altGr = layoutName !== "us" && keys.some((k) => k.usage === USAGE.rightAlt);
	const resolved = keys.map((k) => {
		if (!typedChars.has(k)) return k;
		const produced = l.symbol(k.usage, shift, altGr) ?? k.name;
		return { ...k, keysym: keysymOf(produced) };
	});
	return { name: resolved.map((k) => k.name).join("+"), keys: resolved };
}

function lowerLetter(char: string): string {
	const lower = char.toLowerCase();
	return [...lower].length === 1 ? lower : char;
}

function unknownKey(token: string, part: string): UnknownKeyError {
	const where = part === token ? "" : ` in ${JSON.stringify(token)}`;
	return new UnknownKeyError(
		part,
		`unknown key name ${JSON.stringify(part)}${where}: use xdotool names such as Return, Escape, BackSpace, Tab, Delete, Up, Page_Down, F1-F24, KP_Enter, ctrl, alt, shift, super, or a single character`,
	);
}

/** Key events for chords: each chord's keys go down in order and come up in reverse. */
export function chordEvents(chords: readonly Chord[]): KeyInput[] {
	const events: KeyInput[] = [];
	for (const chord of chords) {
		for (const k of chord.keys)
			events.push({ kind: "key", down: true, usage: k.usage, keysym: k.keysym });
		for (let i = chord.keys.length - 1; i >= 0; i--) {
			const k = chord.keys[i];
			events.push({ kind: "key", down: false, usage: k.usage, keysym: k.keysym });
		}
	}
	return events;
}

/** What the Linux kernel does for Alt+SysRq+<key> (Documentation/admin-guide/sysrq.rst). */
const SYSRQ: Record<string, string> = {
	b: "reboots at once, without syncing or unmounting disks",
	c: "crashes the kernel on purpose (a crash dump if kdump is set up, else a hang or reboot)",
	e: "sends SIGTERM to every process except init",
	f: "runs the OOM killer, which kills one process",
	i: "sends SIGKILL to every process except init",
	j: "thaws frozen filesystems",
	k: "kills every process on the current virtual console (Secure Access Key)",
	n: "makes real-time tasks niceable",
	o: "powers the machine off at once",
	r: "takes the keyboard out of raw mode",
	s: "syncs every mounted filesystem",
	u: "remounts every filesystem read-only",
};

/** The US characters of usages 0x04-0x27: the kernel reads SysRq keys by key position. */
const US_POSITION = "abcdefghijklmnopqrstuvwxyz1234567890";

/**
 * Whether a chord is destructive, and if so what it would do (one sentence
 * for the user); null when it is not. Destructive: Ctrl+Alt+Delete,
 * Ctrl+Alt+Backspace, any Alt+SysRq chord, the Power key.
 */
export function destructiveEffect(chord: Chord): string | null {
	const has = (...usages: number[]) => chord.keys.some((k) => usages.includes(k.usage));
	const ctrl = has(USAGE.leftCtrl, USAGE.rightCtrl);
	const alt = has(USAGE.leftAlt, USAGE.rightAlt);
	if (has(USAGE.power)) {
		return `${chord.name} presses the Power key: the server shuts down or suspends, as its power-button setting says`;
	}
	if (alt && has(USAGE.printScreen)) {
		const letter = chord.keys
			.map((k) => (k.usage >= 0x04 && k.usage <= 0x27 ? US_POSITION[k.usage - 0x04] : ""))
			.find((c) => c !== "");
		if (letter === undefined) {
			return `${chord.name} starts a Linux magic SysRq command: with a key held it can reboot (b), power off (o) or crash (c) the server at once`;
		}
		const action = /[0-9]/.test(letter)
			? `sets the console log level to ${letter}`
			: (SYSRQ[letter] ?? "runs a magic SysRq command (or prints SysRq help)");
		return `${chord.name} is a Linux magic SysRq command (${letter} by key position): the kernel ${action}`;
	}
	if (ctrl && alt && has(USAGE.delete, USAGE.keypadDelete)) {
		return `${chord.name} reboots the server (Linux consoles, BIOS setup and boot loaders; Windows opens its security screen)`;
	}
	if (ctrl && alt && has(USAGE.backspace)) {
		return `${chord.name} kills the X server where that is enabled, ending every graphical session`;
	}
	return null;
}
