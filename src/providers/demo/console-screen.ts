import { LimitError } from "../../errors.ts";
import type { Framebuffer } from "../../image/framebuffer.ts";
import { GLYPH_CODES, GLYPH_HEIGHT, GLYPH_ROWS, GLYPH_WIDTH } from "./font.ts";

/** The 16 colours of the VGA text-mode palette as 0xRRGGBB, by attribute index. */
export const VGA_PALETTE: readonly number[] = [
	0x000000, 0x0000aa, 0x00aa00, 0x00aaaa, 0xaa0000, 0xaa00aa, 0xaa5500, 0xaaaaaa, 0x555555,
	0x5555ff, 0x55ff55, 0x55ffff, 0xff5555, 0xff55ff, 0xffff55, 0xffffff,
];

/** A run of text in its own colours (0xRRGGBB); unset colours are the screen's. */
export interface ConsoleSpan {
	text: string;
	fg?: number;
	bg?: number;
}

/** One line of output: plain text, or coloured runs. */
export type ConsoleLine = string | readonly ConsoleSpan[];

export interface ConsoleScreenOptions {
	/**
	 * Pixels; default 80x25 cells (720x400 or 640x400). The cell grid is
	 * what fits, as a framebuffer console does at any resolution.
	 */
	width?: number;
	height?: number;
	/** 9 for VGA text mode (a blank ninth column), 8 for a framebuffer console. */
	cellWidth?: 8 | 9;
	/** Default colours, 0xRRGGBB: light grey on black. */
	fg?: number;
	bg?: number;
	/** Draw the underline cursor where the next character would go. */
	cursor?: boolean;
}

const VGA_COLUMNS = 80;
const VGA_ROWS = 25;
/** Largest screen we agree to draw: bigger than any BMC's video mode. */
const MAX_EDGE = 4096;
const TAB = 8;
/** Glyph index by code point. */
const GLYPH_INDEX = new Map(GLYPH_CODES.map((code, index) => [code, index]));
const SPACE = GLYPH_INDEX.get(0x20) as number;
const REPLACEMENT = GLYPH_INDEX.get(0x3f) as number;
/**
 * VGA text mode fills the ninth column of line-drawing characters from the
 * eighth, so that lines and blocks join up; every other glyph gets a gap.
 */
const JOINS_NEXT_CELL = Uint8Array.from(GLYPH_CODES, (code) =>
	code >= 0x2500 && code <= 0x259f ? 1 : 0,
);
/** Linux's default VGA cursor: the cell's bottom two scan lines but one. */
const CURSOR_TOP = 13;
const CURSOR_BOTTOM = 14;

/**
 * Draws text the way a PC console shows it: each line starts a new row,
 * lines wider than the screen wrap, tabs stop every 8 columns, and when the
 * text runs past the bottom the screen scrolls so the last rows show.
 * Characters the font lacks (it has printable ASCII, box lines, the full
 * block and arrows) show as "?".
 */
export function renderConsoleScreen(
	lines: readonly ConsoleLine[],
	options: ConsoleScreenOptions = {},
): Framebuffer {
	const {
		cellWidth = 9,
		width = VGA_COLUMNS * cellWidth,
		height = VGA_ROWS * GLYPH_HEIGHT,
		fg = VGA_PALETTE[7],
		bg = VGA_PALETTE[0],
		cursor = false,
	} = options;
	for (const [name, edge] of [
		["width", width],
		["height", height],
	] as const) {
		if (!Number.isInteger(edge) || edge < 1 || edge > MAX_EDGE) {
			throw new LimitError(
				`console ${name} ${edge} is not a whole number of pixels in 1..${MAX_EDGE}`,
			);
		}
	}
	if (cellWidth !== 8 && cellWidth !== 9)
		throw new LimitError(`cell width ${cellWidth} is neither 8 nor 9`);
	const columns = Math.floor(width / cellWidth);
	const rows = Math.floor(height / GLYPH_HEIGHT);
	if (columns < 1 || rows < 1)
		throw new LimitError(`a ${width}x${height} console holds no character cell`);

	const grid = layOut(lines, columns, rows, opaque(fg), opaque(bg));

	const rgba = new Uint8Array(width * height * 4);
	const pixels = new Uint32Array(rgba.buffer);
	pixels.fill(opaque(bg));
	for (let row = 0; row < rows; row++) {
		for (let column = 0; column < columns; column++) {
			const cell = row * columns + column;
			const on = grid.fg[cell];
			const off = grid.bg[cell];
			const index = grid.chars[cell];
			const joins = JOINS_NEXT_CELL[index] === 1;
			for (let y = 0; y < GLYPH_HEIGHT; y++) {
				const bits = GLYPH_ROWS[index * GLYPH_HEIGHT + y];
				let p = (row * GLYPH_HEIGHT + y) * width + column * cellWidth;
				for (let x = 0; x < GLYPH_WIDTH; x++) pixels[p++] = (bits << x) & 0x80 ? on : off;
				if (cellWidth === 9) pixels[p] = joins && bits & 1 ? on : off;
			}
		}
	}
	if (cursor) {
		const on = opaque(fg);
		for (let y = CURSOR_TOP; y <= CURSOR_BOTTOM; y++) {
			const p = (grid.cursorRow * GLYPH_HEIGHT + y) * width + grid.cursorColumn * cellWidth;
			pixels.fill(on, p, p + GLYPH_WIDTH);
		}
	}
	return { width, height, rgba };
}

