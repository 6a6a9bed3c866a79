// Native zlib: Node has it, and so does workerd under nodejs_compat (see
// wrangler.toml). Compresses as pako's JS port does, 3-6x faster.
import { constants, deflateRawSync, deflateSync } from "node:zlib";
import { pngBound } from "./budget.ts";
import { checkFramebuffer } from "./check.ts";
import type { Framebuffer } from "./framebuffer.ts";

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const COLOUR_TYPE_RGB = 2;
const COLOUR_TYPE_INDEXED = 3;
const MAX_PALETTE = 256;
/** Open-addressing table for the palette: 1024 slots keep 256 colours under 1/4 load. */
const HASH_BITS = 10;
const HASH_MASK = (1 << HASH_BITS) - 1;

/**
 * Deflate effort by how many bytes go in. Levels 1-3 are zlib's greedy
 * matcher and cost about the same (3 compresses best of them); level 6's
 * lazy matching takes 2-3x as long for 10-35% less. Packed palette rows are
 * small enough to afford it; full-colour rows (3 bytes a pixel) get 3.
 */
const LAZY_MATCH_MAX_BYTES = 1 << 20;
const LAZY_LEVEL = 6;
const GREEDY_LEVEL = 3;
/**
 * Uncompressed bytes per band of RGB rows. Full-colour rows are made and
 * deflated a band at a time straight into the PNG, so neither all the rows
 * nor a second copy of the compressed data is ever held: the memory budget
 * (budget.ts) counts on a raw PNG costing at most 1.5 x pngBound.
 */
const BAND_BYTES = 1 << 20;

/** The filtered scanlines of an image and how to read them. */
interface Scanlines {
	colourType: number;
	bitDepth: number;
	/** RGB triples, for the indexed colour type. */
	palette?: Uint8Array;
	/** Each row: a filter-type byte, then the row's bytes. */
	rows: Uint8Array;
}

/**
 * Lossless PNG of a framebuffer (alpha, always 255, is not stored). A screen
 * of at most 256 colours, which a text console nearly always is, becomes an
 * indexed PNG with 1, 2, 4 or 8 bits a pixel: a few KB instead of hundreds.
 * Anything else is 8-bit RGB.
 *
 * Every row is written unfiltered. For palette indices that is what PNG
 * recommends; for RGB it is measured: a JPEG-decoded console (the usual
 * many-colour case, ringing around every glyph) repeats exactly where the
 * same glyph repeats, which deflate finds, while Up/Sub/Paeth turn the
 * ringing into noise (about 35% bigger at the same time). Only smooth,
 * photo-like screens compress better filtered, by about 15%.
 */
export function encodePng(fb: Framebuffer): Uint8Array {
	checkFramebuffer(fb, "encode");
	const indexed = indexedScanlines(fb);
	if (indexed === undefined) return rgbPng(fb);
	const level = indexed.rows.length <= LAZY_MATCH_MAX_BYTES ? LAZY_LEVEL : GREEDY_LEVEL;
	const idat = deflateSync(indexed.rows, { level, chunkSize: deflateRoom(indexed.rows.length) });
	const palette = indexed.palette?.length ?? 0;
	// Signature, then IHDR, PLTE, IDAT and IEND: 12 bytes of length, type and CRC each.
	const size = SIGNATURE.length + 4 * 12 + 13 + palette + idat.length;
	const png = new PngWriter(new Uint8Array(size));
	png.chunk("IHDR", ihdr(fb, indexed));
	if (indexed.palette) png.chunk("PLTE", indexed.palette);
	png.chunk("IDAT", idat);
	png.chunk("IEND", new Uint8Array(0));
	return png.finish();
}

/**
 * 8-bit RGB, a band of rows at a time: each band is deflated on its own and
 * sync-flushed (ending on a byte boundary), so the bands join into one
 * deflate stream, closed by an empty final block and the zlib checksum.
 */
