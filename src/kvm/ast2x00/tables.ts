/**
 * Constant tables of the ASPEED video engine's "ASPEED mode" stream: the
 * quantisation tables the engine selects with JPEGTableSelector /
 * AdvanceTableSelector, the JPEG Annex K Huffman tables, and the scan order.
 * Quantisation tables are in natural (row-major) order, quality 0 first.
 */

/** Luminance quantisation tables, indexed by selector 0..11. */
export const LUMA_QUANT: readonly (readonly number[])[] = [
	[
		20, 13, 12, 20, 30, 50, 63, 76, 15, 15, 17, 23, 32, 72, 75, 68, 17, 16, 20, 30, 50, 71, 86, 70,
		17, 21, 27, 36, 63, 108, 100, 77, 22, 27, 46, 70, 85, 136, 128, 96, 30, 43, 68, 80, 101, 130,
		141, 115, 61, 80, 97, 108, 128, 151, 150, 126, 90, 115, 118, 122, 140, 125, 128, 123,
	],
	[
		17, 12, 10, 17, 26, 43, 55, 66, 13, 13, 15, 20, 28, 63, 65, 60, 15, 14, 17, 26, 43, 62, 75, 61,
		15, 18, 24, 31, 55, 95, 87, 67, 19, 24, 40, 61, 74, 119, 112, 84, 26, 38, 60, 70, 88, 113, 123,
		100, 53, 70, 85, 95, 112, 132, 131, 110, 78, 100, 103, 107, 122, 109, 112, 108,
	],
	[
		14, 9, 9, 14, 21, 36, 46, 55, 10, 10, 12, 17, 23, 52, 54, 49, 12, 11, 14, 21, 36, 51, 62, 50,
		12, 15, 19, 26, 46, 78, 72, 56, 16, 19, 33, 50, 61, 98, 93, 69, 21, 31, 49, 58, 73, 94, 102, 83,
		44, 58, 70, 78, 93, 109, 108, 91, 65, 83, 86, 88, 101, 90, 93, 89,
	],
	[
		11, 7, 7, 11, 17, 28, 36, 43, 8, 8, 10, 13, 18, 41, 43, 39, 10, 9, 11, 17, 28, 40, 49, 40, 10,
		12, 15, 20, 36, 62, 57, 44, 12, 15, 26, 40, 48, 78, 74, 55, 17, 25, 39, 46, 58, 74, 81, 66, 35,
		46, 56, 62, 74, 86, 86, 72, 51, 66, 68, 70, 80, 71, 74, 71,
	],
	[
		9, 6, 5, 9, 13, 22, 28, 34, 6, 6, 7, 10, 14, 32, 33, 30, 7, 7, 9, 13, 22, 32, 38, 31, 7, 9, 12,
		16, 28, 48, 45, 34, 10, 12, 20, 31, 38, 61, 57, 43, 13, 19, 30, 36, 45, 58, 63, 51, 27, 36, 43,
		48, 57, 68, 67, 56, 40, 51, 53, 55, 63, 56, 57, 55,
	],
	[
		6, 4, 3, 6, 9, 15, 19, 22, 4, 4, 5, 7, 9, 21, 22, 20, 5, 4, 6, 9, 15, 21, 25, 21, 5, 6, 8, 10,
		19, 32, 30, 23, 6, 8, 13, 21, 25, 40, 38, 28, 9, 13, 20, 24, 30, 39, 42, 34, 18, 24, 29, 32, 38,
		45, 45, 37, 27, 34, 35, 36, 42, 37, 38, 37,
	],
	[
		3, 2, 1, 3, 4, 7, 9, 11, 2, 2, 2, 3, 4, 10, 11, 10, 2, 2, 3, 4, 7, 10, 12, 10, 2, 3, 4, 5, 9,
		16, 15, 11, 3, 4, 6, 10, 12, 20, 19, 14, 4, 6, 10, 12, 15, 19, 21, 17, 9, 12, 14, 16, 19, 22,
		22, 18, 13, 17, 17, 18, 21, 18, 19, 18,
	],
	[
		2, 1, 1, 2, 3, 5, 6, 7, 1, 1, 1, 2, 3, 7, 7, 6, 1, 1, 2, 3, 5, 7, 8, 7, 1, 2, 2, 3, 6, 10, 10,
		7, 2, 2, 4, 7, 8, 13, 12, 9, 3, 4, 6, 8, 10, 13, 14, 11, 6, 8, 9, 10, 12, 15, 15, 12, 9, 11, 11,
		12, 14, 12, 12, 12,
	],
	[
		2, 1, 1, 2, 3, 5, 6, 7, 1, 1, 1, 2, 3, 7, 7, 6, 1, 1, 2, 3, 5, 7, 8, 7, 1, 2, 2, 3, 6, 10, 10,
		7, 2, 2, 4, 7, 8, 13, 12, 9, 3, 4, 6, 8, 10, 13, 14, 11, 6, 8, 9, 10, 12, 15, 15, 12, 9, 11, 11,
		12, 14, 12, 12, 12,
	],
	[
		1, 1, 1, 1, 2, 3, 4, 5, 1, 1, 1, 1, 2, 5, 5, 5, 1, 1, 1, 2, 3, 5, 6, 5, 1, 1, 2, 2, 4, 8, 7, 5,
		1, 2, 3, 5, 6, 10, 9, 7, 2, 3, 5, 6, 7, 9, 10, 8, 4, 6, 7, 8, 9, 11, 11, 9, 6, 8, 8, 9, 10, 9,
		9, 9,
	],
	[
		1, 1, 1, 1, 1, 2, 3, 3, 1, 1, 1, 1, 1, 3, 3, 3, 1, 1, 1, 1, 2, 3, 4, 3, 1, 1, 1, 1, 3, 5, 5, 3,
		1, 1, 2, 3, 4, 6, 6, 4, 1, 2, 3, 4, 5, 6, 7, 5, 3, 4, 4, 5, 6, 7, 7, 6, 4, 5, 5, 6, 7, 6, 6, 6,
	],
	[
		1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 2, 2, 1,
		1, 1, 1, 1, 2, 3, 3, 2, 1, 1, 1, 2, 2, 3, 3, 2, 1, 2, 2, 2, 3, 3, 3, 3, 2, 2, 2, 3, 3, 3, 3, 3,
	],
];

