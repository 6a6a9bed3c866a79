import jpeg from "jpeg-js";
import { ProtocolError } from "../../errors.ts";
import { checkTransit, transitAllowance } from "../../image/budget.ts";
import type { ByteQueue } from "../byte-queue.ts";
import { valueReader } from "../pixel-format.ts";
import { InflateStream } from "../zlib-stream.ts";
import { type DecodeTarget, fillRect, type Rect, type RectDecoder } from "./index.ts";

const FILL = 8;
const JPEG = 9;
const FILTER_COPY = 0;
const FILTER_PALETTE = 1;
const FILTER_GRADIENT = 2;
/** Data shorter than this is sent as is, without zlib. */
const MIN_TO_COMPRESS = 12;

/**
 * Tight (7): per rectangle a control byte selects fill, JPEG, or "basic":
 * pixel data through a copy, palette or gradient filter and one of four
 * persistent zlib streams, which the control byte's low bits can reset.
 */
export class TightDecoder implements RectDecoder {
	readonly #zlib = [0, 1, 2, 3].map((i) => new InflateStream(`Tight stream ${i}`));
	readonly #palette = new Uint32Array(256);

	decode(r: Rect, input: ByteQueue, t: DecodeTarget): boolean {
		if (input.length < 1) return false;
		const control = input.u8(0);
		const kind = control >> 4;
		const tsize = t.px.tpixel.size;
		let o = 1;

		if (kind === FILL) {
			if (input.length < 1 + tsize) return false;
			this.#reset(control);
			const colour = t.px.tpixel.read(input.take(1 + tsize), 1);
			fillRect(t, r.x, r.y, r.width, r.height, colour);
			return true;
		}
		if (kind === JPEG) {
			const len = compactLength(input, o);
			if (len === null) return false;
			// Held whole, then decoded to RGBA the size of its rectangle.
			checkTransit(
				len.value + r.width * r.height * 4,
				t.fb.width,
				t.fb.height,
				"Tight JPEG rectangle",
			);
			if (input.length < len.next + len.value) return false;
			this.#reset(control);
			input.skip(len.next);
			this.#jpeg(r, input.take(len.value), t);
			return true;
		}
		if (kind > JPEG) throw new ProtocolError(`Tight compression type ${kind} is not defined`);

		// Basic compression: optional filter id, filter parameters, then data.
		let filter = FILTER_COPY;
		if (control & 0x40) {
			if (input.length < 2) return false;
			filter = input.u8(o++);
		}
		let palSize = 0;
		let rowBytes: number;
		if (filter === FILTER_PALETTE) {
			if (input.length < o + 1) return false;
			palSize = input.u8(o++) + 1;
			if (input.length < o + palSize * tsize) return false;
			o += palSize * tsize;
			rowBytes = palSize <= 2 ? Math.ceil(r.width / 8) : r.width;
		} else if (filter === FILTER_COPY || filter === FILTER_GRADIENT) {
			rowBytes = r.width * tsize;
		} else {
			throw new ProtocolError(`Tight filter ${filter} is not defined`);
		}
		const size = rowBytes * r.height;
		let dataAt = o;
		let dataLength = size;
		if (size >= MIN_TO_COMPRESS) {
			const len = compactLength(input, o);
			if (len === null) return false;
			dataAt = len.next;
			dataLength = len.value;
		}
		// Held whole, compressed, then inflated whole.
		checkTransit(dataLength + size, t.fb.width, t.fb.height, "Tight rectangle");
		if (input.length < dataAt + dataLength) return false;

		// The whole rectangle is here: consume it.
		this.#reset(control);
		const b = input.take(dataAt + dataLength);
		if (filter === FILTER_PALETTE) {
			for (let i = 0; i < palSize; i++) this.#palette[i] = t.px.tpixel.read(b, 2 + 1 + i * tsize);
		}
		let data = b.subarray(dataAt);
		if (size >= MIN_TO_COMPRESS) {
			const stream = (control >> 4) & 3;
			data = this.#zlib[stream].inflate(data, size, "a rectangle");
			if (data.length !== size) {
				throw new ProtocolError(
					`Tight rectangle inflated to ${data.length} bytes, expected ${size}`,
				);
			}
		}
		if (filter === FILTER_PALETTE) this.#drawPalette(r, data, t, palSize, rowBytes);
		else if (filter === FILTER_GRADIENT) drawGradient(r, data, t);
		else drawCopy(r, data, t);
		return true;
	}

