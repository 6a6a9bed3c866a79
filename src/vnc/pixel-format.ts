import { ProtocolError } from "../errors.ts";

/** RFB PIXEL_FORMAT (RFC 6143 §7.4). */
export interface PixelFormat {
	bitsPerPixel: number;
	depth: number;
	bigEndian: boolean;
	trueColour: boolean;
	redMax: number;
	greenMax: number;
	blueMax: number;
	redShift: number;
	greenShift: number;
	blueShift: number;
}

/** What we ask servers for: 32-bit little-endian true colour, 8 bits per channel. */
export const RGB888_LE: PixelFormat = {
	bitsPerPixel: 32,
	depth: 24,
	bigEndian: false,
	trueColour: true,
	redMax: 255,
	greenMax: 255,
	blueMax: 255,
	redShift: 16,
	greenShift: 8,
	blueShift: 0,
};

export function parsePixelFormat(b: Uint8Array, off: number): PixelFormat {
	const u16 = (i: number) => (b[off + i] << 8) | b[off + i + 1];
	return {
		bitsPerPixel: b[off],
		depth: b[off + 1],
		bigEndian: b[off + 2] !== 0,
		trueColour: b[off + 3] !== 0,
		redMax: u16(4),
		greenMax: u16(6),
		blueMax: u16(8),
		redShift: b[off + 10],
		greenShift: b[off + 11],
		blueShift: b[off + 12],
	};
}

export function encodePixelFormat(pf: PixelFormat): Uint8Array {
	const b = new Uint8Array(16);
	b[0] = pf.bitsPerPixel;
	b[1] = pf.depth;
	b[2] = pf.bigEndian ? 1 : 0;
	b[3] = pf.trueColour ? 1 : 0;
	b[4] = pf.redMax >> 8;
	b[5] = pf.redMax;
	b[6] = pf.greenMax >> 8;
	b[7] = pf.greenMax;
	b[8] = pf.blueMax >> 8;
	b[9] = pf.blueMax;
	b[10] = pf.redShift;
	b[11] = pf.greenShift;
	b[12] = pf.blueShift;
	return b;
}

export function samePixelFormat(a: PixelFormat, b: PixelFormat): boolean {
	const x = encodePixelFormat(a);
	const y = encodePixelFormat(b);
	return x.every((v, i) => v === y[i]);
}

/** Whether we can decode pixels in `pf` (true colour, 8/16/32 bpp, channels inside the pixel). */
export function checkTrueColour(pf: PixelFormat): void {
	const { bitsPerPixel: bpp } = pf;
	if (bpp !== 8 && bpp !== 16 && bpp !== 32) {
		throw new ProtocolError(`pixel format has ${bpp} bits per pixel (RFB allows 8, 16, 32)`);
	}
	if (!pf.trueColour) throw new ProtocolError("pixel format is colour-mapped, not true colour");
	for (const [name, max, shift] of [
		["red", pf.redMax, pf.redShift],
		["green", pf.greenMax, pf.greenShift],
		["blue", pf.blueMax, pf.blueShift],
	] as const) {
		// Max must be 2^n - 1 with n >= 1 and the channel inside the pixel.
		if (max === 0 || (max & (max + 1)) !== 0 || shift + Math.log2(max + 1) > bpp) {
			throw new ProtocolError(`pixel format ${name} channel max ${max} shift ${shift} is invalid`);
		}
	}
}

/** Reads one pixel at `off` and returns it as RGBA8 packed for a little-endian Uint32Array. */
export type ReadPixel = (src: Uint8Array, off: number) => number;

export interface PixelReader {
	/** Bytes per pixel on the wire. */
	size: number;
	read: ReadPixel;
}

export interface PixelReaders {
	format: PixelFormat;
	/** PIXEL: bitsPerPixel/8 bytes in the format's byte order. */
	pixel: PixelReader;
	/** ZRLE CPIXEL: 3 bytes when the colour bits fit in 3 of the 4 bytes of a 32-bit pixel. */
	cpixel: PixelReader;
	/** Tight TPIXEL: 3 bytes R, G, B when the format is 8 bits per channel in 32 bits. */
	tpixel: PixelReader;
	/** Converts a pixel value (already read) to packed RGBA. */
	toRgba: (value: number) => number;
}

