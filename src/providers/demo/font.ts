/**
 * 8x16 glyphs for printable ASCII, the classic IBM VGA look, taken from the
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
/** Code of the first glyph; the glyphs run contiguously to U+007E. */
export const FIRST_GLYPH = 0x20;
export const LAST_GLYPH = 0x7e;

/** One glyph per entry: 16 rows top to bottom, one byte each, bit 7 the leftmost pixel. */
const GLYPH_ROWS_HEX = [
	"00000000000000000000000000000000", // space
	"0000183c3c3c18181800181800000000", // !
	"00666666240000000000000000000000", // "
	"0000006c6cfe6c6c6cfe6c6c00000000", // #
	"18187cc6c2c07c060686c67c18180000", // $
	"00000000c2c60c183060c68600000000", // %
	"0000386c6c3876dccccccc7600000000", // &
	"00303030200000000000000000000000", // '
	"00000c18303030303030180c00000000", // (
	"000030180c0c0c0c0c0c183000000000", // )
	"0000000000663cff3c66000000000000", // *
	"000000000018187e1818000000000000", // +
	"00000000000000000018181830000000", // ,
	"00000000000000fe0000000000000000", // -
	"00000000000000000000181800000000", // .
	"0000000002060c183060c08000000000", // /
	"0000386cc6c6d6d6c6c66c3800000000", // 0
	"00001838781818181818187e00000000", // 1
	"00007cc6060c183060c0c6fe00000000", // 2
	"00007cc606063c060606c67c00000000", // 3
	"00000c1c3c6cccfe0c0c0c1e00000000", // 4
	"0000fec0c0c0fc060606c67c00000000", // 5
	"00003860c0c0fcc6c6c6c67c00000000", // 6
	"0000fec606060c183030303000000000", // 7
	"00007cc6c6c67cc6c6c6c67c00000000", // 8
	"00007cc6c6c67e0606060c7800000000", // 9
	"00000000181800000018180000000000", // :
	"00000000181800000018183000000000", // ;
	"000000060c18306030180c0600000000", // <
	"00000000007e00007e00000000000000", // =
	"0000006030180c060c18306000000000", // >
	"00007cc6c60c18181800181800000000", // ?
	"0000007cc6c6dedededcc07c00000000", // @
	"000010386cc6c6fec6c6c6c600000000", // A
	"0000fc6666667c66666666fc00000000", // B
	"00003c66c2c0c0c0c0c2663c00000000", // C
	"0000f86c6666666666666cf800000000", // D
	"0000fe6662687868606266fe00000000", // E
	"0000fe6662687868606060f000000000", // F
	"00003c66c2c0c0dec6c6663a00000000", // G
	"0000c6c6c6c6fec6c6c6c6c600000000", // H
	"00003c18181818181818183c00000000", // I
	"00001e0c0c0c0c0ccccccc7800000000", // J
	"0000e666666c78786c6666e600000000", // K
	"0000f06060606060606266fe00000000", // L
	"0000c6eefefed6c6c6c6c6c600000000", // M
	"0000c6e6f6fedecec6c6c6c600000000", // N
	"00007cc6c6c6c6c6c6c6c67c00000000", // O
	"0000fc6666667c60606060f000000000", // P
	"00007cc6c6c6c6c6c6d6de7c0c0e0000", // Q
	"0000fc6666667c6c666666e600000000", // R
	"00007cc6c660380c06c6c67c00000000", // S
	"00007e7e5a1818181818183c00000000", // T
	"0000c6c6c6c6c6c6c6c6c67c00000000", // U
	"0000c6c6c6c6c6c6c66c381000000000", // V
	"0000c6c6c6c6d6d6d6feee6c00000000", // W
	"0000c6c66c7c38387c6cc6c600000000", // X
	"0000666666663c181818183c00000000", // Y
	"0000fec6860c183060c2c6fe00000000", // Z
	"00003c30303030303030303c00000000", // [
	"00000080c0e070381c0e060200000000", // \
	"00003c0c0c0c0c0c0c0c0c3c00000000", // ]
	"10386cc6000000000000000000000000", // ^
	"00000000000000000000000000ff0000", // _
	"30301800000000000000000000000000", // `
	"0000000000780c7ccccccc7600000000", // a
	"0000e06060786c666666667c00000000", // b
	"00000000007cc6c0c0c0c67c00000000", // c
	"00001c0c0c3c6ccccccccc7600000000", // d
	"00000000007cc6fec0c0c67c00000000", // e
	"0000386c6460f060606060f000000000", // f
	"000000000076cccccccccc7c0ccc7800", // g
	"0000e060606c7666666666e600000000", // h
	"00001818003818181818183c00000000", // i
	"00000606000e06060606060666663c00", // j
	"0000e06060666c78786c66e600000000", // k
	"00003818181818181818183c00000000", // l
	"0000000000ecfed6d6d6d6c600000000", // m
	"0000000000dc66666666666600000000", // n
	"00000000007cc6c6c6c6c67c00000000", // o
	"0000000000dc66666666667c6060f000", // p
	"000000000076cccccccccc7c0c0c1e00", // q
	"0000000000dc7666606060f000000000", // r
	"00000000007cc660380cc67c00000000", // s
	"0000103030fc30303030361c00000000", // t
	"0000000000cccccccccccc7600000000", // u
	"000000000066666666663c1800000000", // v
	"0000000000c6c6d6d6d6fe6c00000000", // w
	"0000000000c66c3838386cc600000000", // x
	"0000000000c6c6c6c6c6c67e060cf800", // y
	"0000000000fecc183060c6fe00000000", // z
	"00000e18181870181818180e00000000", // {
	"00001818181818181818181800000000", // |
	"0000701818180e181818187000000000", // }
	"000076dc000000000000000000000000", // ~
].join("");

/** Glyph rows of character code c start at (c - FIRST_GLYPH) * GLYPH_HEIGHT. */
export const GLYPH_ROWS: Uint8Array = Uint8Array.from(
	{ length: GLYPH_ROWS_HEX.length / 2 },
	(_, i) => Number.parseInt(GLYPH_ROWS_HEX.slice(i * 2, i * 2 + 2), 16),
);