function rgbPng(fb: Framebuffer): Uint8Array {
	const { width, height, rgba } = fb;
	const rowBytes = 1 + width * 3;
	const level = rowBytes * height <= LAZY_MATCH_MAX_BYTES ? LAZY_LEVEL : GREEDY_LEVEL;
	const bandRows = Math.max(1, Math.floor(BAND_BYTES / rowBytes));
	const band = new Uint8Array(Math.min(height, bandRows) * rowBytes);
	const png = new PngWriter(new Uint8Array(pngBound(width, height)));
	png.chunk("IHDR", ihdr(fb, { colourType: COLOUR_TYPE_RGB, bitDepth: 8 }));
	const idat = png.open("IDAT");
	// zlib header: deflate, 32 KiB window, no dictionary (0x789c: 0x78 * 256 + 0x9c is a multiple of 31).
	png.write(Uint8Array.of(0x78, 0x9c));
	const adler = new Adler32();
	for (let y0 = 0, s = 0; y0 < height; y0 += bandRows) {
		const rows = Math.min(bandRows, height - y0);
		let o = 0;
		for (let y = 0; y < rows; y++) {
			band[o++] = 0;
			for (let x = 0; x < width; x++, s += 4) {
				band[o++] = rgba[s];
				band[o++] = rgba[s + 1];
				band[o++] = rgba[s + 2];
			}
		}
		const data = band.subarray(0, o);
		adler.update(data);
		png.write(
			deflateRawSync(data, {
				level,
				finishFlush: constants.Z_SYNC_FLUSH,
				chunkSize: deflateRoom(data.length),
			}),
		);
	}
	// An empty final block with fixed codes: BFINAL 1, BTYPE 01, end-of-block 0000000.
	png.write(Uint8Array.of(0x03, 0x00));
	const sum = adler.value;
	png.write(Uint8Array.of(sum >>> 24, (sum >>> 16) & 255, (sum >>> 8) & 255, sum & 255));
	png.close(idat);
	png.chunk("IEND", new Uint8Array(0));
	return png.finish();
}

/**
 * Output room for deflating `bytes` bytes in one piece: Node's zlib then
 * fills one buffer and returns it, where its default 16 KiB pieces would
 * be joined into a second copy.
 */
function deflateRoom(bytes: number): number {
	return bytes + (bytes >> 10) + 1024;
}

function ihdr(fb: Framebuffer, s: { colourType: number; bitDepth: number }): Uint8Array {
	const bytes = new Uint8Array(13);
	const header = new DataView(bytes.buffer);
	header.setUint32(0, fb.width);
	header.setUint32(4, fb.height);
	bytes[8] = s.bitDepth;
	bytes[9] = s.colourType;
	// Bytes 10-12: deflate compression, adaptive filtering, no interlace: all 0.
	return bytes;
}

/** Writes a PNG into a buffer of its largest possible size (pngBound). */
class PngWriter {
	readonly #out: Uint8Array;
	readonly #view: DataView;
	#at: number;

	constructor(out: Uint8Array) {
		this.#out = out;
		this.#view = new DataView(out.buffer, out.byteOffset, out.length);
		out.set(SIGNATURE);
		this.#at = SIGNATURE.length;
	}

	chunk(type: string, data: Uint8Array): void {
		const start = this.open(type);
		this.write(data);
		this.close(start);
	}

	/** Starts a chunk; returns where it starts, for `close`. */
	open(type: string): number {
		const start = this.#at;
		for (let i = 0; i < 4; i++) this.#out[start + 4 + i] = type.charCodeAt(i);
		this.#at += 8;
		return start;
	}

	write(data: Uint8Array): void {
		this.#out.set(data, this.#at);
		this.#at += data.length;
	}

	/** Ends the chunk opened at `start`: its length and CRC. */
	close(start: number): void {
		this.#view.setUint32(start, this.#at - start - 8);
		this.#view.setUint32(this.#at, crc32(this.#out, start + 4, this.#at));
		this.#at += 4;
	}

	/**
	 * The PNG. When written into a bound-sized buffer, copied out of it if it
	 * is at most half of it (the usual case), so what is kept is small;
	 * otherwise a view, so a large one is never held twice.
	 */
	finish(): Uint8Array {
		if (this.#at === this.#out.length) return this.#out;
		const png = this.#out.subarray(0, this.#at);
		return this.#at <= this.#out.length / 2 ? png.slice() : png;
	}
}

/** The zlib checksum (RFC 1950), updated a piece at a time. */
class Adler32 {
	#a = 1;
	#b = 0;

	update(bytes: Uint8Array): void {
		let a = this.#a;
		let b = this.#b;
		// 5552 bytes is the most that cannot overflow 32 bits before the modulo.
		for (let i = 0; i < bytes.length; ) {
			const end = Math.min(bytes.length, i + 5552);
			for (; i < end; i++) {
				a += bytes[i];
				b += a;
			}
			a %= 65521;
			b %= 65521;
		}
		this.#a = a;
		this.#b = b;
	}

