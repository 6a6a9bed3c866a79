import { InputError } from "./errors.ts";

/**
 * Keyboard layouts of the server's console: which physical key (USB HID
 * usage) and which levels (Shift, AltGr) make each character. The tables
 * follow Linux's (xkeyboard-config's "basic" variants, which the Linux
 * console's keymaps match for these characters) and list only what the
 * Windows layouts of the same name agree on, or say where not.
 */
export const LAYOUTS = ["us", "uk", "de", "fr"] as const;
export type LayoutName = (typeof LAYOUTS)[number];

/** How to make one character: hold Shift and/or AltGr, press the key at `usage`. */
export interface Stroke {
	usage: number;
	shift: boolean;
	altGr: boolean;
	/** X11 keysym of the character. */
	keysym: number;
}

export interface Layout {
	readonly name: LayoutName;
	/** The stroke that makes `char` (one code point), if a live key does. */
	stroke(char: string): Stroke | undefined;
	/** The character the key at `usage` makes with these levels, if any. */
	symbol(usage: number, shift: boolean, altGr: boolean): string | undefined;
	/** Characters this layout has only on dead keys (which compose with the next key). */
	readonly deadOnly: string;
}

/** Key -> [base, Shift, AltGr, Shift+AltGr]; "" where the level makes no character. */
type Table = Record<number, readonly string[]>;

const LETTERS = "abcdefghijklmnopqrstuvwxyz";

/** US ANSI: the positions every other table changes. */
const US: Table = {
	...Object.fromEntries([...LETTERS].map((c, i) => [0x04 + i, [c, c.toUpperCase()]])),
	30: ["1", "!"],
	31: ["2", "@"],
	32: ["3", "#"],
	33: ["4", "$"],
	34: ["5", "%"],
	35: ["6", "^"],
	36: ["7", "&"],
	37: ["8", "*"],
	38: ["9", "("],
	39: ["0", ")"],
	44: [" ", " "],
	45: ["-", "_"],
	46: ["=", "+"],
	47: ["[", "{"],
	48: ["]", "}"],
	49: ["\\", "|"],
	51: [";", ":"],
	52: ["'", '"'],
	53: ["`", "~"],
	54: [",", "<"],
	55: [".", ">"],
	56: ["/", "?"],
};

/** ISO keyboards: the key left of Enter reports 0x32 (Non-US #), the one right of left Shift 0x64. */
const UK: Table = {
	...US,
	31: ["2", '"'],
	32: ["3", "£"],
	33: ["4", "$", "€"],
	49: [],
	50: ["#", "~"],
	52: ["'", "@"],
	53: ["`", "¬"],
	100: ["\\", "|"],
};

/** German QWERTZ: Y and Z swapped, umlauts, AltGr for @ € { [ ] } \ ~ | µ. */
const DE: Table = {
	...US,
	28: ["z", "Z"],
	29: ["y", "Y"],
	20: ["q", "Q", "@"],
	8: ["e", "E", "€"],
	16: ["m", "M", "µ"],
	31: ["2", '"', "²"],
	32: ["3", "§", "³"],
	35: ["6", "&"],
	36: ["7", "/", "{"],
	37: ["8", "(", "["],
	38: ["9", ")", "]"],
	39: ["0", "=", "}"],
	45: ["ß", "?", "\\"],
	46: [], // dead acute and grave
	47: ["ü", "Ü"],
	48: ["+", "*", "~"],
	49: [],
	50: ["#", "'"],
	51: ["ö", "Ö"],
	52: ["ä", "Ä"],
	53: ["", "°"], // base: dead circumflex
	54: [",", ";"],
	55: [".", ":"],
	56: ["-", "_"],
	100: ["<", ">", "|"],
};

/**
 * French AZERTY: A/Q, Z/W swapped, M right of L, digits with Shift. Linux
 * has ~ and ` on AltGr+2 and AltGr+7 as plain keys (Windows has them dead).
 */
const FR: Table = {
	...US,
	20: ["a", "A"],
	4: ["q", "Q"],
	26: ["z", "Z"],
	29: ["w", "W"],
	51: ["m", "M"],
	8: ["e", "E", "€"],
	30: ["&", "1"],
	31: ["é", "2", "~"],
	32: ['"', "3", "#"],
	33: ["'", "4", "{"],
	34: ["(", "5", "["],
	35: ["-", "6", "|"],
	36: ["è", "7", "`"],
	37: ["_", "8", "\\"],
	38: ["ç", "9", "^"],
	39: ["à", "0", "@"],
	45: [")", "°", "]"],
	46: ["=", "+", "}"],
	47: [], // dead circumflex and diaeresis
	48: ["$", "£", "¤"],
	49: [],
	50: ["*", "µ"],
	52: ["ù", "%"],
	53: ["²"],
	16: [",", "?"],
	54: [";", "."],
	55: [":", "/"],
	56: ["!", "§"],
	100: ["<", ">"],
};

const TABLES: Record<LayoutName, { table: Table; deadOnly: string }> = {
	us: { table: US, deadOnly: "" },
	uk: { table: UK, deadOnly: "" },
	de: { table: DE, deadOnly: "^´`" },
	fr: { table: FR, deadOnly: "¨" },
};

/** X11 keysym of a character: Latin-1 keysyms are the code point, others 0x01000000 + code point. */
export function keysymOf(char: string): number {
	const cp = char.codePointAt(0) as number;
	if ((cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xff)) return cp;
	if (cp === 0x20ac) return 0x20ac; // EuroSign, as X keymaps name it
	return 0x01000000 + cp;
}

function buildLayout(name: LayoutName): Layout {
	const { table, deadOnly } = TABLES[name];
	const strokes = new Map<string, Stroke>();
	// Lower levels first, so a character on two keys takes the easier one.
	for (let level = 0; level < 4; level++) {
		for (const [usage, chars] of Object.entries(table)) {
			const char = chars[level];
			if (!char || strokes.has(char)) continue;
			strokes.set(char, {
				usage: Number(usage),
				shift: (level & 1) !== 0,
				altGr: (level & 2) !== 0,
				keysym: keysymOf(char),
			});
		}
	}
	return {
		name,
		deadOnly,
		stroke: (char) => strokes.get(char),
		symbol: (usage, shift, altGr) => table[usage]?.[(shift ? 1 : 0) + (altGr ? 2 : 0)] || undefined,
	};
}

const BUILT = new Map<LayoutName, Layout>();

export function layout(name: LayoutName): Layout {
	let l = BUILT.get(name);
	if (!l) {
		l = buildLayout(name);
		BUILT.set(name, l);
	}
	return l;
}

const LAYOUT_ALIASES: Record<string, LayoutName> = {
	us: "us",
	"en-us": "us",
	uk: "uk",
	gb: "uk",
	"en-gb": "uk",
	de: "de",
	"de-de": "de",
	fr: "fr",
	"fr-fr": "fr",
};

/** A layout name as users write it (case-insensitive; gb, en-GB, de-DE, fr-FR too). */
export function parseLayout(name: string): LayoutName {
	const found = LAYOUT_ALIASES[name.trim().toLowerCase().replace("_", "-")];
	if (!found) {
		throw new InputError(
			`unknown keyboard layout ${JSON.stringify(name)}: use one of ${LAYOUTS.join(", ")} (the layout the server's console is set to)`,
		);
	}
	return found;
}