	#reset(control: number): void {
		for (let i = 0; i < 4; i++) if (control & (1 << i)) this.#zlib[i].reset();
	}

	#drawPalette(r: Rect, d: Uint8Array, t: DecodeTarget, palSize: number, rowBytes: number): void {
		const stride = t.fb.width;
		const pal = this.#palette;
		for (let y = 0; y < r.height; y++) {
			let at = (r.y + y) * stride + r.x;
			const row = y * rowBytes;
			for (let x = 0; x < r.width; x++) {
				const index = palSize <= 2 ? (d[row + (x >> 3)] >> (7 - (x & 7))) & 1 : d[row + x];
				if (index >= palSize) throw new ProtocolError(`Tight palette index ${index} >= ${palSize}`);
				t.pixels[at++] = pal[index];
			}
		}
	}

	#jpeg(r: Rect, data: Uint8Array, t: DecodeTarget): void {
		let img: { width: number; height: number; data: Uint8Array };
		try {
			img = jpeg.decode(data, {
				useTArray: true,
				formatAsRGBA: true,
				// A Tight JPEG covers at most its rectangle.
				maxResolutionInMP: Math.max(1, (r.width * r.height) / 1e6 + 1),
				maxMemoryUsageInMB: Math.max(
					1,
					Math.floor(transitAllowance(t.fb.width, t.fb.height) / 2 ** 20),
				),
			});
		} catch (e) {
			throw new ProtocolError(`Tight JPEG rectangle does not decode: ${(e as Error).message}`);
		}
		if (img.width !== r.width || img.height !== r.height) {
			throw new ProtocolError(
				`Tight JPEG is ${img.width}x${img.height}, its rectangle ${r.width}x${r.height}`,
			);
		}
		const src = new Uint32Array(img.data.buffer, img.data.byteOffset, r.width * r.height);
		for (let y = 0; y < r.height; y++) {
			const row = src.subarray(y * r.width, (y + 1) * r.width);
			t.pixels.set(row, (r.y + y) * t.fb.width + r.x);
			// jpeg-js writes alpha 255 already; pixels stay opaque.
		}
	}
}

function drawCopy(r: Rect, d: Uint8Array, t: DecodeTarget): void {
	const { size, read } = t.px.tpixel;
	const stride = t.fb.width;
	let o = 0;
	for (let y = 0; y < r.height; y++) {
		let at = (r.y + y) * stride + r.x;
		for (let x = 0; x < r.width; x++, o += size) t.pixels[at++] = read(d, o);
	}
}

/**
 * Gradient filter: each channel was sent as its difference from
 * left + above - above-left (clamped to the channel's range), modulo the range.
 */
function drawGradient(r: Rect, d: Uint8Array, t: DecodeTarget): void {
	const { px } = t;
	const pf = px.format;
	const tsize = px.tpixel.size;
	// TPIXEL is R,G,B bytes in the 888 case; otherwise a PIXEL of the format.
	const packed = tsize === 3 && pf.bitsPerPixel === 32;
	const max = packed ? [255, 255, 255] : [pf.redMax, pf.greenMax, pf.blueMax];
	const shift = [pf.redShift, pf.greenShift, pf.blueShift];
	const value = valueReader(tsize, pf.bigEndian);
	const w = r.width;
	let above = new Int32Array(w * 3);
	let here = new Int32Array(w * 3);
	const stride = t.fb.width;
	let o = 0;
	for (let y = 0; y < r.height; y++) {
		for (let x = 0; x < w; x++, o += tsize) {
			const v = packed ? 0 : value(d, o);
			for (let c = 0; c < 3; c++) {
				const delta = packed ? d[o + c] : (v >>> shift[c]) & max[c];
				const left = x > 0 ? here[(x - 1) * 3 + c] : 0;
				const up = above[x * 3 + c];
				const upLeft = x > 0 ? above[(x - 1) * 3 + c] : 0;
				const predicted = Math.min(max[c], Math.max(0, left + up - upLeft));
				here[x * 3 + c] = (predicted + delta) & max[c];
			}
			const i = x * 3;
			t.pixels[(r.y + y) * stride + r.x + x] = packed
				? (0xff000000 | (here[i + 2] << 16) | (here[i + 1] << 8) | here[i]) >>> 0
				: px.toRgba((here[i] << shift[0]) | (here[i + 1] << shift[1]) | (here[i + 2] << shift[2]));
		}
		[above, here] = [here, above];
	}
}

/** Tight's 1-3 byte length: 7 bits per byte, low first, high bit = more. */
function compactLength(input: ByteQueue, at: number): { value: number; next: number } | null {
	let value = 0;
	for (let i = 0; i < 3; i++) {
		if (input.length < at + i + 1) return null;
		const b = input.u8(at + i);
		value |= (i < 2 ? b & 127 : b) << (7 * i);
		if (i === 2 || !(b & 128)) return { value, next: at + i + 1 };
	}
	return null;
}
