/**
 * Reads a console screen: finds its cell grid and font, reads every cell,
 * and decides whether it is a text screen at all.
 */
import { type Framebuffer, type PixelRect, pixelWords } from "../image/framebuffer.ts";
import { CellKind, CellReader, type CellReading, quantise } from "./cell.ts";
import { CELL_SIZES, type GlyphBank, glyphBank } from "./glyphs.ts";
import { hex, screenTiles, type Tiles, tilesHash } from "./tiles.ts";

export interface UncertainCell {
	row: number;
	col: number;
	best: string;
	second: string;
}

export interface ScreenText {
	/** False for a graphical screen: then lines is empty and cursor, font null. */
	isText: boolean;
	columns: number;
	rows: number;
	/** One per row, top to bottom, trailing spaces removed. */
	lines: string[];
	cursor: { row: number; col: number } | null;
	/** Id of the font the screen is drawn in (see src/text/fonts/README.md). */
	font: string | null;
	/** Cells read with doubt, or ink matching no glyph (read as "?"). */
	uncertain: UncertainCell[];
	/**
	 * Changes when the text, its colours or the cursor position change (text
	 * screens) or any pixel (graphical screens); not when the cursor blinks.
	 */
	screenHash: string;
}

/** Where the cells are and which font is drawn in them. */
export interface Grid {
	cellWidth: number;
	cellHeight: number;
	x0: number;
	y0: number;
	columns: number;
	rows: number;
	/** Bit mask over the bank's fonts. */
	fonts: number;
}

/**
 * What one console remembers between reads (keep one per console): the grid
 * found per resolution, the last frame's cell readings with a hash of each
 * cell's pixels (only changed cells are read again), and the last cursor
 * position seen.
 */
export interface TextCache {
	grids: Map<string, Grid>;
	memo?: CellMemo;
	lastCursor?: { row: number; col: number };
	/** The tiles of the last graphical screen read (what its screenHash is made of). */
	tiles?: Tiles;
	/** The memo key of a screen where no grid read as text. */
	noGrid?: string;
}

interface CellMemo {
	key: string;
	/** The capture sequence (Framebuffer.damage) of the frame last read, if it had one. */
	sequence?: number;
	/**
	 * Per cell, a hash of its pixels. (A copy of the last frame compares no
	 * faster, and is one more frame held per console: 16 MB at 2560x1600,
	 * past the capture budget.)
	 */
	hashes: Uint32Array;
	kinds: Uint8Array;
	/** Per cell, CellFlag bits: what the text test counts. */
	flags: Uint8Array;
	/** Per grid row, its text with trailing spaces removed. */
	lines: string[];
	chars: string[];
	seconds: string[];
	attrs: Uint16Array;
	cursor: Uint8Array;
	/** The first cell with the cursor drawn over it, or -1. */
	cursorAt: number;
	/**
	 * For a few cells that changed lately, by index: what each read before its
	 * change. A blinking cursor toggles between two such states, so its cell
	 * is not read again.
	 */
	toggles: Map<number, CellState>;
	/** CellFlag counts over all cells, kept as cells change so a read costs only its changed cells. */
	inked: number;
	glyphs: number;
	sure: number;
	words: number;
	/**
	 * What the text and colours hash to, and the cells read with doubt; undefined
	 * once a cell's reading changes. A blink changes the cursor, not these.
	 */
	content?: { lanes: [number, number]; uncertain: UncertainCell[] };
}

/** One cell's reading as the memo keeps it, with the hash of its pixels. */
interface CellState {
	hash: number;
	kind: number;
	char: string;
	second: string;
	attr: number;
	cursor: number;
	flags: number;
}

/** Changed cells per read whose former state is kept, and the most kept in all. */
const TOGGLES_PER_READ = 8;
const TOGGLES_KEPT = 64;

export function newTextCache(): TextCache {
	return { grids: new Map() };
}

/** Shares of inked cells that must be glyphs, and sure glyphs, for a screen to count as text. */
const TEXT_SHARE = 0.9;
const SURE_SHARE = 0.75;
/** Inked cells all read surely after which a candidate grid is taken without trying others. */
const SURE_CELLS = 100;

/**
 * Text is mostly glyphs, mostly sure ones, and has a letter or digit: a
 * lone line across a picture reads as "¯¯¯" but is no text.
 */
function looksLikeText(inked: number, glyphs: number, sure: number, words: number): boolean {
	return words > 0 && glyphs >= inked * TEXT_SHARE && sure >= inked * SURE_SHARE;
}

const WORDLIKE = /[\p{L}\p{N}]/u;

