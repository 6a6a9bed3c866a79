/** A console font as generated into tables.ts: compact, decoded once on first use. */
export interface FontTable {
	/** Short name reported as ScreenText.font. */
	id: string;
	/** The file it was converted from and its terms. */
	source: string;
	width: number;
	height: number;
	/** The characters it has, in the order of its glyphs. */
	chars: string;
	/**
	 * Base64 of every glyph's rows, top to bottom, ceil(width / 8) bytes per
	 * row, most significant bit the leftmost pixel.
	 */
	rows: string;
}
