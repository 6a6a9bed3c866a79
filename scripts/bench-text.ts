/**
 * Screen text figures for `npm run bench`: how fast readScreenText reads a
 * full screen, how accurately it reads through our ASPEED encoder at every
 * selector, and what one hash-only wait step costs beside its decode.
 * Screens are drawn from the font tables with their true text
 * (test/support/text-screens.ts), independently of the reader.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { concatBytes } from "../src/bytes.ts";
import { type Framebuffer, nextCaptureSequence, type PixelRect } from "../src/image/framebuffer.ts";
import { Ast2x00Decoder, encodeAst2x00 } from "../src/kvm/ast2x00/index.ts";
import { KERNEL_PANIC_LINES, renderConsoleScreen } from "../src/providers/demo/console-screen.ts";
import { newTextCache, readScreenText, ScreenWatcher } from "../src/text/index.ts";
import { RGB888_LE } from "../src/vnc/pixel-format.ts";
import { Encoding, RfbClient } from "../src/vnc/rfb.ts";
import { CAPTURE_HEADERS } from "../test/support/captures.ts";
import { changedBox } from "../test/support/changed-box.ts";
import {
	bootLogLines,
	type DrawnScreen,
	drawText,
	fontSpecimen,
	fontTable,
} from "../test/support/text-screens.ts";
import { MiniRfbServer } from "../test/vnc/mini-server.ts";

const VECTORS = resolve(import.meta.dirname, "../../shared/vectors/ast2x00");
const WARMUP_RUNS = 5;
const TIMED_RUNS = 21;
/**
 * A wait polls one console many times in a warm isolate; after 5 runs the
 * steps of a few microseconds on small VNC updates are not yet compiled, so
 * both columns of those rows are timed warm.
 */
const WAIT_WARMUP_RUNS = 500;
const WAIT_TIMED_RUNS = 501;
const TARGET_MS: Record<string, number> = { "1024x768": 20, "720x400": 8 };
const TARGET_ACCURACY = 0.999;
/** As most BMCs stream by default: 4:2:0 at selector 4. */
const BMC_STREAM = { mode420: true, selector: 4, advanceSelector: 0, mapping: 0 } as const;
const SELECTORS = [7, 6, 5, 4, 3, 2, 1, 0];
const CONFUSIONS_SHOWN = 15;

function throughAspeed(
	fb: Framebuffer,
	mode420: boolean,
	selector: number,
	previous?: Framebuffer,
	decoder = new Ast2x00Decoder(),
): Framebuffer {
	const stream = encodeAst2x00(fb, { mode420, selector, previous });
	return decoder.decode(
		{ width: fb.width, height: fb.height, mode420, selector, advanceSelector: 0, mapping: 0 },
		stream,
	);
}

/** Median and best of `runs` timed runs after `warmup`; `run(i)` gets the run number. */
function time(
	run: (i: number) => void,
	warmup = WARMUP_RUNS,
	runs = TIMED_RUNS,
): { median: number; best: number } {
	const ms: number[] = [];
	for (let i = 0; i < warmup + runs; i++) {
		const t = performance.now();
		run(i);
		if (i >= warmup) ms.push(performance.now() - t);
	}
	ms.sort((a, b) => a - b);
	return { median: ms[ms.length >> 1], best: ms[0] };
}

const fmt = (t: { median: number; best: number }, digits = 2) =>
	`${t.median.toFixed(digits)} (${t.best.toFixed(digits)})`.padStart(15);

/** The demo's panic with `lines` more lines printed: the console scrolls, so every row changes. */
function scrolledPanic(lines: number): string[] {
	const more = Array.from({ length: lines }, (_, i) => `Rebooting in ${10 - i} seconds..`);
	return [...KERNEL_PANIC_LINES, ...more];
}

