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

const CARET_TILES = CARET_TILES_WIDE * CARET_TILES_HIGH;

export class ScreenWatcher {
	private readonly cache: TextCache;
	private startHash: string | undefined;
	private lastHash: string | undefined;
	/** Graphical screens: the first frame's tiles, and the last frame's, kept current. */
	private startTiles: Tiles | undefined;
	private lastTiles: Tiles | undefined;
	/** Tiles where the last frame differs from the first (while both are graphical, one size). */
	private readonly offStart = new Set<number>();
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
		const tiles = text.isText ? undefined : this.cache.tiles;
		if (this.startHash === undefined) {
			this.startHash = this.lastHash = text.screenHash;
			this.startTiles = tiles && snapshotTiles(tiles);
			this.lastTiles = tiles && snapshotTiles(tiles);
			return { text, changedFromStart: false, changedFromLast: false };
		}
		const step = this.followTiles(tiles);
		const fromStart = this.differsFromStart(text.screenHash, nowMs);
		const fromLast = this.differsFromLast(text.screenHash, step);
		this.lastHash = text.screenHash;
		return { text, changedFromStart: fromStart, changedFromLast: fromLast };
	}

	/**
	 * Brings lastTiles and offStart up to this frame's tiles. Returns the tiles
	 * that differ from the last frame with their former hashes, or undefined
	 * when this frame or the last is no graphical screen of the same size.
	 * When the tiles were updated from what the last frame left (the damage
	 * chain holds), only the tiles that changed are looked at.
	 */
	private followTiles(tiles: Tiles | undefined): { t: number; was: number }[] | undefined {
		const last = this.lastTiles;
		if (tiles === undefined || last === undefined || !sameSize(tiles, last)) {
			this.lastTiles = tiles && snapshotTiles(tiles);
			this.offStart.clear();
			if (tiles !== undefined && this.startTiles !== undefined && sameSize(tiles, this.startTiles))
				for (let t = 0; t < tiles.hashes.length; t++) this.compareWithStart(tiles, t);
			return undefined;
		}
		const chained = tiles.since !== undefined && tiles.since === last.sequence;
		const step: { t: number; was: number }[] = [];
		const visit = (t: number) => {
			if (tiles.hashes[t] === last.hashes[t] && tiles.second[t] === last.second[t]) return;
			step.push({ t, was: last.hashes[t] });
			last.hashes[t] = tiles.hashes[t];
			last.second[t] = tiles.second[t];
			this.compareWithStart(tiles, t);
		};
		if (chained) for (const t of tiles.changed) visit(t);
		else for (let t = 0; t < tiles.hashes.length; t++) visit(t);
		last.sequence = tiles.sequence;
		return step;
	}

	private compareWithStart(tiles: Tiles, t: number): void {
		const start = this.startTiles;
		if (start === undefined || !sameSize(tiles, start)) return;
		if (tiles.hashes[t] === start.hashes[t] && tiles.second[t] === start.second[t])
			this.offStart.delete(t);
		else this.offStart.add(t);
	}

	private differsFromStart(hash: string, nowMs: number): boolean {
		if (hash === this.startHash) {
			this.smallSince = undefined;
			return false;
		}
		const start = this.startTiles;
		const last = this.lastTiles;
		if (start === undefined || last === undefined || !sameSize(start, last)) return true;
		const diff = [...this.offStart];
		if (diff.length > CARET_TILES || !caretSized(diff, last.columns)) return true;
		if (diff.length === 0) {
			this.smallSince = undefined;
			return false;
		}
		this.smallSince ??= nowMs;
		return nowMs - this.smallSince >= HOLD_MS;
	}

	private differsFromLast(hash: string, step: { t: number; was: number }[] | undefined): boolean {
		if (hash === this.lastHash) return false;
		const columns = this.lastTiles?.columns ?? 0;
		if (
			step === undefined ||
			step.length > CARET_TILES ||
			!caretSized(
				step.map((d) => d.t),
				columns,
			)
		) {
			this.seen.clear();
			return true;
		}
		// A caret toggles between states each tile has shown before.
		const now = this.lastTiles as Tiles;
		let fresh = false;
		for (const { t, was } of step) {
			const states = this.seen.get(t) ?? new Set<number>([was]);
			if (!states.has(now.hashes[t])) fresh = true;
			states.add(now.hashes[t]);
			this.seen.set(t, states);
		}
		return fresh && step.length > 0;
	}
}

function sameSize(a: Tiles, b: Tiles): boolean {
	return a.width === b.width && a.height === b.height;
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
