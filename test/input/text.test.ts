import { describe, expect, it } from "vitest";
import {
	InputError,
	type InputEvent,
	type KeyInput,
	LAYOUTS,
	type LayoutName,
	MAX_TEXT_LENGTH,
	parseLayout,
	typeText,
	UntypeableCharacterError,
	withCapsLockOff,
} from "../../src/input/index.ts";

const SHIFT = 0xe1;
const ALTGR = 0xe6;

/** Each character typed as [usage, mods held ("S", "G", "SG" or ""), keysym], checking the event shape. */
function strokes(text: string, layout?: LayoutName): [number, string, number][] {
	const events = typeText(text, layout);
	const out: [number, string, number][] = [];
	const held: number[] = [];
	for (let i = 0; i < events.length; i++) {
		const e = events[i];
		if (e.usage === SHIFT || e.usage === ALTGR) {
			if (e.down) held.push(e.usage);
			else expect(held.pop()).toBe(e.usage);
			continue;
		}
		// Every key goes down then straight up, with the same keysym.
		expect(e.down).toBe(true);
		expect(events[i + 1]).toEqual({ ...e, down: false });
		i++;
		const mods = (held.includes(SHIFT) ? "S" : "") + (held.includes(ALTGR) ? "G" : "");
		out.push([e.usage, mods, e.keysym]);
	}
	expect(held).toEqual([]);
	return out;
}

function one(char: string, layout: LayoutName): [number, string, number] {
	const s = strokes(char, layout);
	expect(s).toHaveLength(1);
	return s[0];
}

function untypeable(text: string, layout: LayoutName, char: string): string {
	let error: unknown;
	try {
		typeText(text, layout);
	} catch (e) {
		error = e;
	}
	expect(error).toBeInstanceOf(UntypeableCharacterError);
	const e = error as UntypeableCharacterError;
	expect([e.character, e.layout]).toEqual([char, layout]);
	const cp = (char.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, "0");
	expect(e.message).toContain(`${JSON.stringify(char)} (U+${cp})`);
	expect(e.message).toContain(`${layout} keyboard layout`);
	return e.message;
}

describe("typeText on us (the default)", () => {
	it("letters, digits and shifted symbols", () => {
		expect(strokes("aZ1!")).toEqual([
			[0x04, "", 0x61],
			[0x1d, "S", 0x5a],
			[0x1e, "", 0x31],
			[0x1e, "S", 0x21],
		]);
		expect(
			strokes("~`|\\{}[]\"':;<>?/,.-_=+@#$%^&*() ").map(([u, m]) => `${u.toString(16)}${m}`),
		).toEqual(
			"35S 35 31S 31 2fS 30S 2f 30 34S 34 33S 33 36S 37S 38S 38 36 37 2d 2dS 2e 2eS 1fS 20S 21S 22S 23S 24S 25S 26S 27S 2c".split(
				" ",
			),
		);
	});

	it("the exact events of 'Hi' (Shift around the H only)", () => {
		expect(typeText("Hi")).toEqual([
			{ kind: "key", down: true, usage: 0xe1, keysym: 0xffe1 },
			{ kind: "key", down: true, usage: 0x0b, keysym: 0x48 },
			{ kind: "key", down: false, usage: 0x0b, keysym: 0x48 },
			{ kind: "key", down: false, usage: 0xe1, keysym: 0xffe1 },
			{ kind: "key", down: true, usage: 0x0c, keysym: 0x69 },
			{ kind: "key", down: false, usage: 0x0c, keysym: 0x69 },
		]);
	});

	it("\\n, \\r\\n and \\r are Return; \\t is Tab", () => {
		expect(strokes("a\nb\r\nc\rd\t")).toEqual([
			[0x04, "", 0x61],
			[0x28, "", 0xff0d],
			[0x05, "", 0x62],
			[0x28, "", 0xff0d],
			[0x06, "", 0x63],
			[0x28, "", 0xff0d],
			[0x07, "", 0x64],
			[0x2b, "", 0xff09],
		]);
	});

	it("every printable ASCII character is typeable on us and uk", () => {
		const ascii = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join("");
		expect(strokes(ascii)).toHaveLength(95);
		expect(strokes(ascii, "uk")).toHaveLength(95);
	});

	it("characters us has no key for fail before anything is typed", () => {
		untypeable("héllo", "us", "é");
		untypeable("£", "us", "£");
		untypeable("a\u0007", "us", "\u0007");
		// Astral characters are named by their code point, not a surrogate half.
		expect(untypeable("ok 🙂", "us", "🙂")).toContain("U+1F642");
	});
});

