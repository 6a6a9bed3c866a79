/**
 * Reading only the damaged cells: frames carrying what changed since the
 * capture before, chained by capture number as a link numbers them, must
 * read exactly as the full path (every cell hashed) does, and a broken
 * chain or unknown damage must fall back to the full path.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	type Framebuffer,
	type FrameDamage,
	nextCaptureSequence,
	type PixelRect,
} from "../../src/image/framebuffer.ts";
import { Ast2x00Decoder, encodeAst2x00 } from "../../src/kvm/ast2x00/index.ts";
import {
	KERNEL_PANIC_LINES,
	renderConsoleScreen,
} from "../../src/providers/demo/console-screen.ts";
import { newTextCache, readScreenText, type ScreenText } from "../../src/text/index.ts";
import { changedBox } from "../support/changed-box.ts";

const STREAM = { mode420: true, selector: 4, advanceSelector: 0, mapping: 0 } as const;

/**
 * Screens through our ASPEED encoder and decoder (lossy, as a BMC sends them),
 * each capture a copy with the box of pixels that differ from the capture
 * before: the damage a link that knows what it painted reports.
 */
function bmcStream() {
	const decoder = new Ast2x00Decoder();
	let shown: Framebuffer | undefined;
	let last: Framebuffer | undefined;
	return (screen: Framebuffer): { fb: Framebuffer; touched: PixelRect | null } => {
		const stream = encodeAst2x00(screen, { ...STREAM, previous: shown });
		shown = screen;
		const decoded = decoder.decode(
			{ width: screen.width, height: screen.height, ...STREAM },
			stream,
		);
		const fb = { width: decoded.width, height: decoded.height, rgba: decoded.rgba.slice() };
		const touched = last === undefined ? null : changedBox(last, fb);
		last = fb;
		return { fb, touched };
	};
}

function withDamage(fb: Framebuffer, damage: FrameDamage): Framebuffer {
	return { ...fb, damage };
}

/** A console with room to spare, so that line i is screen row i. */
const LINES = Array.from({ length: 20 }, (_, i) => `[   ${i}.000000] console line ${i}: ok`);

function edited(row: number, text: string): string[] {
	return LINES.map((line, i) => (i === row ? text : line));
}

const on = renderConsoleScreen(LINES, { cursor: true });
const off = renderConsoleScreen(LINES, { cursor: false });

/** Scribbles a pattern no font has over the left half of cell (row, col) of 9x16 cells. */
function blot(fb: Framebuffer, row: number, col: number): void {
	for (let y = row * 16 + 2; y < row * 16 + 14; y++)
		for (let x = col * 9; x < col * 9 + 4; x++)
			if ((x * 7 + y * 3) % 5 < 2) fb.rgba.set([0xaa, 0xaa, 0xaa, 255], (y * fb.width + x) * 4);
}

/** Reads each frame with damage into one cache, and without into another; both must agree. */
function twoReaders() {
	const damaged = newTextCache();
	const full = newTextCache();
	return (fb: Framebuffer): ScreenText => {
		const viaDamage = readScreenText(fb, damaged);
		const { damage: _, ...plain } = fb;
		expect(viaDamage).toEqual(readScreenText(plain, full));
		// A fresh cache knows no earlier cursor position, but reads the same text.
		expect(viaDamage.lines).toEqual(readScreenText(plain, newTextCache()).lines);
		return viaDamage;
	};
}

