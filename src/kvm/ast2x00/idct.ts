import { AAN_SCALE } from "./tables.ts";

/**
 * Dequantised coefficient. The viewer multiplies by `q * 65536` and shifts
 * back with int32 wrap-around, which keeps the low 16 bits of `c * q`, signed.
 */
function dequant(c: number, q: number): number {
	return (Math.imul(c, q) << 16) >> 16;
}

/**
 * The viewer's integer AAN IDCT (8-bit fixed-point rotations). Its
 * dequantisation factor is `floor(q * s[row] * s[col])`: the AAN scaling is
 * truncated to an integer (the C reference keeps 16 fraction bits, which
 * changes about 1 in 10 pixels of a desktop by 1..8 levels).
 */

/** Dequantisation factors in natural order for one base table. */
export function scaledQuant(base: readonly number[]): Int32Array {
	const q = new Int32Array(64);
	for (let i = 0; i < 64; i++) {
		// The viewer truncates the scaled factor to an integer before the 16.16 shift.
		q[i] = Math.floor(base[i] * AAN_SCALE[i >> 3] * AAN_SCALE[i & 7]);
	}
	return q;
}

/**
 * Sample for an IDCT output v (already >> 3) at SAMPLE_LIMIT[(v + 384) & 1023]:
 * v + 128 clamped to 0..255 for v in -512..511 (libjpeg's range-limit layout;
 * only corrupt input goes further, and then wraps harmlessly).
 */
const SAMPLE_LIMIT: Uint8Array = (() => {
	const t = new Uint8Array(1024);
	for (let i = 256; i < 896; i++) t[i] = i < 512 ? i - 256 : 255;
	return t;
})();

const C1_414 = 362;
const C1_847 = 473;
const C1_082 = 277;
const C2_613 = 669;

/** The sample every pixel of a block with only a DC coefficient gets: what idct8x8 computes for it. */
export function dcSample(dc: number, quant: Int32Array): number {
	return SAMPLE_LIMIT[(384 + (dequant(dc, quant[0]) >> 3)) & 1023];
}

/**
 * Inverse-transforms the 64 coefficients at coef[at..at+63] (natural order)
 * into 8-bit samples at out[at..at+63]. `work` is 64 ints of scratch.
 */
export function idct8x8(
	coef: Int32Array,
	at: number,
	quant: Int32Array,
	work: Int32Array,
	out: Uint8Array,
): void {
	// Columns.
	for (let c = 0; c < 8; c++) {
		const i = at + c;
		if (
			(coef[i + 8] |
				coef[i + 16] |
				coef[i + 24] |
				coef[i + 32] |
				coef[i + 40] |
				coef[i + 48] |
				coef[i + 56]) ===
			0
		) {
			const dc = dequant(coef[i], quant[c]);
			for (let r = 0; r < 64; r += 8) work[c + r] = dc;
			continue;
		}
		const x0 = dequant(coef[i], quant[c]);
		const x1 = dequant(coef[i + 8], quant[c + 8]);
		const x2 = dequant(coef[i + 16], quant[c + 16]);
		const x3 = dequant(coef[i + 24], quant[c + 24]);
		const x4 = dequant(coef[i + 32], quant[c + 32]);
		const x5 = dequant(coef[i + 40], quant[c + 40]);
		const x6 = dequant(coef[i + 48], quant[c + 48]);
		const x7 = dequant(coef[i + 56], quant[c + 56]);

		const e0 = x0 + x4;
		const e1 = x0 - x4;
		const e3 = x2 + x6;
		const e2 = (((x2 - x6) * C1_414) >> 8) - e3;
		const a0 = e0 + e3;
		const a3 = e0 - e3;
		const a1 = e1 + e2;
		const a2 = e1 - e2;

		const z13 = x5 + x3;
		const z10 = x5 - x3;
		const z11 = x1 + x7;
		const z12 = x1 - x7;
		const b7 = z11 + z13;
		const b11 = ((z11 - z13) * C1_414) >> 8;
		const z5 = ((z10 + z12) * C1_847) >> 8;
		const b10 = ((z12 * C1_082) >> 8) - z5;
		const b12 = ((z10 * -C2_613) >> 8) + z5;
		const b6 = b12 - b7;
		const b5 = b11 - b6;
		const b4 = b10 + b5;

		work[c] = a0 + b7;
		work[c + 56] = a0 - b7;
		work[c + 8] = a1 + b6;
		work[c + 48] = a1 - b6;
		work[c + 16] = a2 + b5;
		work[c + 40] = a2 - b5;
		work[c + 32] = a3 + b4;
		work[c + 24] = a3 - b4;
	}
	// Rows.
	for (let r = 0; r < 64; r += 8) {
		const w0 = work[r];
		const w1 = work[r + 1];
		const w2 = work[r + 2];
		const w3 = work[r + 3];
		const w4 = work[r + 4];
		const w5 = work[r + 5];
		const w6 = work[r + 6];
		const w7 = work[r + 7];

		const e0 = w0 + w4;
		const e1 = w0 - w4;
		const e3 = w2 + w6;
		const e2 = (((w2 - w6) * C1_414) >> 8) - e3;
		const a0 = e0 + e3;
		const a3 = e0 - e3;
		const a1 = e1 + e2;
		const a2 = e1 - e2;

		const z13 = w5 + w3;
		const z10 = w5 - w3;
		const z11 = w1 + w7;
		const z12 = w1 - w7;
		const b7 = z11 + z13;
		const b11 = ((z11 - z13) * C1_414) >> 8;
		const z5 = ((z10 + z12) * C1_847) >> 8;
		const b10 = ((z12 * C1_082) >> 8) - z5;
		const b12 = ((z10 * -C2_613) >> 8) + z5;
		const b6 = b12 - b7;
		const b5 = b11 - b6;
		const b4 = b10 + b5;

		const o = at + r;
		out[o] = SAMPLE_LIMIT[(384 + ((a0 + b7) >> 3)) & 1023];
		out[o + 7] = SAMPLE_LIMIT[(384 + ((a0 - b7) >> 3)) & 1023];
		out[o + 1] = SAMPLE_LIMIT[(384 + ((a1 + b6) >> 3)) & 1023];
		out[o + 6] = SAMPLE_LIMIT[(384 + ((a1 - b6) >> 3)) & 1023];
		out[o + 2] = SAMPLE_LIMIT[(384 + ((a2 + b5) >> 3)) & 1023];
		out[o + 5] = SAMPLE_LIMIT[(384 + ((a2 - b5) >> 3)) & 1023];
		out[o + 4] = SAMPLE_LIMIT[(384 + ((a3 + b4) >> 3)) & 1023];
		out[o + 3] = SAMPLE_LIMIT[(384 + ((a3 - b4) >> 3)) & 1023];
	}
}