describe("uk", () => {
	it('£ on Shift+3, " and @ swapped, # and ~ left of Enter, \\ and | right of left Shift, € on AltGr+4', () => {
		expect(one("£", "uk")).toEqual([0x20, "S", 0xa3]);
		expect(one('"', "uk")).toEqual([0x1f, "S", 0x22]);
		expect(one("@", "uk")).toEqual([0x34, "S", 0x40]);
		expect(one("'", "uk")).toEqual([0x34, "", 0x27]);
		expect(one("#", "uk")).toEqual([0x32, "", 0x23]);
		expect(one("~", "uk")).toEqual([0x32, "S", 0x7e]);
		expect(one("\\", "uk")).toEqual([0x64, "", 0x5c]);
		expect(one("|", "uk")).toEqual([0x64, "S", 0x7c]);
		expect(one("¬", "uk")).toEqual([0x35, "S", 0xac]);
		expect(one("€", "uk")).toEqual([0x21, "G", 0x20ac]);
		expect(one("a", "uk")).toEqual([0x04, "", 0x61]);
	});
});

describe("de (QWERTZ)", () => {
	it("z and y swapped", () => {
		expect(strokes("zyZY", "de")).toEqual([
			[0x1c, "", 0x7a],
			[0x1d, "", 0x79],
			[0x1c, "S", 0x5a],
			[0x1d, "S", 0x59],
		]);
	});

	it("umlauts and ß", () => {
		expect(strokes("äöüÄÖÜß", "de")).toEqual([
			[0x34, "", 0xe4],
			[0x33, "", 0xf6],
			[0x2f, "", 0xfc],
			[0x34, "S", 0xc4],
			[0x33, "S", 0xd6],
			[0x2f, "S", 0xdc],
			[0x2d, "", 0xdf],
		]);
	});

	it("AltGr: @ € { [ ] } \\ | ~ µ ² ³", () => {
		const g = (c: string) => one(c, "de");
		expect(g("@")).toEqual([0x14, "G", 0x40]);
		expect(g("€")).toEqual([0x08, "G", 0x20ac]);
		expect(g("{")).toEqual([0x24, "G", 0x7b]);
		expect(g("[")).toEqual([0x25, "G", 0x5b]);
		expect(g("]")).toEqual([0x26, "G", 0x5d]);
		expect(g("}")).toEqual([0x27, "G", 0x7d]);
		expect(g("\\")).toEqual([0x2d, "G", 0x5c]);
		expect(g("|")).toEqual([0x64, "G", 0x7c]);
		expect(g("~")).toEqual([0x30, "G", 0x7e]);
		expect(g("µ")).toEqual([0x10, "G", 0xb5]);
		expect(g("²")).toEqual([0x1f, "G", 0xb2]);
		expect(g("³")).toEqual([0x20, "G", 0xb3]);
	});

	it("Shift on the digit row and the moved punctuation", () => {
		const expected: Record<string, [number, string]> = {
			"!": [0x1e, "S"],
			'"': [0x1f, "S"],
			"§": [0x20, "S"],
			$: [0x21, "S"],
			"%": [0x22, "S"],
			"&": [0x23, "S"],
			"/": [0x24, "S"],
			"(": [0x25, "S"],
			")": [0x26, "S"],
			"=": [0x27, "S"],
			"?": [0x2d, "S"],
			"+": [0x30, ""],
			"*": [0x30, "S"],
			"#": [0x32, ""],
			"'": [0x32, "S"],
			"°": [0x35, "S"],
			",": [0x36, ""],
			";": [0x36, "S"],
			".": [0x37, ""],
			":": [0x37, "S"],
			"-": [0x38, ""],
			_: [0x38, "S"],
			"<": [0x64, ""],
			">": [0x64, "S"],
		};
		for (const [c, [usage, mods]] of Object.entries(expected)) {
			expect(one(c, "de"), c).toEqual([usage, mods, c.codePointAt(0)]);
		}
	});

	it("^ ´ ` are only dead keys there: refused, saying so", () => {
		for (const c of ["^", "´", "`"]) expect(untypeable(`a${c}b`, "de", c)).toMatch(/dead key/);
		expect(untypeable("é", "de", "é")).toMatch(/no key of that layout/);
	});
});

