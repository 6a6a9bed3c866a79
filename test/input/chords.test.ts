import { describe, expect, it } from "vitest";
import { UserFacingError } from "../../src/errors.ts";
import {
	type Chord,
	chordEvents,
	destructiveEffect,
	InputError,
	MAX_CHORDS,
	parseKeys,
	UnknownKeyError,
} from "../../src/input/index.ts";

/** [usage, keysym] of each key of the single chord `keys` names. */
function keysOf(keys: string, layout?: Parameters<typeof parseKeys>[1]): [number, number][] {
	const chords = parseKeys(keys, layout);
	expect(chords).toHaveLength(1);
	return chords[0].keys.map((k) => [k.usage, k.keysym]);
}

function rejects(keys: string | string[], token: string): UnknownKeyError {
	let error: unknown;
	try {
		parseKeys(keys);
	} catch (e) {
		error = e;
	}
	expect(error).toBeInstanceOf(UnknownKeyError);
	expect(error).toBeInstanceOf(UserFacingError);
	const e = error as UnknownKeyError;
	expect(e.token).toBe(token);
	expect(e.message).toContain(JSON.stringify(token));
	return e;
}

describe("key names", () => {
	// Every alias of a family resolves to the same physical key and keysym, whatever the case.
	const families: [number, number, string[]][] = [
		[0x28, 0xff0d, ["Return", "Enter", "enter", "RETURN", "ret"]],
		[0x29, 0xff1b, ["Escape", "Esc", "esc", "ESCAPE"]],
		[0x2a, 0xff08, ["BackSpace", "Backspace", "backspace", "BACK_SPACE", "bksp"]],
		[0x2b, 0xff09, ["Tab", "tab", "TAB"]],
		[0x2c, 0x20, ["space", "Space", "SPACEBAR"]],
		[0x4c, 0xffff, ["Delete", "Del", "del", "DELETE"]],
		[0x49, 0xff63, ["Insert", "Ins", "insert"]],
		[0x4a, 0xff50, ["Home", "home"]],
		[0x4d, 0xff57, ["End", "end"]],
		[0x4b, 0xff55, ["Page_Up", "PgUp", "pageup", "Prior", "PAGE-UP", "Page Up".replace(" ", "_")]],
		[0x4e, 0xff56, ["Page_Down", "PgDn", "pagedown", "Next", "PageDn"]],
		[0x52, 0xff52, ["Up", "ArrowUp", "arrowup", "UP", "up_arrow"]],
		[0x51, 0xff54, ["Down", "ArrowDown", "arrowdown"]],
		[0x50, 0xff51, ["Left", "ArrowLeft", "arrowleft", "LEFT"]],
		[0x4f, 0xff53, ["Right", "ArrowRight", "arrowright"]],
		[0xe0, 0xffe3, ["Ctrl", "Control", "ctrl", "CONTROL", "Control_L", "ctrl_l", "lctrl"]],
		[0xe4, 0xffe4, ["Control_R", "ctrl_r", "rctrl"]],
		[0xe2, 0xffe9, ["Alt", "alt", "Alt_L", "ALT", "option"]],
		[0xe6, 0xffea, ["Alt_R", "ralt"]],
		[0xe6, 0xfe03, ["AltGr", "altgr", "ISO_Level3_Shift", "AltGraph"]],
		[0xe1, 0xffe1, ["Shift", "shift", "Shift_L", "SHIFT", "lshift"]],
		[0xe5, 0xffe2, ["Shift_R", "rshift"]],
		[
			0xe3,
			0xffeb,
			["Super", "super", "Super_L", "Win", "win", "Windows", "Meta", "meta", "Cmd", "command"],
		],
		[0xe7, 0xffec, ["Super_R", "rwin", "Meta_R"]],
		[0x39, 0xffe5, ["CapsLock", "Caps_Lock", "capslock", "caps"]],
		[0x53, 0xff7f, ["Num_Lock", "NumLock"]],
		[0x47, 0xff14, ["Scroll_Lock", "ScrollLock"]],
		[0x46, 0xff15, ["SysRq", "Sys_Req", "sysrq", "SYSRQ"]],
		[0x46, 0xff61, ["Print", "PrintScreen", "PrtSc", "print"]],
		[0x48, 0xff13, ["Pause", "pause", "Break"]],
		[0x65, 0xff67, ["Menu", "menu", "Apps", "ContextMenu"]],
		[0x66, 0x1008ff2a, ["Power", "power", "PowerOff"]],
		[0x58, 0xff8d, ["KP_Enter", "kp_enter", "KPEnter"]],
		[0x57, 0xffab, ["KP_Add", "kp_plus"]],
		[0x56, 0xffad, ["KP_Subtract", "KP_Minus"]],
		[0x55, 0xffaa, ["KP_Multiply"]],
		[0x54, 0xffaf, ["KP_Divide"]],
		[0x63, 0xffae, ["KP_Decimal"]],
		[0x63, 0xff9f, ["KP_Delete"]],
		[0x67, 0xffbd, ["KP_Equal"]],
		[0x5f, 0xff95, ["KP_Home"]],
		[0x60, 0xff97, ["KP_Up"]],
		[0x5a, 0xff99, ["KP_Down"]],
		[0x5c, 0xff96, ["KP_Left"]],
		[0x5e, 0xff98, ["KP_Right"]],
		[0x61, 0xff9a, ["KP_Prior", "KP_PageUp"]],
		[0x5b, 0xff9b, ["KP_Next", "KP_PageDown"]],
		[0x59, 0xff9c, ["KP_End"]],
		[0x5d, 0xff9d, ["KP_Begin"]],
		[0x62, 0xff9e, ["KP_Insert"]],
	];
	for (const [usage, keysym, names] of families) {
		it(`${names[0]}: ${names.join(", ")}`, () => {
			for (const name of names) expect(keysOf(name), name).toEqual([[usage, keysym]]);
		});
	}

	it("F1-F24: F1-F12 at 0x3a-0x45, F13-F24 at 0x68-0x73, keysyms F1 0xffbe on", () => {
		for (let n = 1; n <= 24; n++) {
			const usage = n <= 12 ? 0x3a + n - 1 : 0x68 + n - 13;
			expect(keysOf(`F${n}`)).toEqual([[usage, 0xffbe + n - 1]]);
			expect(keysOf(`f${n}`)).toEqual([[usage, 0xffbe + n - 1]]);
		}
		expect(keysOf("F2")).toEqual([[0x3b, 0xffbf]]);
		expect(keysOf("F12")).toEqual([[0x45, 0xffc9]]);
		rejects("F25", "F25");
		rejects("F0", "F0");
	});

	it("KP_0-KP_9: 0 at 0x62, 1-9 at 0x59-0x61, keysyms 0xffb0-0xffb9", () => {
		expect(keysOf("KP_0")).toEqual([[0x62, 0xffb0]]);
		for (let n = 1; n <= 9; n++) expect(keysOf(`KP_${n}`)).toEqual([[0x58 + n, 0xffb0 + n]]);
		expect(keysOf("kp5")).toEqual([[0x5d, 0xffb5]]);
	});

	it("single characters: lower case as is, upper case and shifted symbols with Shift (us)", () => {
		expect(keysOf("a")).toEqual([[0x04, 0x61]]);
		expect(keysOf("z")).toEqual([[0x1d, 0x7a]]);
		expect(keysOf("1")).toEqual([[0x1e, 0x31]]);
		expect(keysOf("0")).toEqual([[0x27, 0x30]]);
		expect(keysOf("/")).toEqual([[0x38, 0x2f]]);
		expect(keysOf("-")).toEqual([[0x2d, 0x2d]]);
		expect(keysOf("A")).toEqual([
			[0xe1, 0xffe1],
			[0x04, 0x41],
		]);
		expect(keysOf("!")).toEqual([
			[0xe1, 0xffe1],
			[0x1e, 0x21],
		]);
		expect(keysOf("?")).toEqual([
			[0xe1, 0xffe1],
			[0x38, 0x3f],
		]);
		expect(keysOf("+")).toEqual([
			[0xe1, 0xffe1],
			[0x2e, 0x2b],
		]);
	});

	it("punctuation by its X11 name", () => {
		expect(keysOf("plus")).toEqual(keysOf("+"));
		expect(keysOf("minus")).toEqual(keysOf("-"));
		expect(keysOf("slash")).toEqual(keysOf("/"));
		expect(keysOf("backslash")).toEqual(keysOf("\\"));
		expect(keysOf("asciitilde")).toEqual(keysOf("~"));
		expect(keysOf("at")).toEqual(keysOf("@"));
		expect(keysOf("numbersign")).toEqual(keysOf("#"));
		expect(keysOf("period")).toEqual(keysOf("."));
		expect(keysOf("comma")).toEqual(keysOf(","));
		expect(keysOf("semicolon")).toEqual(keysOf(";"));
		expect(keysOf("apostrophe")).toEqual(keysOf("'"));
		expect(keysOf("quotedbl")).toEqual(keysOf('"'));
		expect(keysOf("grave")).toEqual(keysOf("`"));
	});

	it("characters follow the layout: de has z where us has y, fr has a where us has q", () => {
		expect(keysOf("z", "de")).toEqual([[0x1c, 0x7a]]);
		expect(keysOf("y", "de")).toEqual([[0x1d, 0x79]]);
		expect(keysOf("a", "fr")).toEqual([[0x14, 0x61]]);
		expect(keysOf("@", "de")).toEqual([
			[0xe6, 0xfe03],
			[0x14, 0x40],
		]);
		expect(keysOf("1", "fr")).toEqual([
			[0xe1, 0xffe1],
			[0x1e, 0x31],
		]);
		expect(keysOf("ctrl+z", "de")).toEqual([
			[0xe0, 0xffe3],
			[0x1c, 0x7a],
		]);
	});
});