/** A chrominance table: `low` coefficients at the top-left 4x4 corner, `rest` elsewhere. */
function chroma(corner: readonly number[], rest: number): number[] {
	const t: number[] = [];
	for (let i = 0; i < 64; i++) {
		const r = i >> 3;
		const c = i & 7;
		t.push(r < 4 && c < 4 && corner[r * 4 + c] !== 0 ? corner[r * 4 + c] : rest);
	}
	return t;
}

/** Chrominance quantisation tables, indexed by selector 0..11. */
export const CHROMA_QUANT: readonly (readonly number[])[] = [
	chroma([31, 33, 45, 88, 33, 39, 48, 123, 45, 48, 105, 0, 88, 123, 0, 0], 185),
	chroma([27, 29, 39, 76, 29, 34, 42, 107, 39, 42, 91, 0, 76, 107, 0, 0], 160),
	chroma([22, 24, 32, 63, 24, 28, 34, 88, 32, 34, 75, 0, 63, 88, 0, 0], 133),
	chroma([18, 19, 26, 51, 19, 22, 28, 72, 26, 28, 61, 0, 51, 72, 0, 0], 108),
	chroma([13, 14, 19, 38, 14, 17, 21, 53, 19, 21, 45, 0, 38, 53, 0, 0], 80),
	chroma([9, 10, 13, 26, 10, 11, 14, 37, 13, 14, 31, 0, 26, 37, 0, 0], 55),
	chroma([4, 5, 6, 13, 5, 5, 7, 18, 6, 7, 15, 0, 13, 18, 0, 0], 27),
	chroma([3, 3, 4, 8, 3, 3, 4, 12, 4, 4, 10, 0, 8, 12, 0, 0], 18),
	chroma([2, 2, 3, 7, 2, 3, 4, 10, 3, 4, 8, 0, 7, 10, 0, 0], 15),
	chroma([2, 2, 3, 5, 2, 2, 3, 8, 3, 3, 7, 0, 5, 8, 0, 0], 12),
	chroma([1, 1, 2, 4, 1, 1, 2, 6, 2, 2, 5, 0, 4, 6, 0, 0], 9),
	chroma([1, 1, 1, 2, 1, 1, 1, 4, 1, 1, 3, 0, 2, 4, 0, 0], 6),
];