describe("fr (AZERTY)", () => {
	it("a/q and z/w swapped, m right of l, comma where us has m", () => {
		expect(strokes("aqzwm,", "fr")).toEqual([
			[0x14, "", 0x61],
			[0x04, "", 0x71],
			[0x1a, "", 0x7a],
			[0x1d, "", 0x77],
			[0x33, "", 0x6d],
			[0x10, "", 0x2c],
		]);
	});

	it("digits need Shift; the unshifted row is & é \" ' ( - è _ ç à", () => {
		expect(strokes("1234567890", "fr")).toEqual(
			Array.from({ length: 10 }, (_, i) => [0x1e + i, "S", "1234567890".charCodeAt(i)]),
		);
		expect(strokes("&é\"'(-è_çà", "fr").map(([u, m]) => [u, m])).toEqual(
			Array.from({ length: 10 }, (_, i) => [0x1e + i, ""]),
		);
		expect(one("é", "fr")).toEqual([0x1f, "", 0xe9]);
	});

	it("AltGr: ~ # { [ | ` \\ ^ @ ] } €", () => {
		const cases: [string, number][] = [
			["~", 0x1f],
			["#", 0x20],
			["{", 0x21],
			["[", 0x22],
			["|", 0x23],
			["`", 0x24],
			["\\", 0x25],
			["^", 0x26],
			["@", 0x27],
			["]", 0x2d],
			["}", 0x2e],
			["€", 0x08],
		];
		for (const [c, usage] of cases) expect(one(c, "fr")[0], c).toBe(usage);
		for (const [c] of cases) expect(one(c, "fr")[1], c).toBe("G");
	});

	it("the rest of the punctuation", () => {
		const expected: Record<string, [number, string]> = {
			")": [0x2d, ""],
			"°": [0x2d, "S"],
			"=": [0x2e, ""],
			"+": [0x2e, "S"],
			$: [0x30, ""],
			"£": [0x30, "S"],
			ù: [0x34, ""],
			"%": [0x34, "S"],
			"*": [0x32, ""],
			µ: [0x32, "S"],
			"²": [0x35, ""],
			"?": [0x10, "S"],
			";": [0x36, ""],
			".": [0x36, "S"],
			":": [0x37, ""],
			"/": [0x37, "S"],
			"!": [0x38, ""],
			"§": [0x38, "S"],
			"<": [0x64, ""],
			">": [0x64, "S"],
		};
		for (const [c, [usage, mods]] of Object.entries(expected)) {
			expect(one(c, "fr"), c).toEqual([usage, mods, c.codePointAt(0)]);
		}
	});

	it("ê needs a dead key: refused; ¨ is only a dead key", () => {
		expect(untypeable("fenêtre", "fr", "ê")).toMatch(/no key of that layout/);
		expect(untypeable("¨", "fr", "¨")).toMatch(/dead key/);
	});
});

describe("every layout", () => {
	it("types every letter, digit and space, and nothing it cannot", () => {
		const text = "The quick brown fox jumps over the lazy dog 0123456789\n\tTHE END";
		for (const l of LAYOUTS) {
			const s = strokes(text, l);
			expect(s).toHaveLength([...text].length);
			// Keysyms are the characters themselves (Return and Tab apart).
			expect(
				s
					.filter(([, , k]) => k < 0x100)
					.map(([, , k]) => String.fromCharCode(k))
					.join(""),
			).toBe(text.replace(/[\n\t]/g, ""));
		}
	});

	it("empty and oversized text", () => {
		expect(() => typeText("")).toThrow(InputError);
		expect(() => typeText("a".repeat(MAX_TEXT_LENGTH + 1))).toThrow(/at most 10000/);
		expect(typeText("a".repeat(MAX_TEXT_LENGTH))).toHaveLength(2 * MAX_TEXT_LENGTH);
	});

	it("parseLayout takes the usual spellings and names the valid ones otherwise", () => {
		expect(
			["us", "US", "en-US", "uk", "gb", "en_GB", "de", "DE-de", "fr", "fr-FR"].map(parseLayout),
		).toEqual(["us", "us", "us", "uk", "uk", "uk", "de", "de", "fr", "fr"]);
		expect(() => parseLayout("dvorak")).toThrow(
			/unknown keyboard layout "dvorak": use one of us, uk, de, fr/,
		);
	});
});

describe("withCapsLockOff", () => {
	const caps = (down: boolean): KeyInput => ({ kind: "key", down, usage: 0x39, keysym: 0xffe5 });

	it("wraps the events in two Caps Lock taps when Caps Lock is on", () => {
		const typed = typeText("Ab");
		expect(withCapsLockOff(typed, true)).toEqual([
			caps(true),
			caps(false),
			...typed,
			caps(true),
			caps(false),
		]);
	});

	it("leaves them alone when Caps Lock is off, for modifiers only, or when they press Caps Lock", () => {
		const typed = typeText("Ab");
		expect(withCapsLockOff(typed, false)).toEqual(typed);
		const mods: InputEvent[] = typed.filter((e) => e.usage === 0xe1);
		expect(withCapsLockOff(mods, true)).toEqual(mods);
		const own = [caps(true), caps(false), ...typed];
		expect(withCapsLockOff(own, true)).toEqual(own);
		const pointer: InputEvent[] = [{ kind: "pointer", x: 1, y: 2, buttons: 1, wheel: 0 }];
		expect(withCapsLockOff(pointer, true)).toEqual(pointer);
	});
});
