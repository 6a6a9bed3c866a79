import { LimitError, ProtocolError } from "../../errors.ts";
import { checkScreenBudget, DEFAULT_MAX_HEIGHT, DEFAULT_MAX_WIDTH } from "../../image/budget.ts";
import type { Framebuffer } from "../../image/framebuffer.ts";
import {
	BitReader,
	bitsAt,
	FAST_BITS,
	type HuffmanTable,
	huffmanCode,
	huffmanTable,
	truncated,
} from "./bits.ts";
import {
	CB_TO_B,
	CB_TO_G,
	CR_TO_G,
	CR_TO_R,
	RGB_LIMIT,
	RGB_LIMIT_ZERO,
	Y_TO_RGB,
} from "./colour.ts";
import { dcSample, idct8x8, scaledQuant } from "./idct.ts";
import {
	AC_CHROMA,
	AC_LUMA,
	ADVANCE_SELECTOR_COUNT,
	BlockCode,
	CHROMA_QUANT,
	DC_CHROMA,
	DC_LUMA,
	LUMA_QUANT,
	SCAN_TO_NATURAL,
	SELECTOR_COUNT,
	VQ_INITIAL_COLOURS,
} from "./tables.ts";

/** The frame header fields the video engine reports beside each compressed frame. */
export interface Ast2x00FrameHeader {
	/** Source/destination size in pixels. */
	width: number;
	height: number;
	/** true = 4:2:0 (16x16 macroblocks), false = 4:4:4 (8x8). */
	mode420: boolean;
	/** JPEGTableSelector, 0..11 (0..7 when mapping = 1). */
	selector: number;
	/** AdvanceTableSelector, 0..7: tables of LOW_JPEG and pass-2 blocks. */
	advanceSelector: number;
	/** JPEGYUVTableMapping: 0 = chroma uses the chroma tables, 1 = chroma uses the luma tables. */
	mapping: number;
}

/**
 * Bytes the decoder keeps per pixel besides the framebuffer: every pixel's
 * YCbCr (a u32) for 4:4:4 refinement blocks; nothing in 4:2:0.
 */
export function decoderStatePerPixel(mode420: boolean): number {
	return mode420 ? 0 : 4;
}

/** Throws unless the header describes a frame this codec can carry within the size limit and the memory budget. */
export function checkHeader(h: Ast2x00FrameHeader, maxWidth: number, maxHeight: number): void {
	for (const [name, v] of [
		["width", h.width],
		["height", h.height],
	] as const) {
		if (!Number.isInteger(v) || v < 1) throw new ProtocolError(`ASPEED header: bad ${name} ${v}`);
	}
	if (h.width > maxWidth || h.height > maxHeight) {
		throw new LimitError(
			`ASPEED frame ${h.width}x${h.height} exceeds the ${maxWidth}x${maxHeight} limit`,
		);
	}
	checkScreenBudget(h.width, h.height, "ASPEED frame", decoderStatePerPixel(h.mode420));
	// Positions are 8-bit block indices.
	const size = h.mode420 ? 16 : 8;
	if (h.width > 256 * size || h.height > 256 * size) {
		throw new ProtocolError(
			`ASPEED header: ${h.width}x${h.height} too large for 8-bit block positions`,
		);
	}
	if (h.mapping !== 0 && h.mapping !== 1) {
		throw new ProtocolError(`ASPEED header: bad JPEGYUVTableMapping ${h.mapping}`);
	}
	// Chroma borrowing luma tables (mapping 1) only has selectors 0..7.
	const selectors = h.mapping === 1 ? ADVANCE_SELECTOR_COUNT : SELECTOR_COUNT;
	if (!Number.isInteger(h.selector) || h.selector < 0 || h.selector >= selectors) {
		throw new ProtocolError(`ASPEED header: bad JPEGTableSelector ${h.selector}`);
	}
	if (
		!Number.isInteger(h.advanceSelector) ||
		h.advanceSelector < 0 ||
		h.advanceSelector >= ADVANCE_SELECTOR_COUNT
	) {
		throw new ProtocolError(`ASPEED header: bad AdvanceTableSelector ${h.advanceSelector}`);
	}
}