/** Number of JPEGTableSelector values that have their own tables. */
export const SELECTOR_COUNT = 12;
/** AdvanceTableSelector (and the chroma selector when chroma borrows luma tables) covers 0..7 only. */
export const ADVANCE_SELECTOR_COUNT = 8;

/** AAN IDCT row/column scale factors, cos(k*pi/16)*sqrt(2) for k>0. */
export const AAN_SCALE: readonly number[] = [
	1, 1.387039845, 1.306562965, 1.175875602, 1, 0.785694958, 0.5411961, 0.275899379,
];

/**
 * Scan position -> natural index. Positions past 63 (a corrupt run length can
 * reach 78) land on coefficient 63, as the viewer's table does.
 */
export const SCAN_TO_NATURAL: Uint8Array = (() => {
	const t = new Uint8Array(80).fill(63);
	let k = 0;
	for (let s = 0; s < 15; s++) {
		// Walk each anti-diagonal, alternating direction.
		for (let i = 0; i <= s; i++) {
			const r = s & 1 ? i : s - i;
			const c = s - r;
			if (r < 8 && c < 8) t[k++] = r * 8 + c;
		}
	}
	return t;
})();

/** A JPEG Huffman table specification: code counts per length 1..16, then symbols. */
export interface HuffmanSpec {
	counts: readonly number[];
	symbols: readonly number[];
}

export const DC_LUMA: HuffmanSpec = {
	counts: [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0],
	symbols: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
};

export const DC_CHROMA: HuffmanSpec = {
	counts: [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0],
	symbols: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
};

export const AC_LUMA: HuffmanSpec = {
	counts: [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 125],
	symbols: [
		0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07,
		0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08, 0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0,
		0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x25, 0x26, 0x27, 0x28,
		0x29, 0x2a, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49,
		0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69,
		0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
		0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
		0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5,
		0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2,
		0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8,
		0xf9, 0xfa,
	],
};

export const AC_CHROMA: HuffmanSpec = {
	counts: [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 119],
	symbols: [
		0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71,
		0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xa1, 0xb1, 0xc1, 0x09, 0x23, 0x33, 0x52, 0xf0,
		0x15, 0x62, 0x72, 0xd1, 0x0a, 0x16, 0x24, 0x34, 0xe1, 0x25, 0xf1, 0x17, 0x18, 0x19, 0x1a, 0x26,
		0x27, 0x28, 0x29, 0x2a, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48,
		0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68,
		0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
		0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5,
		0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3,
		0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda,
		0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8,
		0xf9, 0xfa,
	],
};

/** Block codes: the 4-bit header of every block. Bit 3 set = explicit position follows. */
export const BlockCode = {
	JPEG: 0,
	PASS2: 2,
	LOW_JPEG: 4,
	VQ1: 5,
	VQ2: 6,
	VQ4: 7,
	POSITIONED: 8,
	FRAME_END: 9,
} as const;

/** The VQ colour cache at the start of every frame: Y,Cb,Cr packed 0xYYCbCr. */
export const VQ_INITIAL_COLOURS: readonly number[] = [0x008080, 0xff8080, 0x808080, 0xc08080];
