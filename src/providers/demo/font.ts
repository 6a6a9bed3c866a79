/**
 * 8x16 glyphs for printable ASCII and the line-drawing, block and arrow
 * characters of the VGA ROM font, the classic IBM VGA look, taken from the
 * Linux console font Uni2-VGA16.psf.gz (Debian package console-setup-linux) by
 * scripts/psf-to-font.ts. console-setup builds its VGA fonts from
 * Dmitry Bolkhovityanov's UNI-VGA font (u_vga16.bdf), licensed as follows:
 *
 * Copyright © 2000, 2001 by Dmitry Bolkhovityanov.  All Rights Reserved.
 *
 * Permission is hereby granted, free of charge, to any person obtaining a copy
 * of this software and associated documentation files (the "Software"), to deal
 * in the Software without restriction, including without limitation the rights
 * to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
 * copies of the Software, and to permit persons to whom the Software is fur-
 * nished to do so, subject to the following conditions:
 *
 * The above copyright notice and this permission notice shall be included in
 * all copies or substantial portions of the Software.
 *
 * THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
 * IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FIT-
 * NESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT.  IN NO EVENT SHALL THE
 * XFREE86 PROJECT BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER
 * IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CON-
 * NECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
 *
 * Except as contained in this notice, the name of Dmitry Bolkhovityanov
 * shall not be used in advertising or otherwise to promote the sale, use
 * or other dealings in this Software without prior written authorization
 * from the Dmitry Bolkhovityanov.
 */

export const GLYPH_WIDTH = 8;
export const GLYPH_HEIGHT = 16;