/** Full screens of text, and the same text scrolled by a line (every cell changes). */
function speedScreens() {
	const vga = fontTable("vga");
	const fixed = fontTable("fixed");
	const ter32 = fontTable("ter-32");
	const log = (rows: number, columns: number, from: number) =>
		bootLogLines(rows + from, columns).slice(from);
	return [
		{
			name: "VGA text boot log (vga-9)",
			a: drawText(vga, log(25, 80, 0), 720, 400, 9).fb,
			b: drawText(vga, log(25, 80, 1), 720, 400, 9).fb,
		},
		{
			name: "demo kernel panic (vga-9)",
			a: renderConsoleScreen(KERNEL_PANIC_LINES, { cursor: true }),
			b: renderConsoleScreen(scrolledPanic(1), { cursor: true }),
		},
		{
			name: "fbcon boot log (fixed)",
			a: drawText(fixed, log(48, 128, 0), 1024, 768).fb,
			b: drawText(fixed, log(48, 128, 1), 1024, 768).fb,
		},
		{
			name: "16x32 boot log (ter-32)",
			a: drawText(ter32, log(33, 120, 0), 1920, 1080).fb,
			b: drawText(ter32, log(33, 120, 1), 1920, 1080).fb,
		},
	];
}

function printSpeed(): void {
	console.log(
		`\n## Screen text: reading speed (${WARMUP_RUNS} warm-up, ${TIMED_RUNS} timed runs; ms median (best))`,
	);
	console.log(
		`target: a full screen of text, cold (no cache: grid and font detection, every cell) at 1024x768 < ${TARGET_MS["1024x768"]} ms, 720x400 < ${TARGET_MS["720x400"]} ms`,
	);
	console.log(
		"  scrolled: grid cached, every cell changed and read again; unchanged: grid and cells cached",
	);
	console.log(
		"screen".padEnd(28),
		"frame".padEnd(22),
		"size".padStart(9),
		"cold".padStart(15),
		"scrolled".padStart(15),
		"unchanged".padStart(15),
		" target",
	);
	for (const s of speedScreens()) {
		const size = `${s.a.width}x${s.a.height}`;
		const frames: [string, Framebuffer, Framebuffer][] = [
			["lossless", s.a, s.b],
			[
				"ASPEED 4:2:0 selector 4",
				throughAspeed(s.a, BMC_STREAM.mode420, BMC_STREAM.selector),
				throughAspeed(s.b, BMC_STREAM.mode420, BMC_STREAM.selector),
			],
		];
		for (const [label, a, b] of frames) {
			if (!readScreenText(a).isText) throw new Error(`${s.name} ${label} did not read as text`);
			const cold = time(() => readScreenText(a, newTextCache()));
			const cache = newTextCache();
			readScreenText(a, cache);
			const scrolled = time((i) => readScreenText(i % 2 ? a : b, cache));
			const unchanged = time(() => readScreenText(a, cache));
			const target = TARGET_MS[size];
			console.log(
				s.name.padEnd(28),
				label.padEnd(22),
				size.padStart(9),
				fmt(cold),
				fmt(scrolled),
				fmt(unchanged),
				target === undefined ? "" : ` ${cold.median < target ? "ok" : "MISSED"}`,
			);
		}
	}
}

/** Screens whose truth covers every glyph of each font, and dense prose. */
function accuracyScreens(): { name: string; screen: DrawnScreen }[] {
	return [
		{
			name: "VGA text 720x400 boot log",
			screen: drawText(fontTable("vga"), bootLogLines(25, 80), 720, 400, 9),
		},
		{ name: "VGA text 720x400 specimen", screen: fontSpecimen(fontTable("vga"), 720, 400, 9) },
		{
			name: "fbcon 1024x768 boot log (fixed)",
			screen: drawText(fontTable("fixed"), bootLogLines(48, 128), 1024, 768),
		},
		{
			name: "fbcon 1024x768 specimen (fixed)",
			screen: fontSpecimen(fontTable("fixed"), 1024, 768),
		},
		{ name: "800x600 specimen (ter)", screen: fontSpecimen(fontTable("ter"), 800, 600) },
		{ name: "800x600 specimen (ter-bold)", screen: fontSpecimen(fontTable("ter-bold"), 800, 600) },
		{
			name: "1920x1080 boot log (ter-32)",
			screen: drawText(fontTable("ter-32"), bootLogLines(33, 120), 1920, 1080),
		},
		{ name: "1920x1080 specimen (vga-32)", screen: fontSpecimen(fontTable("vga-32"), 1920, 1080) },
	];
}

