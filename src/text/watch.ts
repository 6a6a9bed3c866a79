/**
 * Change detection for waiting on a screen, pure: fed successive frames,
 * says whether the screen changed since the first one and since the last,
 * where a blinking cursor is no change.
 *
 * Text screens compare screenHash (text, colours, cursor position; a cursor
 * blinking off keeps its last position). Graphical screens compare 16x16
 * tiles of pixels: a difference confined to a cursor-sized area (a caret)
 * is a change only once it has held for HOLD_MS without going back, or,
 * frame to frame, only when the area shows a state it has not shown before.
 */
import type { Framebuffer } from "../image/framebuffer.ts";
import { newTextCache, readScreenText, type ScreenText, type TextCache } from "./screen.ts";
import { snapshotTiles, type Tiles } from "./tiles.ts";

/** A caret: at most this many tiles wide and high. */
const CARET_TILES_WIDE = 2;
const CARET_TILES_HIGH = 3;
/** A small difference held this long is no blink. Consoles blink about twice a second. */
export const HOLD_MS = 1500;

export interface WatchStep {
	text: ScreenText;
	/** Differs from the first frame observed. */
	changedFromStart: boolean;
	/** Differs from the previous frame (false for the first). */
	changedFromLast: boolean;
}

export class ScreenWatcher {
	private readonly cache: TextCache;
	private start: { hash: string; tiles?: Tiles } | undefined;
	private last: { hash: string; tiles?: Tiles } | undefined;
	/** Since when a small difference from the start has held. */
	private smallSince: number | undefined;
	/** Per tile, the states it showed while toggling. */
	private readonly seen = new Map<number, Set<number>>();

	/** `cache`: the console's TextCache, so the watch shares its grid and cell memo. */
	constructor(cache: TextCache = newTextCache()) {
		this.cache = cache;
	}

	observe(fb: Framebuffer, nowMs: number): WatchStep {
		const text = readScreenText(fb, this.cache);
		const tiles = text.isText || !this.cache.tiles ? undefined : snapshotTiles(this.cache.tiles);
		const now = { hash: text.screenHash, tiles };
		if (this.start === undefined || this.last === undefined) {
			this.start = now;
			this.last = now;
			return { text, changedFromStart: false, changedFromLast: false };
		}
		const fromStart = this.differsFromStart(now, nowMs);
		const fromLast = this.differsFromLast(now);
		this.last = now;
		return { text, changedFromStart: fromStart, changedFromLast: fromLast };
	}

	private differsFromStart(now: { hash: string; tiles?: Tiles }, nowMs: number): boolean {
		const start = this.start as { hash: string; tiles?: Tiles };
		if (now.hash === start.hash) {
			this.smallSince = undefined;
			return false;
		}
		if (now.tiles === undefined || start.tiles === undefined) return true;
		const diff = differingTiles(start.tiles, now.tiles);
		if (diff === undefined || !caretSized(diff, now.tiles.columns)) return true;
		if (diff.length === 0) {
			this.smallSince = undefined;
			return false;
		}
		this.smallSince ??= nowMs;
		return nowMs - this.smallSince >= HOLD_MS;
	}

	private differsFromLast(now: { hash: string; tiles?: Tiles }): boolean {
		const last = this.last as { hash: string; tiles?: Tiles };
		if (now.hash === last.hash) return false;
		if (now.tiles === undefined || last.tiles === undefined) return true;
		const diff = differingTiles(last.tiles, now.tiles);
		if (diff === undefined || !caretSized(diff, now.tiles.columns)) {
			this.seen.clear();
			return true;
		}
		// A caret toggles between states each tile has shown before.
		let fresh = false;
		for (const t of diff) {
			const states = this.seen.get(t) ?? new Set<number>([last.tiles.hashes[t]]);
			if (!states.has(now.tiles.hashes[t])) fresh = true;
			states.add(now.tiles.hashes[t]);
			this.seen.set(t, states);
		}
		return fresh && diff.length > 0;
	}
}

/** Indices of differing tiles, or undefined when the sizes differ or too many differ to be a caret. */
function differingTiles(a: Tiles, b: Tiles): number[] | undefined {
	if (a.width !== b.width || a.height !== b.height) return undefined;
	const out: number[] = [];
	for (let t = 0; t < a.hashes.length; t++) {
		if (a.hashes[t] === b.hashes[t] && a.second[t] === b.second[t]) continue;
		if (out.length === CARET_TILES_WIDE * CARET_TILES_HIGH) return undefined;
		out.push(t);
	}
	return out;
}

function caretSized(tiles: readonly number[], columns: number): boolean {
	if (tiles.length === 0) return true;
	const xs = tiles.map((t) => t % columns);
	const ys = tiles.map((t) => Math.floor(t / columns));
	return (
		Math.max(...xs) - Math.min(...xs) < CARET_TILES_WIDE &&
		Math.max(...ys) - Math.min(...ys) < CARET_TILES_HIGH
	);
}