	get value(): number {
		return ((this.#b << 16) | this.#a) >>> 0;
	}
}

/**
 * Palette indices packed at the smallest bit depth that holds them, or
 * undefined once a 257th colour turns up. Runs of one colour (most of a
 * console) reuse the previous index without a table lookup.
 */
function indexedScanlines(fb: Framebuffer): Scanlines | undefined {
	const { width, height } = fb;
	// Whole-pixel words compare a colour at once; they need a 4-byte-aligned start.
	const rgba = fb.rgba.byteOffset % 4 === 0 ? fb.rgba : fb.rgba.slice();
	const words = new Uint32Array(rgba.buffer, rgba.byteOffset, width * height);

	const keys = new Uint32Array(1 << HASH_BITS);
	const slots = new Int16Array(1 << HASH_BITS).fill(-1);
	const firstPixel = new Int32Array(MAX_PALETTE);
	/** The colour's slot in the table, where it is or where it goes. */
	const slotOf = (word: number): number => {
		let h = Math.imul(word, 0x9e3779b1) >>> (32 - HASH_BITS);
		while (slots[h] >= 0 && keys[h] !== word) h = (h + 1) & HASH_MASK;
		return h;
	};
	// First the palette, so a many-colour screen is known as one before any row is allocated.
	let colours = 0;
	let last = ~words[0];
	for (let p = 0; p < words.length; p++) {
		const word = words[p];
		if (word === last) continue;
		last = word;
		const h = slotOf(word);
		if (slots[h] >= 0) continue;
		if (colours === MAX_PALETTE) return undefined;
		keys[h] = word;
		slots[h] = colours;
		firstPixel[colours++] = p;
	}
	// One index per pixel, each row after a zero filter byte: 8-bit rows as
	// they will be written; lower depths are packed in place afterwards.
	const stride = width + 1;
	const rows = new Uint8Array(height * stride);
	last = ~words[0];
	let lastIndex = 0;
	for (let y = 0, p = 0; y < height; y++) {
		for (let o = y * stride + 1, end = o + width; o < end; o++, p++) {
			const word = words[p];
			if (word !== last) {
				last = word;
				lastIndex = slots[slotOf(word)];
			}
			rows[o] = lastIndex;
		}
	}

	const palette = new Uint8Array(colours * 3);
	for (let i = 0; i < colours; i++) {
		const p = firstPixel[i] * 4;
		palette[i * 3] = rgba[p];
		palette[i * 3 + 1] = rgba[p + 1];
		palette[i * 3 + 2] = rgba[p + 2];
	}
	const bitDepth = colours <= 2 ? 1 : colours <= 4 ? 2 : colours <= 16 ? 4 : 8;
	const packed = bitDepth === 8 ? rows : packRows(rows, width, height, bitDepth);
	return { colourType: COLOUR_TYPE_INDEXED, bitDepth, palette, rows: packed };
}

/**
 * Packs 8-bit index rows to `bitDepth` bits a pixel, leftmost pixel in the
 * high bits, each row padded to a whole byte. Works in place: a packed row
 * never reaches past the unpacked bytes still to be read.
 */
function packRows(rows: Uint8Array, width: number, height: number, bitDepth: number): Uint8Array {
	const packedStride = 1 + Math.ceil((width * bitDepth) / 8);
	for (let y = 0; y < height; y++) {
		let out = y * packedStride;
		rows[out++] = 0;
		let bits = 0;
		let acc = 0;
		for (let i = y * (width + 1) + 1, end = i + width; i < end; i++) {
			acc = (acc << bitDepth) | rows[i];
			bits += bitDepth;
			if (bits === 8) {
				rows[out++] = acc;
				acc = 0;
				bits = 0;
			}
		}
		if (bits > 0) rows[out] = acc << (8 - bits);
	}
	return rows.subarray(0, height * packedStride);
}

const CRC_TABLE = (() => {
	const table = new Int32Array(256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		table[n] = c;
	}
	return table;
})();

/** CRC-32 (ISO 3309, as PNG chunks use) of bytes[start, end). */
function crc32(bytes: Uint8Array, start: number, end: number): number {
	let c = -1;
	for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ bytes[i]) & 255] ^ (c >>> 8);
	return (c ^ -1) >>> 0;
}
