import { ProtocolError } from "../../errors.ts";
import type { Framebuffer } from "../../image/framebuffer.ts";
import type { HuffmanTable } from "./bits.ts";
import { CB_TO_B, CB_TO_G, CR_TO_G, CR_TO_R, Y_TO_RGB } from "./colour.ts";
import { AC_TABLES, checkHeader, DC_TABLES } from "./decoder.ts";
import {
	AAN_SCALE,
	BlockCode,
	CHROMA_QUANT,
	LUMA_QUANT,
	SCAN_TO_NATURAL,
	VQ_INITIAL_COLOURS,
} from "./tables.ts";

export interface Ast2x00EncodeOptions {
	mode420: boolean;
	selector: number;
	advanceSelector?: number;
	mapping?: number;
	/** The frame the receiver already shows: only changed blocks are sent, with positioned codes. */
	previous?: Framebuffer;
	/** Code blocks of at most 4 colours as VQ (4:4:4 only; the 4:2:0 stream has no VQ). Default true. */
	vqForFlatBlocks?: boolean;
}

/**
 * Encodes RGBA into an ASPEED-mode stream that Ast2x00Decoder (and the vendor
 * viewer) decode: JPEG blocks, VQ blocks for blocks of few colours whose
 * colours survive the round trip exactly, positioned codes after skipped
 * (unchanged) blocks, then the frame-end code.
 */
export function encodeAst2x00(image: Framebuffer, opts: Ast2x00EncodeOptions): Uint8Array {
	const header = {
		width: image.width,
		height: image.height,
		mode420: opts.mode420,
		selector: opts.selector,
		advanceSelector: opts.advanceSelector ?? 0,
		mapping: opts.mapping ?? 0,
	};
	checkHeader(header, 4096, 4096);
	if (image.rgba.length !== image.width * image.height * 4) {
		throw new ProtocolError("encodeAst2x00: rgba length does not match width x height");
	}
	const prev = opts.previous;
	if (prev && (prev.width !== image.width || prev.height !== image.height)) {
		throw new ProtocolError("encodeAst2x00: previous frame has a different size");
	}
	return new Encoder(
		image,
		header.mode420,
		header.selector,
		header.mapping,
		opts.vqForFlatBlocks ?? true,
	).run(prev);
}

/** MSB-first bits into little-endian 32-bit words. */
class BitWriter {
	private bytes = new Uint8Array(4096);
	private length = 0;
	private acc = 0;
	private count = 0;

	put(value: number, bits: number): void {
		for (let b = bits - 1; b >= 0; b--) {
			this.acc = (this.acc << 1) | ((value >>> b) & 1);
			if (++this.count === 32) this.flush();
		}
	}

	private flush(): void {
		if (this.length + 4 > this.bytes.length) {
			const grown = new Uint8Array(this.bytes.length * 2);
			grown.set(this.bytes);
			this.bytes = grown;
		}
		const w = this.acc >>> 0;
		this.bytes[this.length++] = w & 255;
		this.bytes[this.length++] = (w >>> 8) & 255;
		this.bytes[this.length++] = (w >>> 16) & 255;
		this.bytes[this.length++] = w >>> 24;
		this.acc = 0;
		this.count = 0;
	}

	finish(): Uint8Array {
		if (this.count > 0) {
			this.acc <<= 32 - this.count;
			this.flush();
		}
		return this.bytes.slice(0, this.length);
	}
}

/** cos((2x + 1) u pi / 16) * C(u) / 2, for the forward DCT. */
const DCT_BASIS: Float64Array = (() => {
	const t = new Float64Array(64);
	for (let u = 0; u < 8; u++) {
		for (let x = 0; x < 8; x++) {
			t[u * 8 + x] =
				((u === 0 ? Math.SQRT1_2 : 1) / 2) * Math.cos(((2 * x + 1) * u * Math.PI) / 16);
		}
	}
	return t;
})();

/** Decoded RGB (packed 0xRRGGBB) of a Y,Cb,Cr triple, as the decoder computes it. */
function decodedRgb(y: number, cb: number, cr: number): number {
	const yy = Y_TO_RGB[y];
	const r = Math.max(0, Math.min(255, yy + CR_TO_R[cr]));
	const g = Math.max(0, Math.min(255, yy + CB_TO_G[cb] + CR_TO_G[cr]));
	const b = Math.max(0, Math.min(255, yy + CB_TO_B[cb]));
	return (r << 16) | (g << 8) | b;
}

const A_R = 1.597656;
const A_B = 2.015625;
const A_G = 0.390625;

/** Y, Cb, Cr (unrounded) that the decoder's colour conversion maps back to r, g, b. */
function toYcc(r: number, g: number, b: number, out: Float64Array, at: number): void {
	// Inverts R = Y' + A_R Cr, B = Y' + A_B Cb, G = Y' - A_G (Cb + Cr) with Y' = 1.164 (Y - 16).
	const yp = (g + (A_G * b) / A_B + (A_G * r) / A_R) / (1 + A_G / A_B + A_G / A_R);
	out[at] = yp / 1.164 + 16;
	out[at + 1] = (b - yp) / A_B + 128;
	out[at + 2] = (r - yp) / A_R + 128;
}

