/**
 * Waiting on a screen: a blinking cursor is no change, a real change is.
 * The demo console's own frames (a full frame with the cursor on, a
 * skip-coded update turning it off) go through the real ASPEED decoder.
 */
import { describe, expect, it } from "vitest";
import type { Framebuffer } from "../../src/image/framebuffer.ts";
import { Ast2x00Decoder, encodeAst2x00 } from "../../src/kvm/ast2x00/index.ts";
import {
	KERNEL_PANIC_LINES,
	renderConsoleScreen,
} from "../../src/providers/demo/console-screen.ts";
import { HOLD_MS, newTextCache, readScreenText, ScreenWatcher } from "../../src/text/index.ts";

/** As the demo BMC streams its console. */
const STREAM = { mode420: false, selector: 7, advanceSelector: 0, mapping: 0 } as const;

/** A console whose decoder keeps its framebuffer, fed the way the BMC sends frames. */
function bmcStream() {
	const decoder = new Ast2x00Decoder();
	let shown: Framebuffer | undefined;
	return (screen: Framebuffer): Framebuffer => {
		const stream = encodeAst2x00(screen, { ...STREAM, previous: shown });
		shown = screen;
		return decoder.decode({ width: screen.width, height: screen.height, ...STREAM }, stream);
	};
}

const on = renderConsoleScreen(KERNEL_PANIC_LINES, { cursor: true });
const off = renderConsoleScreen(KERNEL_PANIC_LINES, { cursor: false });

describe("text screens", () => {
	it("the demo's blinking cursor is no change, from the start or frame to frame", () => {
		const send = bmcStream();
		const watcher = new ScreenWatcher();
		const first = watcher.observe(send(on), 0);
		expect(first.text.cursor).toEqual({ row: 24, col: 0 });
		for (let i = 1; i <= 6; i++) {
			const step = watcher.observe(send(i % 2 ? off : on), i * 500);
			expect(step.changedFromStart).toBe(false);
			expect(step.changedFromLast).toBe(false);
			expect(step.text.screenHash).toBe(first.text.screenHash);
		}
	});

	it("the skip-coded update really changes pixels (the hash is not just ignoring them)", () => {
		const send = bmcStream();
		const a = new Uint8Array(send(on).rgba);
		const b = send(off).rgba;
		expect(a.some((v, i) => v !== b[i])).toBe(true);
	});

	it("a line of new text is a change, and so is the cursor moving", () => {
		const send = bmcStream();
		const watcher = new ScreenWatcher();
		watcher.observe(send(on), 0);
		const lines = [...KERNEL_PANIC_LINES.slice(0, -1), "reboot: Restarting system"];
		const step = watcher.observe(send(renderConsoleScreen(lines, { cursor: true })), 500);
		expect(step.changedFromStart).toBe(true);
		expect(step.changedFromLast).toBe(true);
		expect(step.text.lines.at(-1)).toBe("reboot: Restarting system");
		expect(step.text.cursor).toEqual({ row: 24, col: 25 });
		// Then it blinks: still changed from the start, not from the last frame.
		const blink = watcher.observe(send(renderConsoleScreen(lines, { cursor: false })), 1000);
		expect(blink.changedFromStart).toBe(true);
		expect(blink.changedFromLast).toBe(false);
	});

	it("a colour change alone changes the hash", () => {
		const grey = readScreenText(renderConsoleScreen(["login:"]));
		const red = readScreenText(renderConsoleScreen([[{ text: "login:", fg: 0xaa0000 }]]));
		expect(red.lines).toEqual(grey.lines);
		expect(red.screenHash).not.toBe(grey.screenHash);
	});

	it("the cache reads only changed cells: a second read of the same frame is the same answer", () => {
		const cache = newTextCache();
		const fb = bmcStream()(on);
		const a = readScreenText(fb, cache);
		expect(readScreenText(fb, cache)).toEqual(a);
	});
});

describe("graphical screens", () => {
	/** A picture no grid reads as text: smooth colour, with a caret drawn at (x, y). */
	function picture(caret: boolean, square = false): Framebuffer {
		const width = 640;
		const height = 480;
		const rgba = new Uint8Array(width * height * 4);
		for (let y = 0; y < height; y++) {
			for (let x = 0; x < width; x++) {
				const p = (y * width + x) * 4;
				rgba[p] = (x * 255) / width;
				rgba[p + 1] = (y * 255) / height;
				rgba[p + 2] = ((x + y) * 97) & 255;
				rgba[p + 3] = 255;
				const inCaret = caret && x >= 300 && x < 302 && y >= 200 && y < 218;
				const inSquare = square && x >= 100 && x < 300 && y >= 100 && y < 300;
				if (inCaret || inSquare) rgba[p] = rgba[p + 1] = rgba[p + 2] = 0;
			}
		}
		return { width, height, rgba };
	}

	it("a caret toggling back and forth is no change; a lasting small change is, after HOLD_MS", () => {
		const watcher = new ScreenWatcher();
		expect(watcher.observe(picture(true), 0).text.isText).toBe(false);
		let fromLast = 0;
		for (let i = 1; i <= 8; i++) {
			const step = watcher.observe(picture(i % 2 === 0), i * 500);
			expect(step.changedFromStart).toBe(false);
			if (step.changedFromLast) fromLast++;
		}
		// Only its first toggle is a new state; after that it only repeats.
		expect(fromLast).toBe(1);
		// The caret stays off: a change once it has held.
		const held = new ScreenWatcher();
		held.observe(picture(true), 0);
		expect(held.observe(picture(false), 100).changedFromStart).toBe(false);
		expect(held.observe(picture(false), 100 + HOLD_MS).changedFromStart).toBe(true);
	});

	it("a larger change is a change at once", () => {
		const watcher = new ScreenWatcher();
		watcher.observe(picture(true), 0);
		const step = watcher.observe(picture(true, true), 500);
		expect(step.changedFromStart).toBe(true);
		expect(step.changedFromLast).toBe(true);
	});
});