const CellFlag = { Inked: 1, Glyph: 2, Sure: 4, Wordlike: 8 } as const;
/** Inked cells scored per candidate grid when detecting. */
const SAMPLE_CELLS = 400;
/** Unknown cells after which a candidate grid is dropped. */
const SAMPLE_GIVE_UP = 40;

/** Cell grids a console of this size may use: each cell size at the origin and centred. */
export function gridCandidates(width: number, height: number): Grid[] {
	const out: Grid[] = [];
	for (const [cw, ch] of CELL_SIZES) {
		const columns = Math.floor(width / cw);
		const rows = Math.floor(height / ch);
		// VGA's 9-pixel cells only exist in 720-pixel text modes.
		if (cw === 9 && width !== 720) continue;
		if (columns < 20 || rows < 5) continue;
		const bank = glyphBank(cw, ch);
		if (bank === undefined) continue;
		const all = (1 << bank.fonts.length) - 1;
		const origins = new Set([`0,0`, `${(width % cw) >> 1},${(height % ch) >> 1}`]);
		for (const o of origins) {
			const [x0, y0] = o.split(",").map(Number);
			out.push({ cellWidth: cw, cellHeight: ch, x0, y0, columns, rows, fonts: all });
		}
	}
	return out;
}

/**
 * The screen's text, or isText false for a graphical screen. `cache`
 * (one per console) makes later reads of the same console cheap.
 */
export function readScreenText(fb: Framebuffer, cache: TextCache = newTextCache()): ScreenText {
	const key = `${fb.width}x${fb.height}`;
	let grid = cache.grids.get(key);
	let cells = grid && readCells(fb, grid, cache);
	// Look for the grid again unless this is the screen that had none, little changed.
	const settled =
		cells !== undefined && cache.noGrid === cache.memo?.key && cells.changed * 4 < cells.count;
	if (!cells?.text && !settled) {
		const detected = detectGrid(fb);
		const found = detected?.grid;
		cache.noGrid = undefined;
		if (found !== undefined && !(grid && sameGrid(found, grid))) {
			grid = found;
			cells = readCells(fb, grid, cache, detected?.known);
		} else if (found === undefined) {
			grid ??= gridCandidates(fb.width, fb.height)[0];
			if (grid !== undefined) cells ??= readCells(fb, grid, cache);
			cache.noGrid = cache.memo?.key;
		}
		if (grid !== undefined) cache.grids.set(key, grid);
	}
	if (grid === undefined || cells === undefined || !cells.text) {
		cache.tiles = screenTiles(fb, cache.tiles);
		return graphical(grid?.columns ?? 0, grid?.rows ?? 0, tilesHash(cache.tiles));
	}
	const bank = glyphBank(grid.cellWidth, grid.cellHeight) as GlyphBank;
	const memo = cache.memo as CellMemo;
	if (memo.content === undefined)
		memo.content = {
			lanes: contentLanes(memo.lines, memo.attrs),
			uncertain: uncertainCells(memo, grid.columns),
		};
	const at = memo.cursorAt;
	const cursor = at < 0 ? null : { row: Math.floor(at / grid.columns), col: at % grid.columns };
	if (cursor) cache.lastCursor = cursor;
	const fontIndex = 31 - Math.clz32(grid.fonts & -grid.fonts);
	const font = cells.inked > 0 ? bank.fonts[fontIndex] : null;
	return {
		isText: true,
		columns: grid.columns,
		rows: grid.rows,
		lines: memo.lines.slice(),
		cursor,
		font,
		uncertain: memo.content.uncertain.slice(),
		screenHash: textHash(memo.content.lanes, cursor ?? cache.lastCursor ?? null),
	};
}

/** The cells read with doubt, or ink matching no glyph, top to bottom. */
function uncertainCells(memo: CellMemo, columns: number): UncertainCell[] {
	const out: UncertainCell[] = [];
	for (let i = 0; i < memo.kinds.length; i++) {
		if (doubtful(memo.kinds[i])) {
			const row = Math.floor(i / columns);
			out.push({ row, col: i - row * columns, best: memo.chars[i], second: memo.seconds[i] });
		}
	}
	return out;
}

function sameGrid(a: Grid, b: Grid): boolean {
	return (
		a.cellWidth === b.cellWidth &&
		a.cellHeight === b.cellHeight &&
		a.x0 === b.x0 &&
		a.y0 === b.y0 &&
		a.fonts === b.fonts
	);
}

interface CellsRead {
	text: boolean;
	inked: number;
	count: number;
	/** Cells whose pixels changed since the last read (all, for a new grid). */
	changed: number;
}