interface Tally {
	cells: number;
	errors: number;
	lines: number;
	exactLines: number;
	/** Lowest per-screen accuracy, and which screen. */
	worst: { accuracy: number; name: string };
	notText: string[];
}

function printAccuracy(): void {
	const screens = accuracyScreens();
	console.log(
		`\n## Screen text: accuracy through our ASPEED encoder (${screens.length} screens per row: ${screens.map((s) => s.name).join("; ")})`,
	);
	console.log(
		`target: >= ${(TARGET_ACCURACY * 100).toFixed(1)} % of characters at 4:2:0 and 4:4:4, selectors 4-7 and lower (7 is the finest)`,
	);
	console.log(
		"stream".padEnd(20),
		"characters".padStart(10),
		"wrong".padStart(6),
		"accuracy".padStart(9),
		"exact lines".padStart(14),
		"worst screen".padStart(13),
		" target",
	);
	const confusions = new Map<string, number>();
	for (const mode420 of [true, false]) {
		for (const selector of SELECTORS) {
			const t: Tally = {
				cells: 0,
				errors: 0,
				lines: 0,
				exactLines: 0,
				worst: { accuracy: 1, name: "" },
				notText: [],
			};
			for (const { name, screen } of screens) {
				const text = readScreenText(throughAspeed(screen.fb, mode420, selector));
				if (!text.isText) t.notText.push(name);
				let errors = 0;
				for (let r = 0; r < screen.rows; r++) {
					const truth = screen.lines[r].padEnd(screen.columns);
					const read = (text.lines[r] ?? "").padEnd(screen.columns);
					let rowErrors = 0;
					for (let c = 0; c < screen.columns; c++) {
						if (truth[c] === read[c]) continue;
						rowErrors++;
						const pair = `${show(truth[c])} -> ${show(read[c])}`;
						confusions.set(pair, (confusions.get(pair) ?? 0) + 1);
					}
					if (rowErrors === 0) t.exactLines++;
					errors += rowErrors;
				}
				const cells = screen.rows * screen.columns;
				t.cells += cells;
				t.errors += errors;
				t.lines += screen.rows;
				const accuracy = 1 - errors / cells;
				if (accuracy <= t.worst.accuracy) t.worst = { accuracy, name };
			}
			const accuracy = 1 - t.errors / t.cells;
			const ok = accuracy >= TARGET_ACCURACY && t.worst.accuracy >= TARGET_ACCURACY;
			console.log(
				`${mode420 ? "4:2:0" : "4:4:4"} selector ${selector}`.padEnd(20),
				String(t.cells).padStart(10),
				String(t.errors).padStart(6),
				`${(accuracy * 100).toFixed(3)} %`.padStart(9),
				`${t.exactLines}/${t.lines}`.padStart(14),
				`${(t.worst.accuracy * 100).toFixed(2)} %`.padStart(13),
				` ${ok ? "ok" : "MISSED"}${t.notText.length ? ` (read as graphical: ${t.notText.join(", ")})` : ""}`,
			);
		}
	}
	const top = [...confusions].sort((a, b) => b[1] - a[1]).slice(0, CONFUSIONS_SHOWN);
	console.log(`confusion pairs over all rows (truth -> read, count)${top.length ? "" : ": none"}`);
	for (const [pair, count] of top) console.log(`  ${pair}  ${count}`);
}