export const DC_TABLES: readonly HuffmanTable[] = [huffmanTable(DC_LUMA), huffmanTable(DC_CHROMA)];
export const AC_TABLES: readonly HuffmanTable[] = [huffmanTable(AC_LUMA), huffmanTable(AC_CHROMA)];

/** Quantisation table slots: luma, chroma, then the advance (LOW_JPEG / pass-2) pair. */
const QUANT_NORMAL = 0;
const QUANT_ADVANCE = 2;

/** Bits of a block header: 4-bit code, or code + 8-bit column + 8-bit row. */
const HEADER_BITS = 4;
const POSITIONED_HEADER_BITS = 20;

/**
 * Decoder for the ASPEED AST2x00 video engine's compressed frames, pixel-exact
 * with the vendor's HTML5 viewer. One instance per video stream: the
 * framebuffer persists across frames, so update frames (positioned blocks)
 * change only the blocks they carry.
 */
export class Ast2x00Decoder {
	private readonly maxWidth: number;
	private readonly maxHeight: number;
	private fb: Framebuffer | null = null;
	/** The framebuffer's pixels as 32-bit words. */
	private pixels = new Uint32Array(0);
	/** Y | Cb << 8 | Cr << 16 of every pixel, kept (4:4:4 only) for pass-2 refinement blocks. */
	private yuv = new Uint32Array(0);
	private readonly reader = new BitReader();
	private readonly coef = new Int32Array(384);
	private readonly tile = new Uint8Array(384);
	private readonly work = new Int32Array(64);
	private readonly dcPred = new Int32Array(3);
	private readonly quant: Int32Array[] = [];
	private quantKey = "";
	private readonly vqColour = new Int32Array(4);
	private readonly vqSlot = new Uint8Array(4);

	constructor(limits?: { maxWidth?: number; maxHeight?: number }) {
		this.maxWidth = limits?.maxWidth ?? DEFAULT_MAX_WIDTH;
		this.maxHeight = limits?.maxHeight ?? DEFAULT_MAX_HEIGHT;
	}

	/** Throws unless this decoder takes a frame with this header; checked before its compressed bytes are held. */
	check(header: Ast2x00FrameHeader): void {
		checkHeader(header, this.maxWidth, this.maxHeight);
	}

	/** Decodes one compressed frame into the persistent framebuffer and returns it. A size change reallocates (and clears). */
	decode(header: Ast2x00FrameHeader, stream: Uint8Array): Framebuffer {
		checkHeader(header, this.maxWidth, this.maxHeight);
		const fb = this.framebuffer(header);
		this.loadQuant(header);
		const r = this.reader;
		r.reset(stream);
		// A frame that failed mid-unit may have left coefficients behind.
		this.coef.fill(0);
		this.dcPred.fill(0);
		for (let i = 0; i < 4; i++) {
			this.vqColour[i] = VQ_INITIAL_COLOURS[i];
			this.vqSlot[i] = i;
		}

		const size = header.mode420 ? 16 : 8;
		const cols = Math.ceil(header.width / size);
		const rows = Math.ceil(header.height / size);
		const blocks = cols * rows;
		let x = 0;
		let y = 0;
		for (let n = 0; ; n++) {
			if (r.pos + HEADER_BITS > r.end) {
				throw new ProtocolError(`ASPEED stream truncated: no frame-end code after ${n} blocks`);
			}
			const start = r.pos;
			const w = r.window;
			const code = w >>> 28;
			if (code === BlockCode.FRAME_END) return fb;
			if (n === blocks) {
				throw new ProtocolError(
					`ASPEED stream: more than ${blocks} blocks without a frame-end code`,
				);
			}
			if (code & BlockCode.POSITIONED) {
				x = (w >>> 20) & 0xff;
				y = (w >>> 12) & 0xff;
				if (x >= cols || y >= rows) {
					throw new ProtocolError(
						`ASPEED stream: block position (${x},${y}) outside the ${cols}x${rows} grid`,
					);
				}
				r.skip(POSITIONED_HEADER_BITS);
			} else {
				r.skip(HEADER_BITS);
			}
			switch (code & 7) {
				case BlockCode.JPEG:
					this.jpeg(fb, x, y, header.mode420, QUANT_NORMAL);
					break;
				case BlockCode.LOW_JPEG:
					this.jpeg(fb, x, y, header.mode420, QUANT_ADVANCE);
					break;
				case BlockCode.PASS2:
					if (header.mode420)
						throw new ProtocolError("ASPEED stream: pass-2 block in a 4:2:0 frame");
					this.pass2(fb, x, y);
					break;
				case BlockCode.VQ1:
				case BlockCode.VQ2:
				case BlockCode.VQ4:
					if (header.mode420) throw new ProtocolError("ASPEED stream: VQ block in a 4:2:0 frame");
					this.vq(fb, x, y, code & 3);
					break;
				default:
					throw new ProtocolError(`ASPEED stream: unknown block code ${code} at bit ${start}`);
			}
			if (++x === cols) {
				x = 0;
				if (++y === rows) y = 0;
			}
		}
	}