/**
 * Reads every cell of the grid into cache.memo, reusing the previous
 * reading of cells whose pixels hash the same. On a new grid, the readings
 * `known` from detecting it (by cell index) are taken. When the frame's
 * damage is told against the frame the memo last read, only cells meeting
 * its rectangles are hashed: the others' pixels are unchanged.
 */
function readCells(
	fb: Framebuffer,
	grid: Grid,
	cache: TextCache,
	known?: Map<number, CellReading>,
): CellsRead {
	const bank = glyphBank(grid.cellWidth, grid.cellHeight) as GlyphBank;
	const count = grid.columns * grid.rows;
	const key = `${fb.width}x${fb.height}:${grid.cellWidth}x${grid.cellHeight}+${grid.x0}+${grid.y0}:${grid.fonts}`;
	const px = pixelWords(fb);
	/** Made at the first cell that must be read: a blink may need none. */
	let reader: CellReader | undefined;
	let paperRow = -1;
	let memo = cache.memo;
	const fresh = memo === undefined || memo.key !== key;
	if (memo === undefined || fresh) {
		memo = {
			key,
			hashes: new Uint32Array(count),
			kinds: new Uint8Array(count),
			flags: new Uint8Array(count),
			lines: new Array<string>(grid.rows).fill(""),
			chars: new Array<string>(count).fill(" "),
			seconds: new Array<string>(count).fill(""),
			attrs: new Uint16Array(count),
			cursor: new Uint8Array(count),
			cursorAt: -1,
			toggles: new Map(),
			inked: 0,
			glyphs: 0,
			sure: 0,
			words: 0,
			sequence: undefined,
			content: undefined,
		};
		cache.memo = memo;
	}
	const hashes = memo.hashes;
	const reading: CellReading = {
		kind: CellKind.Blank,
		char: " ",
		second: "",
		template: -1,
		cursor: false,
		exact: false,
		fg: 0,
		bg: 0,
	};
	const { cellWidth: cw, cellHeight: ch, columns } = grid;
	const stride = fb.width;
	const damage = fb.damage;
	const since = memo.sequence;
	memo.sequence = damage?.sequence;
	// Cell ranges to look at: all of them, or those meeting what the frame says changed.
	const areas =
		!fresh && damage !== undefined && since !== undefined && damage.since === since
			? damage.rects.map((rect) => cellsMeeting(rect, grid))
			: [{ firstRow: 0, endRow: grid.rows, firstColumn: 0, endColumn: columns }];
	let changed = 0;
	let edited = false;
	const state: CellState = {
		hash: 0,
		kind: 0,
		char: " ",
		second: "",
		attr: 0,
		cursor: 0,
		flags: 0,
	};
	const { kinds, chars, seconds, attrs, cursor, flags, toggles } = memo;
	// The text test's counts, kept as cells change.
	let { inked, glyphs, sure, words } = memo;
	for (let k = 0; k < areas.length; k++) {
		const { firstRow, endRow, firstColumn, endColumn } = areas[k];
		for (let r = firstRow; r < endRow; r++) {
			const y = grid.y0 + r * ch;
			let rowEdited = false;
			for (let c = firstColumn; c < endColumn; c++) {
				const x = grid.x0 + c * cw;
				const i = r * columns + c;
				const hash = cellHash(px, y * stride + x, stride, cw, ch);
				if (!fresh && hashes[i] === hash) continue;
				const toggled = fresh || toggles.size === 0 ? undefined : toggles.get(i);
				if (!fresh && changed < TOGGLES_PER_READ) keepState(memo, i);
				hashes[i] = hash;
				changed++;
				if (toggled?.hash === hash) {
					Object.assign(state, toggled);
				} else {
					const seen = fresh ? known?.get(i) : undefined;
					if (seen !== undefined) Object.assign(reading, seen);
					else {
						reader ??= new CellReader(fb, bank, grid.fonts);
						if (paperRow !== r) reader.paper = paperOf(px, stride, grid, r);
						paperRow = r;
						reader.read(x, y, reading);
					}
					stateOf(reading, state);
				}
				if (chars[i] !== state.char) rowEdited = edited = true;
				else if (
					doubtful(kinds[i]) !== doubtful(state.kind) ||
					seconds[i] !== state.second ||
					attrs[i] !== state.attr
				)
					edited = true;
				kinds[i] = state.kind;
				chars[i] = state.char;
				seconds[i] = state.second;
				attrs[i] = state.attr;
				cursor[i] = state.cursor;
				if (state.cursor && (memo.cursorAt < 0 || i < memo.cursorAt)) memo.cursorAt = i;
				else if (!state.cursor && i === memo.cursorAt) memo.cursorAt = cursor.indexOf(1, i);
				const was = flags[i];
				const now = state.flags;
				inked += (now & CellFlag.Inked) - (was & CellFlag.Inked);
				glyphs += ((now & CellFlag.Glyph) - (was & CellFlag.Glyph)) >> 1;
				sure += ((now & CellFlag.Sure) - (was & CellFlag.Sure)) >> 2;
				words += ((now & CellFlag.Wordlike) - (was & CellFlag.Wordlike)) >> 3;
				flags[i] = now;
			}
			if (rowEdited || fresh) {
				let line = "";
				for (let i = r * columns, end = i + columns; i < end; i++) line += chars[i];
				memo.lines[r] = line.trimEnd();
			}
		}
	}
	Object.assign(memo, { inked, glyphs, sure, words });
	if (edited || fresh) memo.content = undefined;
	return { text: looksLikeText(inked, glyphs, sure, words), inked, count, changed };
}