interface Grid {
	/** Glyph index per cell. */
	chars: Uint8Array;
	fg: Uint32Array;
	bg: Uint32Array;
	cursorRow: number;
	cursorColumn: number;
}

/**
 * Runs the text through a minimal terminal: wrap, tab, newline, scroll.
 * Colours here are already opaque pixels.
 */
function layOut(
	lines: readonly ConsoleLine[],
	columns: number,
	rows: number,
	fg: number,
	bg: number,
): Grid {
	const cells = columns * rows;
	const grid: Grid = {
		chars: new Uint8Array(cells).fill(SPACE),
		fg: new Uint32Array(cells).fill(fg),
		bg: new Uint32Array(cells).fill(bg),
		cursorRow: 0,
		cursorColumn: 0,
	};
	let row = 0;
	let column = 0;
	const newRow = () => {
		column = 0;
		if (row < rows - 1) {
			row++;
			return;
		}
		grid.chars.copyWithin(0, columns);
		grid.fg.copyWithin(0, columns);
		grid.bg.copyWithin(0, columns);
		grid.chars.fill(SPACE, cells - columns);
		grid.fg.fill(fg, cells - columns);
		grid.bg.fill(bg, cells - columns);
	};
	const put = (code: number, spanFg: number, spanBg: number) => {
		// A full row wraps only when another character arrives, as on a VT.
		if (column === columns) newRow();
		const cell = row * columns + column++;
		grid.chars[cell] = GLYPH_INDEX.get(code) ?? REPLACEMENT;
		grid.fg[cell] = spanFg;
		grid.bg[cell] = spanBg;
	};
	lines.forEach((line, index) => {
		if (index > 0) newRow();
		const spans = typeof line === "string" ? [{ text: line }] : line;
		for (const span of spans) {
			const spanFg = span.fg === undefined ? fg : opaque(span.fg);
			const spanBg = span.bg === undefined ? bg : opaque(span.bg);
			for (const ch of span.text) {
				const code = ch.codePointAt(0) ?? REPLACEMENT;
				if (code === 0x09) {
					do put(0x20, spanFg, spanBg);
					while (column % TAB !== 0 && column < columns);
				} else {
					put(code, spanFg, spanBg);
				}
			}
		}
	});
	grid.cursorRow = row;
	grid.cursorColumn = Math.min(column, columns - 1);
	return grid;
}

/** 0xRRGGBB as one opaque RGBA8 pixel in this machine's byte order. */
function opaque(rgb: number): number {
	return new Uint32Array(Uint8Array.of(rgb >>> 16, (rgb >>> 8) & 255, rgb & 255, 255).buffer)[0];
}

/**
 * What a server shows after a kernel update left it without a usable
 * initramfs: the kernel cannot find its root disk and panics. Debian 12
 * kernel, printk timestamps on, as the VGA text console scrolls it.
 */
export const KERNEL_PANIC_LINES: readonly string[] = [
	"[    1.482309] usb 1-13: new high-speed USB device number 3 using xhci_hcd",
	"[    1.509417] hub 1-13:1.0: USB hub found",
	"[    1.509883] hub 1-13:1.0: 4 ports detected",
	"[    1.622614] md: Waiting for all devices to be available before autodetect",
	"[    1.622991] md: If you don't use raid, use raid=noautodetect",
	"[    1.623745] md: Autodetecting RAID arrays.",
	"[    1.624080] md: autorun ...",
	"[    1.624336] md: ... autorun DONE.",
	'[    1.625203] VFS: Cannot open root device "UUID=8d4e5f0a-3c61-4b2e-9f7d-1a6c2e9b5d03" or unknown-block(0,0): error -6',
	'[    1.626114] Please append a correct "root=" boot option; here are the available partitions:',
	"[    1.627046] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)",
	"[    1.627931] CPU: 3 PID: 1 Comm: swapper/0 Not tainted 6.1.0-18-amd64 #1  Debian 6.1.76-1",
	"[    1.628812] Hardware name: Supermicro X11SCM-F/X11SCM-F, BIOS 1.9 09/16/2022",
	"[    1.629561] Call Trace:",
	"[    1.629837]  <TASK>",
	"[    1.630083]  dump_stack_lvl+0x44/0x5c",
	"[    1.630452]  panic+0x118/0x2ed",
	"[    1.630779]  mount_block_root+0x1d3/0x1e6",
	"[    1.631178]  prepare_namespace+0x136/0x165",
	"[    1.631590]  kernel_init_freeable+0x25c/0x286",
	"[    1.632036]  ? rest_init+0xd0/0xd0",
	"[    1.632351]  kernel_init+0x16/0x130",
	"[    1.632694]  ret_from_fork+0x1f/0x30",
	"[    1.633018]  </TASK>",
	"[    1.633274] Kernel Offset: 0x2d400000 from 0xffffffff81000000 (relocation range: 0xffffffff80000000-0xffffffffbfffffff)",
	"[    1.634392] ---[ end Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0) ]---",
	"",
];

/** The demo BMC's console: a stuck server in 80x25 VGA text mode (720x400). */
export function kernelPanicScreen(): Framebuffer {
	return renderConsoleScreen(KERNEL_PANIC_LINES, { cursor: true });
}
