/**
 * A screen's text as it is shown to agents and people: the get_screen_text
 * tool's text blocks and `npm run screen-text` print the same strings.
 */
import type { ScreenText } from "./screen.ts";

export const GRAPHICAL_NOTICE =
	"This screen is graphical (a desktop, splash image or picture), not a text console, so it has no text to read. Call get_screenshot to see it.";

/**
 * The blocks' contents: on a text screen exactly its text (one line per
 * row, blank rows included), then a one-line summary; on a graphical
 * screen one notice saying so.
 */
export function screenTextContents(text: ScreenText): string[] {
	if (!text.isText) return [GRAPHICAL_NOTICE];
	return [text.lines.join("\n"), textSummary(text)];
}

/** Grid, font, cursor and uncertain cells in one line. */
export function textSummary(text: ScreenText): string {
	const cursor = text.cursor
		? `cursor at row ${text.cursor.row}, column ${text.cursor.col}`
		: "no cursor seen";
	const doubt = text.uncertain.length;
	return (
		`${text.columns}x${text.rows} text screen in font ${text.font}; ${cursor}; ` +
		`${doubt} uncertain cell${doubt === 1 ? "" : "s"}${doubt > 0 ? " (read as their best guess; ? where no glyph matched)" : ""}.`
	);
}