/** A character as the confusion list shows it: spaces and "?" (no glyph matched) named. */
function show(char: string): string {
	if (char === " ") return "space";
	return char === "?"
		? "? (unknown)"
		: `'${char}' U+${char.codePointAt(0)?.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** A boot log in 8x16 cells with an underline cursor (two rows, as fbcon draws it) on the last row, or not. */
function fbconLog(from: number, cursor: boolean): Framebuffer {
	const font = fontTable("fixed");
	const lines = [...bootLogLines(47 + from, 128).slice(from), "login: "];
	const { fb } = drawText(font, lines, 1024, 768);
	if (cursor) {
		for (let y = 47 * 16 + 13; y <= 47 * 16 + 14; y++)
			for (let x = 7 * 8; x < 8 * 8; x++) fb.rgba.set([0xaa, 0xaa, 0xaa, 255], (y * 1024 + x) * 4);
	}
	return fb;
}

/**
 * One wait_for_screen step as the session runs it: a capture decoded, then
 * ScreenWatcher.observe (cell hashes and the text hash; no PNG) with the
 * console's cache. "new text": every cell differs from the last frame
 * (a scroll), so all are read again. "blink, full frame": an AMI poll asks
 * for the full screen, so it decodes a whole frame and the watcher hashes
 * every cell (the link cannot say what changed) and reads the cursor's cell
 * again. "VNC ... blink": the server sends the cursor's rectangle, the
 * client reports it as the capture's damage, and the watcher hashes only the
 * cells it meets; "no damage" rows drop it, for comparison.
 */
function printWaitStep(): void {
	console.log(
		`\n## Screen text: one wait step (full frames: ${WARMUP_RUNS} warm-up, ${TIMED_RUNS} timed runs; VNC updates: ${WAIT_WARMUP_RUNS}, ${WAIT_TIMED_RUNS}; ms median (best))`,
	);
	console.log(
		"target: the hash-only watch step costs no more than decoding the update it examines",
	);
	console.log(
		"screen".padEnd(30),
		"update".padEnd(24),
		"bytes".padStart(7),
		"decode".padStart(15),
		"watch step".padStart(15),
		" target",
	);
	const cases = [
		{
			name: "demo kernel panic 720x400",
			screen: (from: number, cursor: boolean) =>
				renderConsoleScreen(scrolledPanic(from), { cursor }),
		},
		{ name: "fbcon boot log 1024x768", screen: fbconLog },
	];
	for (const c of cases) {
		const on = c.screen(0, true);
		const off = c.screen(0, false);
		const scrolled = c.screen(1, true);
		for (const mode420 of [true, false]) {
			const header = { ...BMC_STREAM, mode420, width: on.width, height: on.height };
			const encode = (fb: Framebuffer, previous?: Framebuffer) =>
				encodeAst2x00(fb, { mode420, selector: header.selector, previous });
			const mode = mode420 ? "4:2:0" : "4:4:4";

			const full = [encode(on), encode(scrolled)];
			const decoder = new Ast2x00Decoder();
			const fullDecode = time((i) => decoder.decode(header, full[i % 2]));
			const fullFrames = full.map((s) => new Ast2x00Decoder().decode(header, s));
			const cache = newTextCache();
			const fullStep = time((i) => new ScreenWatcher(cache).observe(fullFrames[i % 2], 0));

			// What a poll gets from an AMI BMC: a full frame (GET_FULL_SCREEN) each time,
			// here with the cursor on, then off. The link cannot say what changed.
			const blink = [encode(off), encode(on)];
			const blinkDecoder = new Ast2x00Decoder();
			const blinkDecode = time((i) => blinkDecoder.decode(header, blink[i % 2]));
			const blinkFrames = blink.map((s) => ({
				fb: new Ast2x00Decoder().decode(header, s),
				rects: [],
			}));
			const blinkStep = watchBlinks(c.name, blinkFrames, false);

			printWaitRow(c.name, `${mode} new text`, full[0].length, fullDecode, fullStep);
			printWaitRow(c.name, `${mode} blink, full frame`, blink[0].length, blinkDecode, blinkStep);
		}
		const vnc = vncBlinks(on, off);
		printWaitRow(
			c.name,
			"VNC Hextile cursor blink",
			vnc.bytes,
			vnc.decode,
			watchBlinks(c.name, vnc.frames, true),
		);
	}
	printDesktopCaret();
}