const clampByte = (v: number) => Math.max(0, Math.min(255, Math.round(v)));

class Encoder {
	private readonly w = new BitWriter();
	private readonly size: number;
	private readonly cols: number;
	private readonly rows: number;
	private readonly quant: Float64Array[];
	private readonly dcPred = new Int32Array(3);
	private readonly vqColour = Int32Array.from(VQ_INITIAL_COLOURS);
	private nextVqSlot = 0;
	/** RGB colour -> exact Y,Cb,Cr (packed) or -1 when none round-trips. */
	private readonly exact = new Map<number, number>();
	private readonly ycc = new Float64Array(3 * 256);
	private readonly samples = new Float64Array(64);
	private readonly coef = new Int32Array(64);
	private readonly image: Framebuffer;
	private readonly mode420: boolean;
	private readonly vq: boolean;

	constructor(
		image: Framebuffer,
		mode420: boolean,
		selector: number,
		mapping: number,
		vq: boolean,
	) {
		this.image = image;
		this.mode420 = mode420;
		this.vq = vq;
		this.size = mode420 ? 16 : 8;
		this.cols = Math.ceil(image.width / this.size);
		this.rows = Math.ceil(image.height / this.size);
		const chroma = mapping === 1 ? LUMA_QUANT : CHROMA_QUANT;
		// The decoder multiplies by floor(q * s[row] * s[col]); dividing by the same factor over the AAN scale undoes it.
		this.quant = [LUMA_QUANT[selector], chroma[selector]].map((base) => {
			const q = new Float64Array(64);
			for (let i = 0; i < 64; i++) {
				const s = AAN_SCALE[i >> 3] * AAN_SCALE[i & 7];
				q[i] = Math.max(1, Math.floor(base[i] * s)) / s;
			}
			return q;
		});
	}

	run(prev: Framebuffer | undefined): Uint8Array {
		let expectX = 0;
		let expectY = 0;
		for (let by = 0; by < this.rows; by++) {
			for (let bx = 0; bx < this.cols; bx++) {
				if (prev && this.unchanged(prev, bx, by)) continue;
				const positioned = bx !== expectX || by !== expectY;
				this.block(bx, by, positioned);
				expectX = bx + 1;
				expectY = by;
				if (expectX === this.cols) {
					expectX = 0;
					expectY = by + 1;
				}
			}
		}
		this.w.put(BlockCode.FRAME_END, 4);
		return this.w.finish();
	}

	private unchanged(prev: Framebuffer, bx: number, by: number): boolean {
		const { width, height } = this.image;
		const x0 = bx * this.size;
		const y0 = by * this.size;
		const x1 = Math.min(width, x0 + this.size);
		const y1 = Math.min(height, y0 + this.size);
		for (let y = y0; y < y1; y++) {
			for (let i = (y * width + x0) * 4, end = (y * width + x1) * 4; i < end; i++) {
				if (this.image.rgba[i] !== prev.rgba[i]) return false;
			}
		}
		return true;
	}

	private header(code: number, positioned: boolean, bx: number, by: number): void {
		if (positioned) this.w.put(((code | BlockCode.POSITIONED) << 16) | (bx << 8) | by, 20);
		else this.w.put(code, 4);
	}

	/** RGB of pixel (x, y), edge pixels repeated beyond the image. */
	private rgb(x: number, y: number): number {
		const { width, height, rgba } = this.image;
		const i = (Math.min(y, height - 1) * width + Math.min(x, width - 1)) * 4;
		return (rgba[i] << 16) | (rgba[i + 1] << 8) | rgba[i + 2];
	}

	private block(bx: number, by: number, positioned: boolean): void {
		if (this.vq && !this.mode420 && this.tryVq(bx, by, positioned)) return;
		this.header(BlockCode.JPEG, positioned, bx, by);
		// Y,Cb,Cr per pixel of the (8 or 16 square) block.
		const n = this.size;
		const ycc = this.ycc;
		for (let j = 0; j < n; j++) {
			for (let i = 0; i < n; i++) {
				const c = this.rgb(bx * n + i, by * n + j);
				toYcc(c >>> 16, (c >>> 8) & 255, c & 255, ycc, (j * n + i) * 3);
			}
		}
		const s = this.samples;
		if (this.mode420) {
			for (let u = 0; u < 4; u++) {
				const ox = (u & 1) * 8;
				const oy = (u >> 1) * 8;
				for (let k = 0; k < 64; k++) s[k] = ycc[((oy + (k >> 3)) * 16 + ox + (k & 7)) * 3];
				this.unit(0);
			}
			for (let c = 1; c <= 2; c++) {
				for (let k = 0; k < 64; k++) {
					const p = ((k >> 3) * 2 * 16 + (k & 7) * 2) * 3 + c;
					s[k] = (ycc[p] + ycc[p + 3] + ycc[p + 48] + ycc[p + 51]) / 4;
				}
				this.unit(c);
			}
		} else {
			for (let c = 0; c < 3; c++) {
				for (let k = 0; k < 64; k++) s[k] = ycc[k * 3 + c];
				this.unit(c);
			}
		}
	}