describe("chords", () => {
	it("splits on spaces and '+', in xdotool syntax", () => {
		const chords = parseKeys("Down Down Return");
		expect(chords.map((c) => c.name)).toEqual(["Down", "Down", "Return"]);
		expect(parseKeys("ctrl+alt+Delete")[0].name).toBe("Ctrl+Alt+Delete");
		expect(parseKeys("shift+Tab")[0].name).toBe("Shift+Tab");
		expect(parseKeys("  ctrl+c \t Return ").map((c) => c.name)).toEqual(["Ctrl+c", "Return"]);
	});

	it("takes an array of chord strings", () => {
		expect(parseKeys(["ctrl+c", "Down Return"]).map((c) => c.name)).toEqual([
			"Ctrl+c",
			"Down",
			"Return",
		]);
	});

	it("a chord goes down in order and up in reverse", () => {
		expect(chordEvents(parseKeys("ctrl+alt+Delete"))).toEqual([
			{ kind: "key", down: true, usage: 0xe0, keysym: 0xffe3 },
			{ kind: "key", down: true, usage: 0xe2, keysym: 0xffe9 },
			{ kind: "key", down: true, usage: 0x4c, keysym: 0xffff },
			{ kind: "key", down: false, usage: 0x4c, keysym: 0xffff },
			{ kind: "key", down: false, usage: 0xe2, keysym: 0xffe9 },
			{ kind: "key", down: false, usage: 0xe0, keysym: 0xffe3 },
		]);
		const ev = chordEvents(parseKeys("Down Return"));
		expect(ev.map((e) => [e.down, e.usage])).toEqual([
			[true, 0x51],
			[false, 0x51],
			[true, 0x28],
			[false, 0x28],
		]);
	});

	it("inside a chord a letter names its key (ctrl+C is ctrl+c); Shift makes the keysym upper case", () => {
		expect(keysOf("ctrl+C")).toEqual(keysOf("ctrl+c"));
		expect(keysOf("ctrl+c")).toEqual([
			[0xe0, 0xffe3],
			[0x06, 0x63],
		]);
		expect(keysOf("ctrl+shift+c")).toEqual([
			[0xe0, 0xffe3],
			[0xe1, 0xffe1],
			[0x06, 0x43],
		]);
		// Shift+1 is the "!" key event, as a keysym server needs to see it.
		expect(keysOf("shift+1")).toEqual([
			[0xe1, 0xffe1],
			[0x1e, 0x21],
		]);
	});

	it("a shifted symbol in a chord brings its Shift, once", () => {
		expect(keysOf("ctrl+!")).toEqual([
			[0xe0, 0xffe3],
			[0xe1, 0xffe1],
			[0x1e, 0x21],
		]);
		expect(keysOf("shift+!")).toEqual([
			[0xe1, 0xffe1],
			[0x1e, 0x21],
		]);
	});

	it("the + key: alone, last in a chord, or as 'plus'", () => {
		expect(parseKeys("+")[0].name).toBe("Shift++");
		expect(keysOf("ctrl++")).toEqual(keysOf("ctrl+plus"));
		expect(keysOf("ctrl+plus")).toEqual([
			[0xe0, 0xffe3],
			[0xe1, 0xffe1],
			[0x2e, 0x2b],
		]);
		expect(keysOf("KP_Add")).toEqual([[0x57, 0xffab]]);
	});

	it("Alt+SysRq+b: three keys held together", () => {
		expect(keysOf("alt+sysrq+b")).toEqual([
			[0xe2, 0xffe9],
			[0x46, 0xff15],
			[0x05, 0x62],
		]);
	});
});

