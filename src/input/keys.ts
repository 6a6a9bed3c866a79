/**
 * Key names as agents write them (xdotool's keysym names plus the usual
 * aliases), each with the physical key (USB HID usage, page 7) and the X11
 * keysym it sends.
 */

export interface NamedKey {
	/** How chords are shown: "Ctrl", "Delete", "F2". */
	name: string;
	usage: number;
	keysym: number;
}

export const USAGE = {
	leftCtrl: 0xe0,
	leftShift: 0xe1,
	leftAlt: 0xe2,
	leftGui: 0xe3,
	rightCtrl: 0xe4,
	rightShift: 0xe5,
	rightAlt: 0xe6,
	rightGui: 0xe7,
	capsLock: 0x39,
	backspace: 0x2a,
	delete: 0x4c,
	keypadDelete: 0x63,
	printScreen: 0x46,
	power: 0x66,
} as const;

export const KEYSYM = {
	shiftL: 0xffe1,
	isoLevel3Shift: 0xfe03,
	capsLock: 0xffe5,
	return: 0xff0d,
	tab: 0xff09,
} as const;

/** [shown name, usage, keysym, aliases (normalised: lower case, no _ - or spaces)]. */
const NAMED: readonly (readonly [string, number, number, string])[] = [
	["Ctrl", 0xe0, 0xffe3, "ctrl control ctrll controll lctrl leftctrl leftcontrol"],
	["Ctrl_R", 0xe4, 0xffe4, "ctrlr controlr rctrl rightctrl rightcontrol"],
	["Shift", 0xe1, 0xffe1, "shift shiftl lshift leftshift"],
	["Shift_R", 0xe5, 0xffe2, "shiftr rshift rightshift"],
	["Alt", 0xe2, 0xffe9, "alt altl lalt leftalt option opt"],
	["Alt_R", 0xe6, 0xffea, "altr ralt rightalt"],
	["AltGr", 0xe6, 0xfe03, "altgr altgraph isolevel3shift"],
	[
		"Super",
		0xe3,
		0xffeb,
		"super superl lsuper leftsuper win winl lwin leftwin windows meta metal cmd command gui",
	],
	["Super_R", 0xe7, 0xffec, "superr rsuper rightsuper winr rwin rightwin metar cmdr"],
	["Return", 0x28, 0xff0d, "return enter ret"],
	["Escape", 0x29, 0xff1b, "escape esc"],
	["BackSpace", 0x2a, 0xff08, "backspace bksp"],
	["Tab", 0x2b, 0xff09, "tab"],
	["space", 0x2c, 0x20, "space spacebar"],
	["Delete", 0x4c, 0xffff, "delete del"],
	["Insert", 0x49, 0xff63, "insert ins"],
	["Home", 0x4a, 0xff50, "home"],
	["End", 0x4d, 0xff57, "end"],
	["Page_Up", 0x4b, 0xff55, "pageup pgup prior"],
	["Page_Down", 0x4e, 0xff56, "pagedown pagedn pgdn pgdown next"],
	["Right", 0x4f, 0xff53, "right arrowright rightarrow"],
	["Left", 0x50, 0xff51, "left arrowleft leftarrow"],
	["Down", 0x51, 0xff54, "down arrowdown downarrow"],
	["Up", 0x52, 0xff52, "up arrowup uparrow"],
	["Caps_Lock", 0x39, 0xffe5, "capslock caps"],
	["Num_Lock", 0x53, 0xff7f, "numlock"],
	["Scroll_Lock", 0x47, 0xff14, "scrolllock scrlk"],
	["Print", 0x46, 0xff61, "print printscreen prtsc prtscr prtscn"],
	["SysRq", 0x46, 0xff15, "sysrq sysreq"],
	["Pause", 0x48, 0xff13, "pause break"],
	["Menu", 0x65, 0xff67, "menu apps application contextmenu"],
	["Power", 0x66, 0x1008ff2a, "power poweroff"],
	["KP_Enter", 0x58, 0xff8d, "kpenter"],
	["KP_Add", 0x57, 0xffab, "kpadd kpplus"],
	["KP_Subtract", 0x56, 0xffad, "kpsubtract kpminus"],
	["KP_Multiply", 0x55, 0xffaa, "kpmultiply"],
	["KP_Divide", 0x54, 0xffaf, "kpdivide"],
	["KP_Decimal", 0x63, 0xffae, "kpdecimal kpperiod"],
	["KP_Separator", 0x85, 0xffac, "kpseparator kpcomma"],
	["KP_Equal", 0x67, 0xffbd, "kpequal"],
	// The navigation names of keypad keys (what they do with Num Lock off).
	["KP_Home", 0x5f, 0xff95, "kphome"],
	["KP_Up", 0x60, 0xff97, "kpup"],
	["KP_Prior", 0x61, 0xff9a, "kpprior kppageup"],
	["KP_Left", 0x5c, 0xff96, "kpleft"],
	["KP_Begin", 0x5d, 0xff9d, "kpbegin"],
	["KP_Right", 0x5e, 0xff98, "kpright"],
	["KP_End", 0x59, 0xff9c, "kpend"],
	["KP_Down", 0x5a, 0xff99, "kpdown"],
	["KP_Next", 0x5b, 0xff9b, "kpnext kppagedown"],
	["KP_Insert", 0x62, 0xff9e, "kpinsert"],
	["KP_Delete", 0x63, 0xff9f, "kpdelete"],
	// KP_0 is 0x62, KP_1..KP_9 are 0x59..0x61.
	...Array.from(
		{ length: 10 },
		(_, n) => [`KP_${n}`, n === 0 ? 0x62 : 0x58 + n, 0xffb0 + n, `kp${n}`] as const,
	),
	// F1..F12 are 0x3a..0x45, F13..F24 0x68..0x73.
	...Array.from(
		{ length: 24 },
		(_, i) => [`F${i + 1}`, i < 12 ? 0x3a + i : 0x68 + i - 12, 0xffbe + i, `f${i + 1}`] as const,
	),
];

