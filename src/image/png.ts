// Native zlib: Node has it, and so does workerd under nodejs_compat (see
// wrangler.toml). Compresses as pako's JS port does, 3-6x faster.
import { deflateSync } from "node:zlib";
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
	const scanlines = indexedScanlines(fb) ?? rgbScanlines(fb);
	const level = scanlines.rows.length <= LAZY_MATCH_MAX_BYTES ? LAZY_LEVEL : GREEDY_LEVEL;
	const idat = deflateSync(scanlines.rows, { level });

	const ihdr = new Uint8Array(13);
	const header = new DataView(ihdr.buffer);
	header.setUint32(0, fb.width);
	header.setUint32(4, fb.height);
	ihdr[8] = scanlines.bitDepth;
	ihdr[9] = scanlines.colourType;
	// Bytes 10-12: deflate compression, adaptive filtering, no interlace: all 0.

	const chunks: [string, Uint8Array][] = [["IHDR", ihdr]];
	if (scanlines.palette) chunks.push(["PLTE", scanlines.palette]);
	chunks.push(["IDAT", idat], ["IEND", new Uint8Array(0)]);

	let length = SIGNATURE.length;
	for (const [, data] of chunks) length += 12 + data.length;
	const png = new Uint8Array(length);
	const view = new DataView(png.buffer);
	png.set(SIGNATURE);
	let at = SIGNATURE.length;
	for (const [type, data] of chunks) {
		view.setUint32(at, data.length);
		for (let i = 0; i < 4; i++) png[at + 4 + i] = type.charCodeAt(i);
		png.set(data, at + 8);
		const end = at + 8 + data.length;
		view.setUint32(end, crc32(png, at + 4, end));
		at = end + 4;
	}
	return png;
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
	let colours = 0;
	// One index per pixel, each row after a zero filter byte: 8-bit rows as
	// they will be written; lower depths are packed in place afterwards.
	const stride = width + 1;
	const rows = new Uint8Array(height * stride);
	let last = ~words[0];
	let lastIndex = 0;
	for (let y = 0, p = 0; y < height; y++) {
		for (let o = y * stride + 1, end = o + width; o < end; o++, p++) {
			const word = words[p];
			if (word !== last) {
				let h = Math.imul(word, 0x9e3779b1) >>> (32 - HASH_BITS);
				while (slots[h] >= 0 && keys[h] !== word) h = (h + 1) & HASH_MASK;
				if (slots[h] < 0) {
					if (colours === MAX_PALETTE) return undefined;
					keys[h] = word;
					slots[h] = colours;
					firstPixel[colours++] = p;
				}
				last = word;
				lastIndex = slots[h];
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

/** 8-bit RGB rows, unfiltered. */
function rgbScanlines(fb: Framebuffer): Scanlines {
	const { width, height, rgba } = fb;
	const rows = new Uint8Array(height * (1 + width * 3));
	for (let y = 0, s = 0, o = 0; y < height; y++) {
		rows[o++] = 0;
		for (let x = 0; x < width; x++, s += 4) {
			rows[o++] = rgba[s];
			rows[o++] = rgba[s + 1];
			rows[o++] = rgba[s + 2];
		}
	}
	return { colourType: COLOUR_TYPE_RGB, bitDepth: 8, rows };
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