/** The grid's cells a pixel rectangle meets, as row and column ranges (end exclusive). */
function cellsMeeting(rect: PixelRect, grid: Grid) {
	const { cellWidth: cw, cellHeight: ch } = grid;
	return {
		firstRow: Math.max(0, Math.floor((rect.y - grid.y0) / ch)),
		endRow: Math.min(grid.rows, Math.floor((rect.y + rect.height - 1 - grid.y0) / ch) + 1),
		firstColumn: Math.max(0, Math.floor((rect.x - grid.x0) / cw)),
		endColumn: Math.min(grid.columns, Math.floor((rect.x + rect.width - 1 - grid.x0) / cw) + 1),
	};
}

/** What the memo keeps of a cell read as `reading`. */
function stateOf(reading: CellReading, out: CellState): void {
	const kind = reading.kind;
	out.kind = kind;
	out.char = reading.char;
	out.second = reading.second;
	// A space shows only its background, cursor or not.
	out.attr = ((reading.char === " " ? reading.bg : reading.fg) << 6) | reading.bg;
	out.cursor = reading.cursor ? 1 : 0;
	out.flags =
		(kind !== CellKind.Blank ? CellFlag.Inked : 0) |
		(kind === CellKind.Glyph || kind === CellKind.Uncertain ? CellFlag.Glyph : 0) |
		(kind === CellKind.Glyph ? CellFlag.Sure : 0) |
		(kind !== CellKind.Unknown && WORDLIKE.test(reading.char) ? CellFlag.Wordlike : 0);
}

/** Keeps cell i's state before it changes, so a change back needs no reading. */
function keepState(memo: CellMemo, i: number): void {
	if (memo.toggles.size >= TOGGLES_KEPT) memo.toggles.clear();
	memo.toggles.set(i, {
		hash: memo.hashes[i],
		kind: memo.kinds[i],
		char: memo.chars[i],
		second: memo.seconds[i],
		attr: memo.attrs[i],
		cursor: memo.cursor[i],
		flags: memo.flags[i],
	});
}

/** Whether a cell of this kind is listed as uncertain. */
function doubtful(kind: number): boolean {
	return kind === CellKind.Uncertain || kind === CellKind.Unknown;
}

/**
 * FNV-1a of a cell's pixels, run as two chains over alternate pixels so
 * their multiplies overlap, then mixed into one word.
 */
function cellHash(px: Int32Array, at: number, stride: number, w: number, h: number): number {
	let a = 0x811c9dc5;
	let b = 0x050c5d1f;
	for (let row = at, end = at + h * stride; row < end; row += stride) {
		let p = row;
		for (const pairs = row + (w & ~1); p < pairs; p += 2) {
			a = Math.imul(a ^ px[p], 0x01000193);
			b = Math.imul(b ^ px[p + 1], 0x01000193);
		}
		if (p < row + w) a = Math.imul(a ^ px[p], 0x01000193);
	}
	return (Math.imul(a ^ (b >>> 13), 0x85ebca6b) ^ b) >>> 0;
}

/**
 * The grid and font that read the screen best: every candidate scores a
 * few inked rows, and the font drawing most of their glyphs is chosen.
 * Undefined when no grid reads as text (a picture, or a blank screen).
 * `known`: the sampled cells (by index) that read the same in that font
 * alone, blanks and exact glyphs it draws, so they need no second read.
 */