const OPAQUE = 0xff000000;

/** 0..max -> 0..255, rounded; identity for 8-bit channels. */
function scaleTable(max: number): Uint8Array {
	const t = new Uint8Array(max + 1);
	for (let v = 0; v <= max; v++) t[v] = Math.round((v * 255) / max);
	return t;
}

export function pixelReaders(pf: PixelFormat): PixelReaders {
	checkTrueColour(pf);
	const { redMax, greenMax, blueMax, redShift, greenShift, blueShift } = pf;
	const rs = scaleTable(redMax);
	const gs = scaleTable(greenMax);
	const bs = scaleTable(blueMax);
	const toRgba = (v: number): number =>
		(OPAQUE |
			(bs[(v >>> blueShift) & blueMax] << 16) |
			(gs[(v >>> greenShift) & greenMax] << 8) |
			rs[(v >>> redShift) & redMax]) >>>
		0;

	// Whole-byte channels (the usual 32-bit formats) are read byte by byte, no tables.
	const byteChannels =
		redMax === 255 &&
		greenMax === 255 &&
		blueMax === 255 &&
		(redShift | greenShift | blueShift) % 8 === 0;
	/** Reads `size` bytes holding the pixel value shifted right by `drop` bits. */
	const reader = (size: number, drop: number): PixelReader => {
		if (byteChannels) {
			const at = (shift: number) => {
				const i = (shift - drop) >> 3;
				return pf.bigEndian ? size - 1 - i : i;
			};
			const [ri, gi, bi] = [at(redShift), at(greenShift), at(blueShift)];
			return {
				size,
				read: (s, o) => (OPAQUE | (s[o + bi] << 16) | (s[o + gi] << 8) | s[o + ri]) >>> 0,
			};
		}
		const value = valueReader(size, pf.bigEndian);
		return { size, read: (s, o) => toRgba(value(s, o) << drop) };
	};

	const pixel = reader(pf.bitsPerPixel >> 3, 0);
	let cpixel = pixel;
	if (pf.bitsPerPixel === 32 && pf.depth <= 24) {
		const top = Math.max(
			redShift + Math.log2(redMax + 1),
			greenShift + Math.log2(greenMax + 1),
			blueShift + Math.log2(blueMax + 1),
		);
		const bottom = Math.min(redShift, greenShift, blueShift);
		if (top <= 24) cpixel = reader(3, 0);
		else if (bottom >= 8) cpixel = reader(3, 8);
	}

	const is888 =
		pf.bitsPerPixel === 32 &&
		pf.depth === 24 &&
		redMax === 255 &&
		greenMax === 255 &&
		blueMax === 255;
	const tpixel: PixelReader = is888
		? { size: 3, read: (s, o) => (OPAQUE | (s[o + 2] << 16) | (s[o + 1] << 8) | s[o]) >>> 0 }
		: pixel;

	return { format: pf, pixel, cpixel, tpixel, toRgba };
}

/** Reads an unsigned `bytes`-byte integer in the given byte order. */
export function valueReader(
	bytes: number,
	bigEndian: boolean,
): (s: Uint8Array, o: number) => number {
	switch (bytes) {
		case 1:
			return (s, o) => s[o];
		case 2:
			return bigEndian ? (s, o) => (s[o] << 8) | s[o + 1] : (s, o) => s[o] | (s[o + 1] << 8);
		case 3:
			return bigEndian
				? (s, o) => (s[o] << 16) | (s[o + 1] << 8) | s[o + 2]
				: (s, o) => s[o] | (s[o + 1] << 8) | (s[o + 2] << 16);
		default:
			return bigEndian
				? (s, o) => ((s[o] << 24) | (s[o + 1] << 16) | (s[o + 2] << 8) | s[o + 3]) >>> 0
				: (s, o) => (s[o] | (s[o + 1] << 8) | (s[o + 2] << 16) | (s[o + 3] << 24)) >>> 0;
	}
}