	private framebuffer(h: Ast2x00FrameHeader): Framebuffer {
		const fb = this.fb;
		if (fb !== null && fb.width === h.width && fb.height === h.height) {
			if (!h.mode420 && this.yuv.length === 0) this.yuv = new Uint32Array(h.width * h.height);
			return fb;
		}
		const rgba = new Uint8Array(h.width * h.height * 4);
		for (let i = 3; i < rgba.length; i += 4) rgba[i] = 255;
		this.fb = { width: h.width, height: h.height, rgba };
		this.pixels = new Uint32Array(rgba.buffer);
		this.yuv = new Uint32Array(h.mode420 ? 0 : h.width * h.height);
		return this.fb;
	}

	private loadQuant(h: Ast2x00FrameHeader): void {
		const key = `${h.selector}/${h.advanceSelector}/${h.mapping}`;
		if (key === this.quantKey) return;
		const chroma = h.mapping === 1 ? LUMA_QUANT : CHROMA_QUANT;
		this.quant[0] = scaledQuant(LUMA_QUANT[h.selector]);
		this.quant[1] = scaledQuant(chroma[h.selector]);
		this.quant[2] = scaledQuant(LUMA_QUANT[h.advanceSelector]);
		this.quant[3] = scaledQuant(chroma[h.advanceSelector]);
		this.quantKey = key;
	}

	/**
	 * Huffman-decodes one 8x8 unit of component c (0 Y, 1 Cb, 2 Cr) into
	 * coef[at..] (which must be zero). Returns whether any AC coefficient was coded.
	 */
	private unit(c: number, at: number): boolean {
		const r = this.reader;
		const words = r.words;
		const end = r.end;
		const coef = this.coef;
		const table = c === 0 ? 0 : 1;
		// Position and window live in locals: every code and the value bits
		// after it (at most 16 + 11) are consumed with one refill.
		let pos = r.pos;
		let w = r.window;
		let e = huffmanCode(DC_TABLES[table], w);
		let len = e >> 8;
		let size = e & 15;
		if (size !== 0) this.dcPred[c] += extend((w << len) >>> (32 - size), size);
		pos += len + size;
		if (pos > end) throw truncated();
		w = bitsAt(words, pos);
		coef[at] = this.dcPred[c];
		const ac = AC_TABLES[table];
		const fastValue = ac.fastValue;
		let k = 1;
		while (k < 64) {
			const f = fastValue[w >>> (32 - FAST_BITS)];
			if (f !== 0) {
				k += (f >> 4) & 15;
				coef[at + SCAN_TO_NATURAL[k]] = f >> 8;
				pos += f & 15;
			} else {
				e = huffmanCode(ac, w);
				len = e >> 8;
				size = e & 15;
				if (size === 0) {
					pos += len;
					if (pos > end) throw truncated();
					// End of block.
					if ((e & 255) !== 0xf0) break;
					// Sixteen zeros.
					k += 16;
					w = bitsAt(words, pos);
					continue;
				}
				k += (e >> 4) & 15;
				coef[at + SCAN_TO_NATURAL[k]] = extend((w << len) >>> (32 - size), size);
				pos += len + size;
			}
			if (pos > end) throw truncated();
			w = bitsAt(words, pos);
			k++;
		}
		r.seek(pos);
		return k > 1;
	}