describe("errors name the bad token and nothing is returned", () => {
	it("unknown names", () => {
		rejects("Retrun", "Retrun");
		rejects("Down Dwon Return", "Dwon");
		rejects(["Return", "ctrl+alt+Deleet"], "Deleet");
		const e = rejects("ctrl+foo", "foo");
		expect(e.message).toContain('"ctrl+foo"');
	});

	it("a character the layout has no key for", () => {
		rejects("é", "é");
		rejects("ctrl+ü", "ü");
		expect(parseKeys("ü", "de")[0].keys.map((k) => k.usage)).toEqual([0x2f]);
	});

	it("sleep and wake are refused by name, with what to use instead", () => {
		expect(rejects("Sleep", "Sleep").message).toMatch(/power tool/);
		rejects("WakeUp", "WakeUp");
	});

	it("empty parts, repeated keys, too many keys", () => {
		rejects("ctrl+", "ctrl+");
		rejects("ctrl++c", "+c");
		rejects("ctrl+ctrl+c", "ctrl+ctrl+c");
		rejects("ctrl+Control_L", "ctrl+Control_L");
		rejects("a+b+c+d+e+f+g+h+i", "a+b+c+d+e+f+g+h+i");
	});

	it("nothing to send, or too much", () => {
		expect(() => parseKeys("")).toThrow(InputError);
		expect(() => parseKeys("   ")).toThrow(/no keys given/);
		expect(() => parseKeys([])).toThrow(/no keys given/);
		expect(() => parseKeys(Array(MAX_CHORDS + 1).fill("a"))).toThrow(/at most 500/);
		expect(parseKeys(Array(MAX_CHORDS).fill("a"))).toHaveLength(MAX_CHORDS);
	});
});