	/** Forward DCT, quantisation and Huffman coding of `samples` as component c. */
	private unit(c: number): void {
		const s = this.samples;
		const q = this.quant[c === 0 ? 0 : 1];
		const coef = this.coef;
		for (let v = 0; v < 8; v++) {
			for (let u = 0; u < 8; u++) {
				let sum = 0;
				for (let y = 0; y < 8; y++) {
					let row = 0;
					for (let x = 0; x < 8; x++) row += (clampByte(s[y * 8 + x]) - 128) * DCT_BASIS[u * 8 + x];
					sum += row * DCT_BASIS[v * 8 + y];
				}
				const i = v * 8 + u;
				// Categories beyond 11 (DC difference) and 10 (AC) have no Huffman code.
				coef[i] = Math.max(-1023, Math.min(1023, Math.round(sum / q[i])));
			}
		}
		const table = c === 0 ? 0 : 1;
		const diff = coef[0] - this.dcPred[c];
		this.dcPred[c] = coef[0];
		this.code(DC_TABLES[table], magnitude(diff), diff);
		const ac = AC_TABLES[table];
		let run = 0;
		for (let k = 1; k < 64; k++) {
			const v = coef[SCAN_TO_NATURAL[k]];
			if (v === 0) {
				run++;
				continue;
			}
			for (; run >= 16; run -= 16) this.code(ac, 0xf0, 0);
			const size = magnitude(v);
			this.code(ac, (run << 4) | size, v);
			run = 0;
		}
		if (run > 0) this.code(ac, 0x00, 0);
	}

	/** Huffman code of `symbol`, then the low `symbol & 15` bits of `value` in JPEG's EXTEND form. */
	private code(t: HuffmanTable, symbol: number, value: number): void {
		this.w.put(t.codeOf[symbol], t.lengthOf[symbol]);
		const size = symbol & 15;
		if (size > 0) this.w.put(value < 0 ? value + (1 << size) - 1 : value, size);
	}

	/** Packed Y,Cb,Cr that decodes to exactly this RGB, or -1. */
	private exactYcc(rgb: number): number {
		const cached = this.exact.get(rgb);
		if (cached !== undefined) return cached;
		const t = new Float64Array(3);
		toYcc(rgb >>> 16, (rgb >>> 8) & 255, rgb & 255, t, 0);
		let found = -1;
		search: for (let dy = -2; dy <= 2; dy++) {
			for (let db = -2; db <= 2; db++) {
				for (let dr = -2; dr <= 2; dr++) {
					const y = clampByte(t[0] + dy);
					const cb = clampByte(t[1] + db);
					const cr = clampByte(t[2] + dr);
					if (decodedRgb(y, cb, cr) === rgb) {
						found = (y << 16) | (cb << 8) | cr;
						break search;
					}
				}
			}
		}
		this.exact.set(rgb, found);
		return found;
	}

	/** Codes block (bx, by) as VQ if it has at most 4 colours that round-trip exactly. */
	private tryVq(bx: number, by: number, positioned: boolean): boolean {
		const colours: number[] = [];
		const index = new Uint8Array(64);
		for (let k = 0; k < 64; k++) {
			const c = this.rgb(bx * 8 + (k & 7), by * 8 + (k >> 3));
			let i = colours.indexOf(c);
			if (i < 0) {
				if (colours.length === 4) return false;
				i = colours.push(c) - 1;
			}
			index[k] = i;
		}
		const ycc = colours.map((c) => this.exactYcc(c));
		if (ycc.includes(-1)) return false;
		const count = colours.length === 3 ? 4 : colours.length;
		while (ycc.length < count) ycc.push(ycc[0]);
		this.header([0, BlockCode.VQ1, BlockCode.VQ2, 0, BlockCode.VQ4][count], positioned, bx, by);
		// Each entry either names a slot already holding its colour or loads one.
		const used: number[] = [];
		for (const c of ycc) {
			let slot = this.vqColour.findIndex((v, s) => v === c && !used.includes(s));
			if (slot >= 0) {
				this.w.put(slot, 3);
			} else {
				do slot = this.nextVqSlot++ & 3;
				while (used.includes(slot));
				this.vqColour[slot] = c;
				this.w.put(4 | slot, 3);
				this.w.put(c, 24);
			}
			used.push(slot);
		}
		const bits = count === 1 ? 0 : count === 2 ? 1 : 2;
		if (bits > 0) for (let k = 0; k < 64; k++) this.w.put(index[k], bits);
		return true;
	}
}

/** JPEG magnitude category: bits needed for |v|. */
function magnitude(v: number): number {
	let a = Math.abs(v);
	let n = 0;
	while (a > 0) {
		n++;
		a >>= 1;
	}
	return n;
}
