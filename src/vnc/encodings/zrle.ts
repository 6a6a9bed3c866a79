import { LimitError, ProtocolError } from "../../errors.ts";
import type { ByteQueue } from "../byte-queue.ts";
import type { ReadPixel } from "../pixel-format.ts";
import { InflateStream } from "../zlib-stream.ts";
import { type DecodeTarget, fillRect, type Rect, type RectDecoder } from "./index.ts";

/**
 * Inflated bytes held at once. A tile needs at most 1 + 127 CPIXELs of
 * palette and 64x64 pixels of up to 4 bytes and a run byte each (about
 * 21 KiB), so any tile fits whole after what came before it was drawn.
 */
const WINDOW = 64 * 1024;
/** Compressed bytes inflated per step, so one step's output stays near the window. */
const INPUT_STEP = 16 * 1024;
/** What a tile parse returns when the window does not hold all of the tile yet. */
const NEED_MORE = -1;

/**
 * ZRLE (16): one zlib stream for the whole connection; each rectangle is a
 * u32 length and that much of the stream, inflating to 64x64 tiles that are
 * raw, solid, packed-palette, RLE or palette-RLE.
 *
 * Streamed: compressed bytes are inflated as they arrive into a fixed
 * window, and each tile is drawn as soon as the window holds all of it, so
 * neither the compressed rectangle nor its inflated form is ever held whole
 * (a rectangle that inflates to gigabytes costs one window).
 */
export class ZrleDecoder implements RectDecoder {
	readonly #zlib = new InflateStream("ZRLE");
	readonly #palette = new Uint32Array(128);
	readonly #window = new Uint8Array(WINDOW);
	/** Inflated bytes in the window not yet drawn. */
	#held = 0;
	/** Compressed bytes of the current rectangle still to come; -1 before its length is read. */
	#compressedLeft = -1;
	/** Tiles of the current rectangle drawn so far. */
	#tile = 0;