/** xdotool's (X11's) names of punctuation keysyms, plus a few common words, for the characters. */
const SYMBOL_NAMES: Record<string, string> = {
	plus: "+",
	minus: "-",
	equal: "=",
	comma: ",",
	period: ".",
	dot: ".",
	slash: "/",
	backslash: "\\",
	semicolon: ";",
	colon: ":",
	apostrophe: "'",
	quoteright: "'",
	quotedbl: '"',
	grave: "`",
	quoteleft: "`",
	backtick: "`",
	asciitilde: "~",
	tilde: "~",
	exclam: "!",
	at: "@",
	numbersign: "#",
	hash: "#",
	dollar: "$",
	percent: "%",
	asciicircum: "^",
	caret: "^",
	ampersand: "&",
	asterisk: "*",
	parenleft: "(",
	parenright: ")",
	underscore: "_",
	bracketleft: "[",
	bracketright: "]",
	braceleft: "{",
	braceright: "}",
	bar: "|",
	pipe: "|",
	less: "<",
	greater: ">",
	question: "?",
};

/** Names that sound like keys but that a USB keyboard's key page does not have. */
const NOT_KEYBOARD_KEYS: Record<string, string> = {
	sleep: "Sleep",
	suspend: "Sleep",
	wake: "Wake",
	wakeup: "Wake",
};

const BY_ALIAS = new Map<string, NamedKey>();
for (const [name, usage, keysym, aliases] of NAMED) {
	for (const alias of aliases.split(" ")) BY_ALIAS.set(alias, { name, usage, keysym });
}

export type KeyName =
	| { kind: "named"; key: NamedKey }
	| { kind: "char"; char: string }
	| { kind: "not-a-key"; what: string };

/**
 * Resolves one key name: a named key, or a character (single characters
 * as given; punctuation names such as "plus" to their character). Returns
 * undefined for names nobody knows.
 */
export function lookupKeyName(token: string): KeyName | undefined {
	if ([...token].length === 1) return { kind: "char", char: token };
	const norm = token.toLowerCase().replace(/[_\-\s]/g, "");
	const named = BY_ALIAS.get(norm);
	if (named) return { kind: "named", key: named };
	const symbol = SYMBOL_NAMES[norm];
	if (symbol) return { kind: "char", char: symbol };
	const notKey = NOT_KEYBOARD_KEYS[norm];
	if (notKey) return { kind: "not-a-key", what: notKey };
	return undefined;
}

export function isModifierUsage(usage: number): boolean {
	return usage >= 0xe0 && usage <= 0xe7;
}
