/**
 * A screen's pixels hashed per 16x16 tile, kept from frame to frame: when a
 * frame says what changed since the one the tiles were made from, only the
 * tiles meeting that damage are hashed again. Graphical screens are told
 * apart by these (screenHash), and a caret shows as a few tiles toggling.
 */
import { type Framebuffer, type PixelRect, pixelWords } from "../image/framebuffer.ts";

export const TILE = 16;

export interface Tiles {
	width: number;
	height: number;
	columns: number;
	/** Per tile, row-major, two independent 32-bit hashes of its pixels. */
	hashes: Uint32Array;
	second: Uint32Array;
	/** The capture number (Framebuffer.damage) of the frame hashed last, if it had one. */
	sequence?: number;
	/** The capture number the last update was told against; undefined when every tile was hashed anew. */
	since?: number;
	/** After an update told against `since`: the tiles whose hashes changed. */
	changed: number[];
	/** XOR over the tiles of each lane's mixed hash, kept as tiles change, so tilesHash costs nothing per tile. */
	sumA: number;
	sumB: number;
}

/**
 * The tiles of `fb`. `kept` (the tiles of an earlier frame) is updated in
 * place when fb's damage is told against it; otherwise every tile is hashed.
 */
export function screenTiles(fb: Framebuffer, kept?: Tiles): Tiles {
	const columns = Math.ceil(fb.width / TILE);
	const rows = Math.ceil(fb.height / TILE);
	const damage = fb.damage;
	const chained =
		kept !== undefined &&
		kept.width === fb.width &&
		kept.height === fb.height &&
		kept.sequence !== undefined &&
		damage?.since === kept.sequence;
	const tiles: Tiles = chained
		? kept
		: {
				width: fb.width,
				height: fb.height,
				columns,
				hashes: new Uint32Array(columns * rows),
				second: new Uint32Array(columns * rows),
				changed: [],
				sumA: 0,
				sumB: 0,
			};
	tiles.since = chained ? damage?.since : undefined;
	tiles.sequence = damage?.sequence;
	tiles.changed = [];
	const px = pixelWords(fb);
	const areas: PixelRect[] =
		chained && damage !== undefined
			? damage.rects
			: [{ x: 0, y: 0, width: fb.width, height: fb.height }];
	for (const r of areas) {
		const endColumn = Math.min(columns, Math.ceil((r.x + r.width) / TILE));
		const endRow = Math.min(rows, Math.ceil((r.y + r.height) / TILE));
		for (let ty = Math.floor(r.y / TILE); ty < endRow; ty++) {
			for (let tx = Math.floor(r.x / TILE); tx < endColumn; tx++) {
				const t = ty * columns + tx;
				const a = tiles.hashes[t];
				const b = tiles.second[t];
				hashTile(px, tiles, tx, ty);
				if (chained && tiles.hashes[t] === a && tiles.second[t] === b) continue;
				// A fresh tiles object starts from zeros that were never summed in.
				if (chained) {
					tiles.sumA ^= mix(a, t);
					tiles.sumB ^= mix(b, t);
				}
				tiles.sumA ^= mix(tiles.hashes[t], t);
				tiles.sumB ^= mix(tiles.second[t], t);
				if (chained) tiles.changed.push(t);
			}
		}
	}
	return tiles;
}

/** A tile's hash bound to its place, well mixed (MurmurHash3's finaliser), for the XOR sums. */
function mix(hash: number, tile: number): number {
	let h = hash ^ Math.imul(tile + 1, 0x9e3779b1);
	h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
	h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
	return h ^ (h >>> 16);
}

/** FNV-1a and a multiply-xorshift lane over the tile's pixels, row by row. */
function hashTile(px: Int32Array, tiles: Tiles, tx: number, ty: number): void {
	const { width, height } = tiles;
	let a = 0x811c9dc5;
	let b = 0x9747b28c;
	const x0 = tx * TILE;
	const x1 = Math.min(x0 + TILE, width);
	for (let y = ty * TILE, y1 = Math.min(y + TILE, height); y < y1; y++) {
		for (let p = y * width + x0, end = y * width + x1; p < end; p++) {
			a = Math.imul(a ^ px[p], 0x01000193);
			b = Math.imul(b ^ px[p], 0x5bd1e995) ^ (b >>> 15);
		}
	}
	const t = ty * tiles.columns + tx;
	tiles.hashes[t] = a;
	tiles.second[t] = b;
}

/** One hash of the whole screen, from its tiles and size: 16 hex digits after "g". */
export function tilesHash(tiles: Tiles): string {
	return `g${hex(mix(tiles.sumA, tiles.width))}${hex(mix(tiles.sumB, tiles.height))}`;
}

/** A copy that later updates of `tiles` leave as it is. */
export function snapshotTiles(tiles: Tiles): Tiles {
	return { ...tiles, hashes: tiles.hashes.slice(), second: tiles.second.slice() };
}

/** A 32-bit value as 8 hex digits. */
export function hex(v: number): string {
	return (v >>> 0).toString(16).padStart(8, "0");
}
