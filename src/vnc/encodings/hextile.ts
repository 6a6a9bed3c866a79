import { ProtocolError } from "../../errors.ts";
import type { ByteQueue } from "../byte-queue.ts";
import { type DecodeTarget, fillRect, type Rect, type RectDecoder } from "./index.ts";

const RAW = 1;
const BACKGROUND = 2;
const FOREGROUND = 4;
const ANY_SUBRECTS = 8;
const SUBRECTS_COLOURED = 16;

/**
 * Hextile (5): 16x16 tiles, each raw or a background plus subrectangles.
 * Background and foreground carry over from tile to tile, and so does our
 * position, so a rectangle split across messages resumes at its next tile.
 */
export class HextileDecoder implements RectDecoder {
	#tile = 0;
	#bg = 0xff000000;
	#fg = 0xff000000;

	decode(r: Rect, input: ByteQueue, t: DecodeTarget): boolean {
		const { size, read } = t.px.pixel;
		const cols = Math.ceil(r.width / 16);
		const tiles = cols * Math.ceil(r.height / 16);
		for (; this.#tile < tiles; this.#tile++) {
			const tx = r.x + (this.#tile % cols) * 16;
			const ty = r.y + Math.floor(this.#tile / cols) * 16;
			const tw = Math.min(16, r.x + r.width - tx);
			const th = Math.min(16, r.y + r.height - ty);
			const need = tileLength(input, tw * th, size);
			if (need < 0 || input.length < need) return false;
			const b = input.take(need);
			const flags = b[0];
			let o = 1;
			if (flags & RAW) {
				for (let row = ty; row < ty + th; row++) {
					let at = row * t.fb.width + tx;
					for (let i = 0; i < tw; i++, o += size) t.pixels[at++] = read(b, o);
				}
				continue;
			}
			if (flags & BACKGROUND) {
				this.#bg = read(b, o);
				o += size;
			}
			if (flags & FOREGROUND) {
				this.#fg = read(b, o);
				o += size;
			}
			fillRect(t, tx, ty, tw, th, this.#bg);
			if (!(flags & ANY_SUBRECTS)) continue;
			const count = b[o++];
			for (let i = 0; i < count; i++) {
				let colour = this.#fg;
				if (flags & SUBRECTS_COLOURED) {
					colour = read(b, o);
					o += size;
				}
				const sx = b[o] >> 4;
				const sy = b[o] & 15;
				const sw = (b[o + 1] >> 4) + 1;
				const sh = (b[o + 1] & 15) + 1;
				o += 2;
				if (sx + sw > tw || sy + sh > th) {
					throw new ProtocolError(
						`Hextile subrectangle ${sw}x${sh} at ${sx},${sy} leaves its ${tw}x${th} tile`,
					);
				}
				fillRect(t, tx + sx, ty + sy, sw, sh, colour);
			}
		}
		this.#tile = 0;
		return true;
	}
}

/** Bytes the next tile takes, or -1 if not enough has arrived to tell. */
function tileLength(input: ByteQueue, pixels: number, size: number): number {
	if (input.length < 1) return -1;
	const flags = input.u8(0);
	if (flags & RAW) return 1 + pixels * size;
	let n = 1;
	if (flags & BACKGROUND) n += size;
	if (flags & FOREGROUND) n += size;
	if (!(flags & ANY_SUBRECTS)) return n;
	if (input.length < n + 1) return -1;
	const count = input.u8(n);
	return n + 1 + count * (flags & SUBRECTS_COLOURED ? size + 2 : 2);
}
