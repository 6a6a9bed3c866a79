/**
 * YCbCr -> RGB exactly as the vendor's HTML5 viewer computes it: per-channel
 * 16.16 fixed-point tables (constants truncated, `(int)(c * 65536 + 0.5)`),
 * each entry rounded and shifted on its own, the sum clamped to 0..255. The
 * viewer's green uses the Cb coefficient (0.390625) for Cr as well, instead
 * of 0.8125.
 */

function table(c: number, centre: number): Int32Array {
	const f = Math.trunc(Math.abs(c) * 65536 + 0.5) * Math.sign(c);
	const t = new Int32Array(256);
	for (let i = 0; i < 256; i++) t[i] = (f * (i - centre) + 32768) >> 16;
	return t;
}

/** Scaled luma contribution, 1.164 * (Y - 16). */
export const Y_TO_RGB: Int32Array = table(1.164, 16);
export const CR_TO_R: Int32Array = table(1.597656, 128);
export const CB_TO_B: Int32Array = table(2.015625, 128);
export const CB_TO_G: Int32Array = table(-0.390625, 128);
/** Same as CB_TO_G: the viewer's quirk, matched by every capture. */
export const CR_TO_G: Int32Array = CB_TO_G;

/** Offset of value 0 in RGB_LIMIT. */
export const RGB_LIMIT_ZERO = 512;

/** Range limit for a channel sum v at RGB_LIMIT[RGB_LIMIT_ZERO + v]; v spans about -280..540. */
export const RGB_LIMIT: Uint8Array = (() => {
	const t = new Uint8Array(RGB_LIMIT_ZERO + 1024);
	for (let v = 0; v < 1024; v++) t[RGB_LIMIT_ZERO + v] = v < 256 ? v : 255;
	return t;
})();