/** Code point and rows of each glyph: 16 rows top to bottom, one byte each, bit 7 the leftmost pixel. */
const GLYPHS: readonly (readonly [number, string])[] = [
	[0x0020, "00000000000000000000000000000000"], // space
	[0x0021, "0000183c3c3c18181800181800000000"], // !
	[0x0022, "00666666240000000000000000000000"], // "
	[0x0023, "0000006c6cfe6c6c6cfe6c6c00000000"], // #
	[0x0024, "18187cc6c2c07c060686c67c18180000"], // $
	[0x0025, "00000000c2c60c183060c68600000000"], // %
	[0x0026, "0000386c6c3876dccccccc7600000000"], // &
	[0x0027, "00303030200000000000000000000000"], // '
	[0x0028, "00000c18303030303030180c00000000"], // (
	[0x0029, "000030180c0c0c0c0c0c183000000000"], // )
	[0x002a, "0000000000663cff3c66000000000000"], // *
	[0x002b, "000000000018187e1818000000000000"], // +
	[0x002c, "00000000000000000018181830000000"], // ,
	[0x002d, "00000000000000fe0000000000000000"], // -
	[0x002e, "00000000000000000000181800000000"], // .
	[0x002f, "0000000002060c183060c08000000000"], // /
	[0x0030, "0000386cc6c6d6d6c6c66c3800000000"], // 0
	[0x0031, "00001838781818181818187e00000000"], // 1
	[0x0032, "00007cc6060c183060c0c6fe00000000"], // 2
	[0x0033, "00007cc606063c060606c67c00000000"], // 3
	[0x0034, "00000c1c3c6cccfe0c0c0c1e00000000"], // 4
	[0x0035, "0000fec0c0c0fc060606c67c00000000"], // 5
	[0x0036, "00003860c0c0fcc6c6c6c67c00000000"], // 6
	[0x0037, "0000fec606060c183030303000000000"], // 7
	[0x0038, "00007cc6c6c67cc6c6c6c67c00000000"], // 8
	[0x0039, "00007cc6c6c67e0606060c7800000000"], // 9
	[0x003a, "00000000181800000018180000000000"], // :
	[0x003b, "00000000181800000018183000000000"], // ;
	[0x003c, "000000060c18306030180c0600000000"], // <
	[0x003d, "00000000007e00007e00000000000000"], // =
	[0x003e, "0000006030180c060c18306000000000"], // >
	[0x003f, "00007cc6c60c18181800181800000000"], // ?
	[0x0040, "0000007cc6c6dedededcc07c00000000"], // @
	[0x0041, "000010386cc6c6fec6c6c6c600000000"], // A
	[0x0042, "0000fc6666667c66666666fc00000000"], // B
	[0x0043, "00003c66c2c0c0c0c0c2663c00000000"], // C
	[0x0044, "0000f86c6666666666666cf800000000"], // D
	[0x0045, "0000fe6662687868606266fe00000000"], // E
	[0x0046, "0000fe6662687868606060f000000000"], // F
	[0x0047, "00003c66c2c0c0dec6c6663a00000000"], // G
	[0x0048, "0000c6c6c6c6fec6c6c6c6c600000000"], // H
	[0x0049, "00003c18181818181818183c00000000"], // I
	[0x004a, "00001e0c0c0c0c0ccccccc7800000000"], // J
	[0x004b, "0000e666666c78786c6666e600000000"], // K
	[0x004c, "0000f06060606060606266fe00000000"], // L
	[0x004d, "0000c6eefefed6c6c6c6c6c600000000"], // M
	[0x004e, "0000c6e6f6fedecec6c6c6c600000000"], // N
	[0x004f, "00007cc6c6c6c6c6c6c6c67c00000000"], // O
	[0x0050, "0000fc6666667c60606060f000000000"], // P
	[0x0051, "00007cc6c6c6c6c6c6d6de7c0c0e0000"], // Q
	[0x0052, "0000fc6666667c6c666666e600000000"], // R
	[0x0053, "00007cc6c660380c06c6c67c00000000"], // S
	[0x0054, "00007e7e5a1818181818183c00000000"], // T
	[0x0055, "0000c6c6c6c6c6c6c6c6c67c00000000"], // U
	[0x0056, "0000c6c6c6c6c6c6c66c381000000000"], // V
	[0x0057, "0000c6c6c6c6d6d6d6feee6c00000000"], // W
	[0x0058, "0000c6c66c7c38387c6cc6c600000000"], // X
	[0x0059, "0000666666663c181818183c00000000"], // Y
	[0x005a, "0000fec6860c183060c2c6fe00000000"], // Z
	[0x005b, "00003c30303030303030303c00000000"], // [
	[0x005c, "00000080c0e070381c0e060200000000"], // \
	[0x005d, "00003c0c0c0c0c0c0c0c0c3c00000000"], // ]
	[0x005e, "10386cc6000000000000000000000000"], // ^
	[0x005f, "00000000000000000000000000ff0000"], // _
	[0x0060, "30301800000000000000000000000000"], // `
	[0x0061, "0000000000780c7ccccccc7600000000"], // a
	[0x0062, "0000e06060786c666666667c00000000"], // b
	[0x0063, "00000000007cc6c0c0c0c67c00000000"], // c
	[0x0064, "00001c0c0c3c6ccccccccc7600000000"], // d
	[0x0065, "00000000007cc6fec0c0c67c00000000"], // e
	[0x0066, "0000386c6460f060606060f000000000"], // f
	[0x0067, "000000000076cccccccccc7c0ccc7800"], // g
	[0x0068, "0000e060606c7666666666e600000000"], // h
	[0x0069, "00001818003818181818183c00000000"], // i
	[0x006a, "00000606000e06060606060666663c00"], // j
	[0x006b, "0000e06060666c78786c66e600000000"], // k
	[0x006c, "00003818181818181818183c00000000"], // l
	[0x006d, "0000000000ecfed6d6d6d6c600000000"], // m
	[0x006e, "0000000000dc66666666666600000000"], // n
	[0x006f, "00000000007cc6c6c6c6c67c00000000"], // o
	[0x0070, "0000000000dc66666666667c6060f000"], // p
	[0x0071, "000000000076cccccccccc7c0c0c1e00"], // q
	[0x0072, "0000000000dc7666606060f000000000"], // r
	[0x0073, "00000000007cc660380cc67c00000000"], // s
	[0x0074, "0000103030fc30303030361c00000000"], // t
	[0x0075, "0000000000cccccccccccc7600000000"], // u
	[0x0076, "000000000066666666663c1800000000"], // v
	[0x0077, "0000000000c6c6d6d6d6fe6c00000000"], // w
	[0x0078, "0000000000c66c3838386cc600000000"], // x
	[0x0079, "0000000000c6c6c6c6c6c67e060cf800"], // y
	[0x007a, "0000000000fecc183060c6fe00000000"], // z
	[0x007b, "00000e18181870181818180e00000000"], // {
	[0x007c, "00001818181818181818181800000000"], // |
	[0x007d, "0000701818180e181818187000000000"], // }
	[0x007e, "000076dc000000000000000000000000"], // ~
	[0x2500, "00000000000000ff0000000000000000"], // ─
	[0x2502, "18181818181818181818181818181818"], // │
	[0x250c, "000000000000001f1818181818181818"], // ┌
	[0x2510, "00000000000000f81818181818181818"], // ┐
	[0x2514, "181818181818181f0000000000000000"], // └
	[0x2518, "18181818181818f80000000000000000"], // ┘
	[0x251c, "181818181818181f1818181818181818"], // ├
	[0x2524, "18181818181818f81818181818181818"], // ┤
	[0x252c, "00000000000000ff1818181818181818"], // ┬
	[0x2534, "18181818181818ff0000000000000000"], // ┴
	[0x253c, "18181818181818ff1818181818181818"], // ┼
	[0x2588, "ffffffffffffffffffffffffffffffff"], // █
	[0x2190, "00000000003060ff6030000000000000"], // ←
	[0x2191, "0000183c7e1818181818181800000000"], // ↑
	[0x2192, "00000000000c06ff060c000000000000"], // →
	[0x2193, "0000181818181818187e3c1800000000"], // ↓
];

/** Code point of each glyph, by glyph index; index 0 is the space. */
export const GLYPH_CODES: readonly number[] = GLYPHS.map(([code]) => code);

/** Rows of glyph i start at i * GLYPH_HEIGHT. */
export const GLYPH_ROWS: Uint8Array = Uint8Array.from(
	GLYPHS.flatMap(([, hex]) =>
		Array.from({ length: GLYPH_HEIGHT }, (_, y) =>
			Number.parseInt(hex.slice(y * 2, y * 2 + 2), 16),
		),
	),
);
