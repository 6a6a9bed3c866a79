/** The part of upng-js (MIT, ships no types) that we call. */
declare module "upng-js" {
	interface DecodedPng {
		width: number;
		height: number;
		depth: number;
		ctype: number;
	}
	const UPNG: {
		/**
		 * Encodes RGBA8 frames. `cnum` 0 is lossless: opaque input is written as
		 * RGB, and input with at most 256 colours as an indexed PNG.
		 */
		encode(frames: ArrayBuffer[], width: number, height: number, cnum: number): ArrayBuffer;
		decode(png: ArrayBuffer): DecodedPng;
		/** One RGBA8 buffer per frame. */
		toRGBA8(png: DecodedPng): ArrayBuffer[];
	};
	export default UPNG;
}