describe("destructive chords", () => {
	const effect = (keys: string): string | null => destructiveEffect(parseKeys(keys)[0] as Chord);

	it("Ctrl+Alt+Delete reboots, with either Ctrl or Alt, and the keypad Delete", () => {
		for (const keys of [
			"ctrl+alt+Delete",
			"Control_L+Alt_L+Del",
			"alt+ctrl+del",
			"ctrl_r+alt_r+Delete",
			"ctrl+altgr+Delete",
			"ctrl+alt+shift+Delete",
			"ctrl+alt+KP_Delete",
			"ctrl+alt+KP_Decimal",
		]) {
			expect(effect(keys), keys).toMatch(/reboots the server/);
		}
		expect(effect("ctrl+alt+Delete")).toMatch(/^Ctrl\+Alt\+Delete reboots/);
	});

	it("Ctrl+Alt+Backspace kills the X server", () => {
		expect(effect("ctrl+alt+BackSpace")).toMatch(/kills the X server/);
	});

	it("any Alt+SysRq chord, naming the action of known letters", () => {
		expect(effect("alt+sysrq+b")).toMatch(/reboots at once/);
		expect(effect("alt+SysRq+o")).toMatch(/powers the machine off/);
		expect(effect("alt+Print+c")).toMatch(/crashes the kernel/);
		expect(effect("alt+sysrq+e")).toMatch(/SIGTERM/);
		expect(effect("alt+sysrq+i")).toMatch(/SIGKILL/);
		expect(effect("alt+sysrq+s")).toMatch(/syncs/);
		expect(effect("alt+sysrq+u")).toMatch(/read-only/);
		expect(effect("alt+sysrq+r")).toMatch(/raw mode/);
		expect(effect("alt+sysrq+k")).toMatch(/current virtual console/);
		expect(effect("alt+sysrq+5")).toMatch(/log level to 5/);
		expect(effect("alt+sysrq+h")).toMatch(/magic SysRq/);
		expect(effect("alt+sysrq")).toMatch(/magic SysRq command/);
		expect(effect("alt_r+SysRq+b")).toMatch(/reboots/);
		// The kernel reads the key's position: on de, the key labelled z is us y.
		expect(destructiveEffect(parseKeys("alt+sysrq+z", "de")[0])).toMatch(/\(y by key position\)/);
	});

	it("the Power key", () => {
		expect(effect("Power")).toMatch(/Power key/);
		expect(effect("ctrl+Power")).toMatch(/Power key/);
	});

	it("everyday chords are not destructive", () => {
		for (const keys of [
			"Return",
			"ctrl+c",
			"ctrl+alt+F2",
			"ctrl+Delete",
			"alt+Delete",
			"Delete",
			"SysRq",
			"Print",
			"ctrl+Print",
			"shift+Tab",
			"ctrl+BackSpace",
			"alt+F4",
		]) {
			expect(effect(keys), keys).toBeNull();
		}
	});
});