/** A text caret blinking on the real Ubuntu desktop capture: a graphical screen, hashed by tiles. */
function printDesktopCaret(): void {
	const name = "ubuntu desktop 800x600 (real)";
	const file = join(VECTORS, "ubuntu_444_800x600_0chrom_0lum.bin");
	if (!existsSync(file)) {
		console.log(`${name.padEnd(30)} skipped: ${file} is not there (../shared/vectors)`);
		return;
	}
	const header = CAPTURE_HEADERS.ubuntu_444_800x600_0chrom_0lum;
	const off = new Ast2x00Decoder().decode(header, new Uint8Array(readFileSync(file)));
	const plain = { width: off.width, height: off.height, rgba: off.rgba.slice() };
	const on = { ...plain, rgba: plain.rgba.slice() };
	// A 2x16 caret in a text field's place.
	for (let y = 300; y < 316; y++)
		on.rgba.fill(0, (y * on.width + 400) * 4, (y * on.width + 402) * 4);
	for (let i = 3; i < on.rgba.length; i += 4) on.rgba[i] = 255;
	const vnc = vncBlinks(plain, on);
	printWaitRow(
		name,
		"VNC caret, no damage",
		vnc.bytes,
		vnc.decode,
		watchBlinks(name, vnc.frames, false),
		false,
	);
	printWaitRow(
		name,
		"VNC Hextile caret blink",
		vnc.bytes,
		vnc.decode,
		watchBlinks(name, vnc.frames, true),
	);
}

type Timing = { median: number; best: number };

/** `target`: false for a row shown only for comparison. */
function printWaitRow(
	screen: string,
	update: string,
	bytes: number,
	decode: Timing,
	step: Timing,
	target = true,
): void {
	const verdict = !target ? "(comparison)" : step.median <= decode.median ? "ok" : "MISSED";
	console.log(
		screen.padEnd(30),
		update.padEnd(24),
		String(bytes).padStart(7),
		fmt(decode, 3),
		fmt(step, 3),
		` ${verdict}`,
	);
}

/**
 * Watch steps over frames alternating as a cursor blinks, each with the
 * rectangles its link reports, chained by capture number as a link numbers
 * them; `withDamage` false drops them (every cell hashed).
 */
function watchBlinks(
	name: string,
	frames: { fb: Framebuffer; rects: PixelRect[] }[],
	withDamage: boolean,
): Timing {
	const watcher = new ScreenWatcher(newTextCache());
	let since = nextCaptureSequence();
	watcher.observe({ ...frames[1].fb, damage: { sequence: since, since: undefined, rects: [] } }, 0);
	return time(
		(i) => {
			const { fb, rects } = frames[i % 2];
			const sequence = nextCaptureSequence();
			const damage = { sequence, since, rects };
			since = sequence;
			const step = watcher.observe(withDamage ? { ...fb, damage } : fb, i * 500);
			if (step.changedFromStart) throw new Error(`${name}: a cursor blink counted as a change`);
		},
		WAIT_WARMUP_RUNS,
		WAIT_TIMED_RUNS,
	);
}

/**
 * A cursor blinking on a VNC console: the test server's Hextile updates for
 * the cursor's cell (Hextile keeps no state between updates, so recorded
 * bytes replay), the client's decode of them, and each frame with the
 * damage the client reports.
 */
function vncBlinks(
	on: Framebuffer,
	off: Framebuffer,
): { bytes: number; decode: Timing; frames: { fb: Framebuffer; rects: PixelRect[] }[] } {
	const server = new MiniRfbServer({ format: RGB888_LE, screen: on });
	const client = new RfbClient({ encodings: [Encoding.hextile] });
	const exchange = (): Uint8Array[] => {
		const sent: Uint8Array[] = [];
		for (;;) {
			const out = client.takeOutput();
			if (out) server.receive(out);
			const back = server.takeOutput();
			if (!back) return sent;
			sent.push(back);
			client.receive(back);
		}
	};
	exchange();
	client.requestFrame();
	exchange();
	client.damage.take();
	const box = changedBox(on, off) ?? { x: 0, y: 0, width: 1, height: 1 };
	const cursor = { x: box.x, y: box.y, w: box.width, h: box.height };
	const updates: Uint8Array[] = [];
	const frames = [off, on].map((screen) => {
		server.setScreen(screen, cursor);
		client.requestFrame();
		updates.push(concatBytes(exchange()));
		const fb = client.framebuffer;
		const fbCopy = { width: fb.width, height: fb.height, rgba: fb.rgba.slice() };
		return { fb: fbCopy, rects: client.damage.take().rects };
	});
	const decode = time((i) => client.receive(updates[i % 2]), WAIT_WARMUP_RUNS, WAIT_TIMED_RUNS);
	return { bytes: updates[0].length, decode, frames };
}

export function printTextBench(): void {
	printSpeed();
	printWaitStep();
	printAccuracy();
}