	/**
	 * Decodes unit u of the tile (Huffman + IDCT) into tile[u * 64..]. A flat
	 * unit (DC only: all 64 samples equal) gets only its first sample written
	 * and returns true; expandFlat() completes it when a caller needs every sample.
	 */
	private transformUnit(c: number, u: number, quant: Int32Array): boolean {
		const at = u * 64;
		if (this.unit(c, at)) {
			idct8x8(this.coef, at, quant, this.work, this.tile);
			this.coef.fill(0, at, at + 64);
			return false;
		}
		this.tile[at] = dcSample(this.coef[at], quant);
		this.coef[at] = 0;
		return true;
	}

	/** Fills the units whose bit is set in `flat` from their first sample. */
	private expandFlat(flat: number): void {
		const tile = this.tile;
		for (let u = 0; flat !== 0; u++, flat >>= 1) {
			if (flat & 1) tile.fill(tile[u * 64], u * 64, u * 64 + 64);
		}
	}

	private jpeg(fb: Framebuffer, x: number, y: number, mode420: boolean, q: number): void {
		const luma = this.quant[q];
		const chroma = this.quant[q + 1];
		// Bit u set: unit u is flat.
		let flat = 0;
		if (mode420) {
			for (let u = 0; u < 4; u++) if (this.transformUnit(0, u, luma)) flat |= 1 << u;
			if (this.transformUnit(1, 4, chroma)) flat |= 16;
			if (this.transformUnit(2, 5, chroma)) flat |= 32;
			// With flat chroma, put420 reads only first samples of flat units.
			this.expandFlat((flat & 48) === 48 ? 0 : flat);
			this.put420(fb, x, y, flat);
		} else {
			if (this.transformUnit(0, 0, luma)) flat |= 1;
			if (this.transformUnit(1, 1, chroma)) flat |= 2;
			if (this.transformUnit(2, 2, chroma)) flat |= 4;
			if (flat !== 7) this.expandFlat(flat);
			this.put444(fb, x, y, flat === 7);
		}
	}

	/** Refinement of an earlier 4:4:4 block: the decoded block is a signed delta (biased by 128) on the kept Y,Cb,Cr. */
	private pass2(fb: Framebuffer, x: number, y: number): void {
		const tile = this.tile;
		let flat = 0;
		for (let u = 0; u < 3; u++) {
			if (this.transformUnit(u, u, this.quant[QUANT_ADVANCE + (u === 0 ? 0 : 1)])) flat |= 1 << u;
		}
		this.expandFlat(flat);
		const yuv = this.yuv;
		const x0 = x * 8;
		const y0 = y * 8;
		const w = Math.min(8, fb.width - x0);
		const h = Math.min(8, fb.height - y0);
		for (let j = 0; j < h; j++) {
			for (let i = 0; i < w; i++) {
				const m = j * 8 + i;
				const kept = yuv[(y0 + j) * fb.width + x0 + i];
				tile[m] = clampByte((kept & 255) + tile[m] - 128);
				tile[m + 64] = clampByte(((kept >> 8) & 255) + tile[m + 64] - 128);
				tile[m + 128] = clampByte(((kept >> 16) & 255) + tile[m + 128] - 128);
			}
		}
		this.put444(fb, x, y, false);
	}

