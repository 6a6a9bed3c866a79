/**
 * One of our font tables as an X bitmap font (BDF), so a real X server and
 * xterm can draw text in it: the glyph bits are ours, the layout, colours
 * and drawing are xterm's and Xvnc's. Named in Unicode (iso10646-1), so a
 * UTF-8 xterm draws box drawing and blocks from it too.
 */
import type { FontTable } from "../../src/text/fonts/font-table.ts";

export function xlfdName(font: FontTable): string {
	return `-ikvm-${font.id}-medium-r-normal--${font.height}-${font.height * 10}-75-75-c-${font.width * 10}-iso10646-1`;
}

export function toBdf(font: FontTable): string {
	const bytes = Uint8Array.from(atob(font.rows), (c) => c.charCodeAt(0));
	const rowBytes = Math.ceil(font.width / 8);
	const size = rowBytes * font.height;
	const descent = font.height / 4;
	const chars = [...font.chars];
	const out = [
		"STARTFONT 2.1",
		`FONT ${xlfdName(font)}`,
		`SIZE ${font.height} 75 75`,
		`FONTBOUNDINGBOX ${font.width} ${font.height} 0 ${-descent}`,
		"STARTPROPERTIES 6",
		`FONT_ASCENT ${font.height - descent}`,
		`FONT_DESCENT ${descent}`,
		'SPACING "C"',
		'CHARSET_REGISTRY "ISO10646"',
		'CHARSET_ENCODING "1"',
		"DEFAULT_CHAR 32",
		"ENDPROPERTIES",
		`CHARS ${chars.length}`,
	];
	chars.forEach((ch, g) => {
		const code = ch.codePointAt(0) as number;
		out.push(
			`STARTCHAR U+${code.toString(16).padStart(4, "0")}`,
			`ENCODING ${code}`,
			`SWIDTH ${Math.round((font.width * 1000) / font.height)} 0`,
			`DWIDTH ${font.width} 0`,
			`BBX ${font.width} ${font.height} 0 ${-descent}`,
			"BITMAP",
		);
		for (let y = 0; y < font.height; y++) {
			const row = bytes.subarray(g * size + y * rowBytes, g * size + (y + 1) * rowBytes);
			out.push(Array.from(row, (b) => b.toString(16).padStart(2, "0")).join(""));
		}
		out.push("ENDCHAR");
	});
	out.push("ENDFONT", "");
	return out.join("\n");
}
