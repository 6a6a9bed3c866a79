/**
 * Text a remote server chose (a VNC failure reason of up to 64 KiB, a
 * WebSocket close reason, an OVH message, a redirect's host) reaches the model
 * inside our error messages, which makes it a prompt-injection surface. It is
 * shown short, on one line, without control or direction-changing
 * characters, and quoted as what that server said, so it cannot pass for
 * ikvm-mcp's own words.
 */

/** Characters of server text shown; the rest is cut. */
export const SERVER_TEXT_MAX_CHARS = 200;

// Controls (C0, C1, DEL) end up as spaces, so "a\nb" stays two words.
const CONTROLS = /\p{Cc}/gu;
// Dropped: format characters, that is bidi embeddings, overrides, isolates
// and marks (they reorder what a reader sees), zero-width ones, the BOM and
// the tag characters that can spell out hidden instructions; private-use and
// lone surrogate code points; variation selectors.
const HIDDEN = /[\p{Cf}\p{Co}\p{Cs}\p{Variation_Selector}]/gu;

/** `the VNC server said: "…"`: `text` cleaned, capped and quoted. */
export function quoteServerText(who: string, text: string): string {
	return `${who} said: ${serverTextLiteral(text)}`;
}

/** `"…"`: `text` cleaned, capped and quoted, for where the speaker is already named. */
export function serverTextLiteral(text: string, maxChars = SERVER_TEXT_MAX_CHARS): string {
	// Only the head can be shown, so only the head is scanned (a character is at most 2 code units).
	const chars = Array.from(
		text
			.slice(0, maxChars * 4)
			.replace(CONTROLS, " ")
			.replace(HIDDEN, "")
			.replace(/\s+/gu, " ")
			.trim(),
	);
	const total = Array.from(text).length;
	const shown = chars
		.slice(0, maxChars)
		.join("")
		.replace(/[\\"]/g, (c) => `\\${c}`);
	const cut = chars.length > maxChars || text.length > maxChars * 4;
	return cut ? `"${shown}…" (cut at ${maxChars} of ${total} characters)` : `"${shown}"`;
}