	/** A block of 1, 2 or 4 cached colours; `kind` is 1, 2 or 3 from the block code. */
	private vq(fb: Framebuffer, x: number, y: number, kind: number): void {
		const r = this.reader;
		const colours = kind === 3 ? 4 : kind;
		const bits = kind - 1;
		for (let i = 0; i < colours; i++) {
			const w = r.window;
			const slot = (w >>> 29) & 3;
			this.vqSlot[i] = slot;
			if (w >>> 31 === 0) {
				r.skip(3);
			} else {
				this.vqColour[slot] = (w >>> 5) & 0xffffff;
				r.skip(27);
			}
		}
		const tile = this.tile;
		if (bits === 0) {
			const c = this.vqColour[this.vqSlot[0]];
			tile[0] = c >>> 16;
			tile[64] = (c >>> 8) & 255;
			tile[128] = c & 255;
			this.put444(fb, x, y, true);
			return;
		}
		for (let m = 0; m < 64; m++) {
			const c = this.vqColour[this.vqSlot[r.window >>> (32 - bits)]];
			r.skip(bits);
			tile[m] = c >>> 16;
			tile[m + 64] = (c >>> 8) & 255;
			tile[m + 128] = c & 255;
		}
		this.put444(fb, x, y, false);
	}

	/**
	 * Converts the 4:4:4 tile (Y, Cb, Cr planes of 64) into block (x, y).
	 * `flat`: all three planes are uniform, so one colour fills the block.
	 */
	private put444(fb: Framebuffer, x: number, y: number, flat: boolean): void {
		const tile = this.tile;
		const pixels = this.pixels;
		const yuv = this.yuv;
		const width = fb.width;
		const x0 = x * 8;
		const y0 = y * 8;
		const w = Math.min(8, width - x0);
		const h = Math.min(8, fb.height - y0);
		if (flat) {
			const word = rgbaWord(tile[0], tile[64], tile[128]);
			const kept = tile[0] | (tile[64] << 8) | (tile[128] << 16);
			// Plain loops: fill() calls cost more than they save on 8-pixel rows.
			for (let j = 0, row = y0 * width + x0; j < h; j++, row += width) {
				for (let p = row, end = row + w; p < end; p++) {
					pixels[p] = word;
					yuv[p] = kept;
				}
			}
			return;
		}
		// Neighbouring pixels often repeat a colour: convert only on change.
		let key = -1;
		let word = 0;
		for (let j = 0; j < h; j++) {
			let p = (y0 + j) * width + x0;
			for (let m = j * 8, end = m + w; m < end; m++, p++) {
				const ly = tile[m];
				const cb = tile[m + 64];
				const cr = tile[m + 128];
				const kept = ly | (cb << 8) | (cr << 16);
				if (kept !== key) {
					key = kept;
					word = rgbaWord(ly, cb, cr);
				}
				pixels[p] = word;
				yuv[p] = kept;
			}
		}
	}