	decode(r: Rect, input: ByteQueue, t: DecodeTarget): boolean {
		const { size, read } = t.px.cpixel;
		const cols = Math.ceil(r.width / 64);
		const tiles = cols * Math.ceil(r.height / 64);
		if (this.#compressedLeft < 0) {
			if (input.length < 4) return false;
			const length = input.u32(0);
			// Worst case: every tile a full palette, every pixel its own run.
			const maxOut = tiles * (1 + 127 * size) + r.width * r.height * (size + 1);
			// Deflate never expands by more than a few bytes per 16 KiB stored block.
			const maxIn = maxOut + (maxOut >> 10) + 1024;
			if (length > maxIn) {
				throw new LimitError(
					`ZRLE ${r.width}x${r.height} rectangle claims ${length} compressed bytes (at most ${maxIn} make sense)`,
				);
			}
			input.skip(4);
			this.#compressedLeft = length;
			this.#tile = 0;
			this.#held = 0;
		}
		for (;;) {
			this.#drawTiles(r, t, cols, tiles, size, read);
			if (this.#tile === tiles && this.#held > 0) {
				throw new ProtocolError(
					`ZRLE ${r.width}x${r.height} rectangle inflates to more bytes than its tiles use (stopped after its last tile)`,
				);
			}
			if (this.#compressedLeft === 0 && !this.#zlib.pending) {
				// Output still inside zlib shows as a window that keeps filling.
				const more = this.#zlib.read(this.#window, this.#held, "a rectangle");
				this.#held += more;
				if (more > 0) continue;
				break;
			}
			if (!this.#zlib.pending) {
				if (input.length === 0) return false;
				const n = Math.min(input.length, this.#compressedLeft, INPUT_STEP);
				this.#zlib.write(input.take(n));
				this.#compressedLeft -= n;
			}
			const produced = this.#zlib.read(this.#window, this.#held, "a rectangle");
			this.#held += produced;
			if (produced === 0 && this.#held === WINDOW) {
				throw new ProtocolError(`ZRLE tile needs more than ${WINDOW} inflated bytes`);
			}
		}
		if (this.#tile < tiles) throw new ProtocolError("ZRLE tile data ends early");
		this.#compressedLeft = -1;
		return true;
	}

	/** Draws every tile the window holds whole, then moves what is left to its front. */
	#drawTiles(
		r: Rect,
		t: DecodeTarget,
		cols: number,
		tiles: number,
		size: number,
		read: ReadPixel,
	): void {
		const d = this.#window.subarray(0, this.#held);
		let o = 0;
		while (this.#tile < tiles) {
			const tx = r.x + (this.#tile % cols) * 64;
			const ty = r.y + Math.floor(this.#tile / cols) * 64;
			const end = this.#drawTile(d, o, tx, ty, r, t, size, read);
			if (end === NEED_MORE) break;
			o = end;
			this.#tile++;
		}
		if (o > 0) {
			this.#window.copyWithin(0, o, this.#held);
			this.#held -= o;
		}
	}

	/**
	 * Draws the tile at (tx, ty) from d[o..] and returns where it ends, or
	 * NEED_MORE if `d` ends first. A tile cut short may have drawn part of
	 * itself; it is drawn again, whole, once the rest arrives.
	 */
	#drawTile(
		d: Uint8Array,
		o: number,
		tx: number,
		ty: number,
		r: Rect,
		t: DecodeTarget,
		size: number,
		read: ReadPixel,
	): number {
		const stride = t.fb.width;
		const pal = this.#palette;
		const th = Math.min(64, r.y + r.height - ty);
		const tw = Math.min(64, r.x + r.width - tx);
		const n = tw * th;
		if (o >= d.length) return NEED_MORE;
		const sub = d[o++];
		const palSize = sub & 127;
		if (o + palSize * size > d.length) return NEED_MORE;
		for (let i = 0; i < palSize; i++, o += size) pal[i] = read(d, o);
		if (sub === 0) {
			if (o + n * size > d.length) return NEED_MORE;
			for (let y = ty; y < ty + th; y++) {
				let at = y * stride + tx;
				for (let i = 0; i < tw; i++, o += size) t.pixels[at++] = read(d, o);
			}
		} else if (sub === 1) {
			fillRect(t, tx, ty, tw, th, pal[0]);
		} else if (sub <= 16) {
			const bits = sub === 2 ? 1 : sub <= 4 ? 2 : 4;
			const rowBytes = Math.ceil((tw * bits) / 8);
			if (o + rowBytes * th > d.length) return NEED_MORE;
			const mask = (1 << bits) - 1;
			for (let y = ty; y < ty + th; y++, o += rowBytes) {
				let at = y * stride + tx;
				for (let i = 0; i < tw; i++) {
					const bit = i * bits;
					const index = (d[o + (bit >> 3)] >> (8 - bits - (bit & 7))) & mask;
					if (index >= palSize)
						throw new ProtocolError(`ZRLE palette index ${index} >= ${palSize}`);
					t.pixels[at++] = pal[index];
				}
			}
		} else if (sub === 128 || sub >= 130) {
			let done = 0;
			while (done < n) {
				let colour: number;
				let run = 1;
				if (sub === 128) {
					if (o + size > d.length) return NEED_MORE;
					colour = read(d, o);
					o += size;
					run = -1; // a run length always follows
				} else {
					if (o >= d.length) return NEED_MORE;
					const index = d[o++];
					if ((index & 127) >= palSize) {
						throw new ProtocolError(`ZRLE palette index ${index & 127} >= ${palSize}`);
					}
					colour = pal[index & 127];
					if (index & 128) run = -1;
				}
				if (run < 0) {
					run = 1;
					let b: number;
					do {
						if (o >= d.length) return NEED_MORE;
						b = d[o++];
						run += b;
						// Checked per byte: a run of 255s must not outgrow the window.
						if (done + run > n) throw new ProtocolError("ZRLE run goes past the end of its tile");
					} while (b === 255);
				}
				if (done + run > n) throw new ProtocolError("ZRLE run goes past the end of its tile");
				for (const end = done + run; done < end; done++) {
					t.pixels[(ty + ((done / tw) | 0)) * stride + tx + (done % tw)] = colour;
				}
			}
		} else {
			throw new ProtocolError(`ZRLE tile subencoding ${sub} is undefined`);
		}
		return o;
	}
}