function detectGrid(fb: Framebuffer): { grid: Grid; known: Map<number, CellReading> } | undefined {
	let best: { grid: Grid; known: Map<number, CellReading> } | undefined;
	let bestScore = -1;
	const reading: CellReading = {
		kind: CellKind.Blank,
		char: " ",
		second: "",
		template: -1,
		cursor: false,
		exact: false,
		fg: 0,
		bg: 0,
	};
	for (const grid of gridCandidates(fb.width, fb.height)) {
		const bank = glyphBank(grid.cellWidth, grid.cellHeight) as GlyphBank;
		const reader = new CellReader(fb, bank, grid.fonts);
		const votes = new Array<number>(bank.fonts.length).fill(0);
		const sampled = new Map<number, CellReading>();
		let inked = 0;
		let glyphs = 0;
		let exact = 0;
		let words = 0;
		// Rows in a scattered order, until enough inked cells are read.
		for (
			let k = 0;
			k < grid.rows && inked < SAMPLE_CELLS && inked - glyphs <= SAMPLE_GIVE_UP;
			k++
		) {
			const r = (k * 7919) % grid.rows;
			reader.paper = paperOf(reader.pixels, fb.width, grid, r);
			for (let c = 0; c < grid.columns; c++) {
				reader.read(grid.x0 + c * grid.cellWidth, grid.y0 + r * grid.cellHeight, reading);
				if (reading.kind === CellKind.Blank || reading.exact)
					sampled.set(r * grid.columns + c, { ...reading });
				if (reading.kind === CellKind.Blank) continue;
				inked++;
				if (reading.kind === CellKind.Unknown) {
					// Clearly not this grid: stop scoring it.
					if (inked - glyphs > SAMPLE_GIVE_UP) break;
					continue;
				}
				glyphs++;
				if (reading.kind === CellKind.Glyph) exact++;
				if (WORDLIKE.test(reading.char)) words++;
				const mask = bank.fontMask[reading.template];
				for (let f = 0; f < votes.length; f++) if (mask & (1 << f)) votes[f]++;
			}
		}
		if (!looksLikeText(inked, glyphs, exact, words)) continue;
		const score = glyphs + exact - (inked - glyphs) * 4;
		if (score > bestScore) {
			bestScore = score;
			const top = votes.indexOf(Math.max(...votes));
			const fonts = 1 << top;
			const known = new Map<number, CellReading>();
			for (const [i, seen] of sampled)
				if (seen.kind === CellKind.Blank || bank.fontMask[seen.template] & fonts)
					known.set(i, seen);
			best = { grid: { ...grid, fonts }, known };
		}
		// Candidates come likeliest first: a clean read needs no rival.
		if (inked >= SURE_CELLS && exact >= inked * 0.98) break;
	}
	return best;
}

/**
 * The commonest colour (quantised) of a row's cells' top-left pixels, as
 * one such pixel: the row's background (a blue setup screen, a menu line).
 */
function paperOf(px: Int32Array, stride: number, grid: Grid, row: number): number {
	const counts = new Uint16Array(64);
	const at = (grid.y0 + row * grid.cellHeight) * stride + grid.x0;
	for (let c = 0; c < grid.columns; c++) counts[quantise(px[at + c * grid.cellWidth])]++;
	let best = 0;
	for (let q = 1; q < 64; q++) if (counts[q] > counts[best]) best = q;
	for (let c = 0; c < grid.columns; c++) {
		const p = px[at + c * grid.cellWidth];
		if (quantise(p) === best) return p;
	}
	return px[at];
}

function graphical(columns: number, rows: number, screenHash: string): ScreenText {
	return {
		isText: false,
		columns,
		rows,
		lines: [],
		cursor: null,
		font: null,
		uncertain: [],
		screenHash,
	};
}

/** The text and colours hashed in two lanes, to be finished with the cursor by textHash. */
function contentLanes(lines: readonly string[], attrs: Uint16Array): [number, number] {
	let a = 0x811c9dc5;
	let b = 0x9747b28c;
	const mix = (v: number) => {
		a = Math.imul(a ^ v, 0x01000193);
		b = Math.imul(b ^ v, 0x5bd1e995) ^ (b >>> 15);
	};
	for (const line of lines) {
		for (let i = 0; i < line.length; i++) mix(line.charCodeAt(i));
		mix(0x10000);
	}
	for (let i = 0; i < attrs.length; i++) mix(attrs[i]);
	return [a, b];
}

function textHash(lanes: [number, number], cursor: { row: number; col: number } | null): string {
	const v = cursor ? cursor.row * 4096 + cursor.col : -1;
	const a = Math.imul(lanes[0] ^ v, 0x01000193);
	const b = Math.imul(lanes[1] ^ v, 0x5bd1e995) ^ (lanes[1] >>> 15);
	return `t${hex(a)}${hex(b)}`;
}
