import { LimitError, ProtocolError } from "../../errors.ts";
import type { ByteQueue } from "../byte-queue.ts";
import type { ReadPixel } from "../pixel-format.ts";
import { InflateStream } from "../zlib-stream.ts";
import { type DecodeTarget, fillRect, type Rect, type RectDecoder } from "./index.ts";

/**
 * ZRLE (16): one zlib stream for the whole connection; each rectangle is a
 * u32 length and that much of the stream, inflating to 64x64 tiles that are
 * raw, solid, packed-palette, RLE or palette-RLE.
 */
export class ZrleDecoder implements RectDecoder {
	readonly #zlib = new InflateStream("ZRLE");
	readonly #palette = new Uint32Array(128);

	decode(r: Rect, input: ByteQueue, t: DecodeTarget): boolean {
		if (input.length < 4) return false;
		const length = input.u32(0);
		const { size, read } = t.px.cpixel;
		const tiles = Math.ceil(r.width / 64) * Math.ceil(r.height / 64);
		// Worst case: every tile a full palette, every pixel its own run.
		const maxOut = tiles * (1 + 127 * size) + r.width * r.height * (size + 1);
		// Deflate never expands by more than a few bytes per 16 KiB stored block.
		const maxIn = maxOut + (maxOut >> 10) + 1024;
		if (length > maxIn) {
			throw new LimitError(
				`ZRLE ${r.width}x${r.height} rectangle claims ${length} compressed bytes (at most ${maxIn} make sense)`,
			);
		}
		if (input.length < 4 + length) return false;
		input.skip(4);
		const data = this.#zlib.inflate(input.take(length), maxOut, "a rectangle");
		const end = this.#tiles(r, data, t, size, read);
		if (end !== data.length) {
			throw new ProtocolError(`ZRLE rectangle left ${data.length - end} inflated bytes unused`);
		}
		return true;
	}

	#tiles(r: Rect, d: Uint8Array, t: DecodeTarget, size: number, read: ReadPixel): number {
		const short = () => new ProtocolError("ZRLE tile data ends early");
		const stride = t.fb.width;
		const pal = this.#palette;
		let o = 0;
		for (let ty = r.y; ty < r.y + r.height; ty += 64) {
			const th = Math.min(64, r.y + r.height - ty);
			for (let tx = r.x; tx < r.x + r.width; tx += 64) {
				const tw = Math.min(64, r.x + r.width - tx);
				const n = tw * th;
				if (o >= d.length) throw short();
				const sub = d[o++];
				const palSize = sub & 127;
				if (o + palSize * size > d.length) throw short();
				for (let i = 0; i < palSize; i++, o += size) pal[i] = read(d, o);
				if (sub === 0) {
					if (o + n * size > d.length) throw short();
					for (let y = ty; y < ty + th; y++) {
						let at = y * stride + tx;
						for (let i = 0; i < tw; i++, o += size) t.pixels[at++] = read(d, o);
					}
				} else if (sub === 1) {
					fillRect(t, tx, ty, tw, th, pal[0]);
				} else if (sub <= 16) {
					const bits = sub === 2 ? 1 : sub <= 4 ? 2 : 4;
					const rowBytes = Math.ceil((tw * bits) / 8);
					if (o + rowBytes * th > d.length) throw short();
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
							if (o + size > d.length) throw short();
							colour = read(d, o);
							o += size;
							run = -1; // a run length always follows
						} else {
							if (o >= d.length) throw short();
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
								if (o >= d.length) throw short();
								b = d[o++];
								run += b;
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
			}
		}
		return o;
	}
}