	/**
	 * Converts the 4:2:0 tile (four Y blocks TL, TR, BL, BR, then Cb, Cr) into
	 * macroblock (x, y), one 8x8 quadrant at a time. Bit u of `flat`: unit u is
	 * flat (only its first sample is set when both chroma units are flat).
	 */
	private put420(fb: Framebuffer, x: number, y: number, flat: number): void {
		const tile = this.tile;
		const pixels = this.pixels;
		const width = fb.width;
		// Flat chroma (the common case on a console: grey text on black) gives
		// the whole macroblock one set of chroma offsets.
		const chromaFlat = (flat & 48) === 48;
		const rFlat = RGB_LIMIT_ZERO + CR_TO_R[tile[320]];
		const gFlat = RGB_LIMIT_ZERO + CB_TO_G[tile[256]] + CR_TO_G[tile[320]];
		const bFlat = RGB_LIMIT_ZERO + CB_TO_B[tile[256]];
		for (let q = 0; q < 4; q++) {
			const x0 = x * 16 + (q & 1) * 8;
			const y0 = y * 16 + (q >> 1) * 8;
			const w = Math.min(8, width - x0);
			const h = Math.min(8, fb.height - y0);
			if (w <= 0 || h <= 0) continue;
			const yAt = q * 64;
			if (chromaFlat) {
				if (flat & (1 << q)) {
					const yy = Y_TO_RGB[tile[yAt]];
					const word = packRgb(RGB_LIMIT[yy + rFlat], RGB_LIMIT[yy + gFlat], RGB_LIMIT[yy + bFlat]);
					for (let j = 0, row = y0 * width + x0; j < h; j++, row += width) {
						for (let p = row, end = row + w; p < end; p++) pixels[p] = word;
					}
					continue;
				}
				for (let j = 0, row = y0 * width + x0; j < h; j++, row += width) {
					for (let i = 0, m = yAt + j * 8; i < w; i++, m++) {
						const yy = Y_TO_RGB[tile[m]];
						pixels[row + i] = packRgb(
							RGB_LIMIT[yy + rFlat],
							RGB_LIMIT[yy + gFlat],
							RGB_LIMIT[yy + bFlat],
						);
					}
				}
				continue;
			}
			// Each chroma sample covers 2x2 pixels: look its offsets up once.
			const cAt = 256 + (q >> 1) * 32 + (q & 1) * 4;
			for (let j = 0; j < h; j += 2) {
				const c = cAt + (j >> 1) * 8;
				const p0 = (y0 + j) * width + x0;
				const p1 = j + 1 < h ? p0 + width : -1;
				for (let i = 0; i < w; i += 2) {
					const cb = tile[c + (i >> 1)];
					const cr = tile[c + 64 + (i >> 1)];
					const r = RGB_LIMIT_ZERO + CR_TO_R[cr];
					const g = RGB_LIMIT_ZERO + CB_TO_G[cb] + CR_TO_G[cr];
					const b = RGB_LIMIT_ZERO + CB_TO_B[cb];
					const m = yAt + j * 8 + i;
					const two = i + 1 < w;
					let yy = Y_TO_RGB[tile[m]];
					pixels[p0 + i] = packRgb(RGB_LIMIT[yy + r], RGB_LIMIT[yy + g], RGB_LIMIT[yy + b]);
					if (two) {
						yy = Y_TO_RGB[tile[m + 1]];
						pixels[p0 + i + 1] = packRgb(RGB_LIMIT[yy + r], RGB_LIMIT[yy + g], RGB_LIMIT[yy + b]);
					}
					if (p1 < 0) continue;
					yy = Y_TO_RGB[tile[m + 8]];
					pixels[p1 + i] = packRgb(RGB_LIMIT[yy + r], RGB_LIMIT[yy + g], RGB_LIMIT[yy + b]);
					if (two) {
						yy = Y_TO_RGB[tile[m + 9]];
						pixels[p1 + i + 1] = packRgb(RGB_LIMIT[yy + r], RGB_LIMIT[yy + g], RGB_LIMIT[yy + b]);
					}
				}
			}
		}
	}
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** One opaque pixel as the 32-bit word whose bytes in memory are R, G, B, 255. */
function packRgb(r: number, g: number, b: number): number {
	return LITTLE_ENDIAN
		? (0xff000000 | (b << 16) | (g << 8) | r) >>> 0
		: ((r << 24) | (g << 16) | (b << 8) | 0xff) >>> 0;
}

function rgbaWord(ly: number, cb: number, cr: number): number {
	const yy = Y_TO_RGB[ly] + RGB_LIMIT_ZERO;
	return packRgb(
		RGB_LIMIT[yy + CR_TO_R[cr]],
		RGB_LIMIT[yy + CB_TO_G[cb] + CR_TO_G[cr]],
		RGB_LIMIT[yy + CB_TO_B[cb]],
	);
}

/** JPEG's EXTEND: an n-bit magnitude whose top bit is 0 stands for a negative value. */
function extend(v: number, n: number): number {
	return v < 1 << (n - 1) ? v - (1 << n) + 1 : v;
}

function clampByte(v: number): number {
	return Math.max(0, Math.min(v, 255));
}