describe("reading only damaged cells", () => {
	it("reads blinks, edits and scrolls exactly as the full path does", () => {
		const send = bmcStream();
		const read = twoReaders();
		let since = nextCaptureSequence();
		const first = send(on);
		read(withDamage(first.fb, { sequence: since, since: undefined, rects: [] }));
		const screens = [
			off,
			on,
			renderConsoleScreen(edited(3, "a new line of text"), { cursor: true }),
			renderConsoleScreen(edited(3, "a new line of text"), { cursor: false }),
			renderConsoleScreen([...KERNEL_PANIC_LINES, "Rebooting in 10 seconds.."], {
				cursor: true,
			}),
			renderConsoleScreen([...KERNEL_PANIC_LINES, "Rebooting in 10 seconds.."], {
				cursor: true,
			}),
		];
		const seen: ScreenText[] = [];
		for (const screen of screens) {
			const { fb, touched } = send(screen);
			const sequence = nextCaptureSequence();
			seen.push(read(withDamage(fb, { sequence, since, rects: touched ? [touched] : [] })));
			since = sequence;
		}
		expect(seen[2].lines[3]).toBe("a new line of text");
		expect(seen[4].lines).toContain("Rebooting in 10 seconds..");
		// A blink keeps the hash; an edit changes it.
		expect(seen[1].screenHash).toBe(seen[0].screenHash);
		expect(seen[2].screenHash).not.toBe(seen[1].screenHash);
		expect(seen[3].screenHash).toBe(seen[2].screenHash);
	});

	it("hashes only cells meeting the rectangle when the chain holds", () => {
		const send = bmcStream();
		const cache = newTextCache();
		const first = nextCaptureSequence();
		readScreenText(
			withDamage(send(on).fb, { sequence: first, since: undefined, rects: [] }),
			cache,
		);
		// The text changes, but the damage (falsely) names nothing: nothing is read again.
		const changed = send(renderConsoleScreen(edited(3, "changed"), { cursor: true })).fb;
		const trusted = readScreenText(
			withDamage(changed, { sequence: nextCaptureSequence(), since: first, rects: [] }),
			cache,
		);
		expect(trusted.lines[3]).toBe(LINES[3]);
	});

	it("reads everything when damage is told against a frame it did not read", () => {
		const send = bmcStream();
		const read = twoReaders();
		const first = nextCaptureSequence();
		read(withDamage(send(on).fb, { sequence: first, since: undefined, rects: [] }));
		// A capture nobody read text from: row 3 changed there.
		const missed = nextCaptureSequence();
		send(renderConsoleScreen(edited(3, "changed unseen"), { cursor: true }));
		// The next names only the cursor's blink since that capture.
		const { fb, touched } = send(
			renderConsoleScreen(edited(3, "changed unseen"), { cursor: false }),
		);
		expect(touched).not.toBeNull();
		expect((touched as PixelRect).y).toBeGreaterThan(300);
		const text = read(
			withDamage(fb, {
				sequence: nextCaptureSequence(),
				since: missed,
				rects: touched ? [touched] : [],
			}),
		);
		expect(text.lines[3]).toBe("changed unseen");
	});

	it("reads everything when damage is unknown", () => {
		const send = bmcStream();
		const read = twoReaders();
		const first = nextCaptureSequence();
		read(withDamage(send(on).fb, { sequence: first, since: undefined, rects: [] }));
		const fb = send(renderConsoleScreen(edited(5, "after a mode change"), { cursor: true })).fb;
		const unknown = read(
			withDamage(fb, { sequence: nextCaptureSequence(), since: undefined, rects: [] }),
		);
		expect(unknown.lines[5]).toBe("after a mode change");
		// And a frame with no damage at all.
		const again = send(renderConsoleScreen(edited(6, "no damage told"), { cursor: true })).fb;
		expect(read(again).lines[6]).toBe("no damage told");
	});

	it("reads any run of edits, blinks, blots and returns exactly as a fresh reader does", () => {
		// Cell states that come back (a blink, an edit undone) are taken from the
		// reader's memory, not read again: they must read as a fresh reader reads them.
		const screens = [
			LINES,
			edited(3, "a new line"),
			edited(3, "a newer line"),
			edited(7, ""),
			// The cursor moves up.
			LINES.slice(0, 12),
		];
		fc.assert(
			fc.property(
				fc.array(
					fc.record({
						screen: fc.integer({ min: 0, max: screens.length - 1 }),
						cursor: fc.boolean(),
						// Ink matching no glyph in a cell: an uncertain cell comes and goes.
						blot: fc.option(fc.integer({ min: 0, max: 79 }), { nil: undefined }),
					}),
					{ minLength: 1, maxLength: 8 },
				),
				fc.boolean(),
				(steps, lossy) => {
					const send = bmcStream();
					const cache = newTextCache();
					let since: number | undefined;
					for (const step of steps) {
						const screen = renderConsoleScreen(screens[step.screen], { cursor: step.cursor });
						if (step.blot !== undefined) blot(screen, 10, step.blot);
						let fb = screen;
						if (lossy) {
							const sent = send(screen);
							const sequence = nextCaptureSequence();
							fb = withDamage(sent.fb, {
								sequence,
								since,
								rects: sent.touched ? [sent.touched] : [],
							});
							since = sequence;
						}
						const fresh = newTextCache();
						fresh.lastCursor = cache.lastCursor && { ...cache.lastCursor };
						const { damage: _, ...plain } = fb;
						expect(readScreenText(fb, cache)).toEqual(readScreenText(plain, fresh));
					}
				},
			),
			{ numRuns: 20 },
		);
	});
});
