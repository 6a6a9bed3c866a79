/**
 * Screen text: reads a console's characters from its pixels by matching
 * known bitmap fonts on the cell grid, and says when a screen changed.
 * Pure: framebuffers in, text out; knows nothing of providers.
 *
 *   const cache = newTextCache();            // one per console, kept between reads
 *   const text = readScreenText(fb, cache);  // ScreenText, with screenHash
 *
 * A graphical screen gives isText false and no lines, never invented text.
 */
export { GRAPHICAL_NOTICE, screenTextContents, textSummary } from "./format.ts";
export type { Grid, ScreenText, TextCache, UncertainCell } from "./screen.ts";
export { newTextCache, readScreenText } from "./screen.ts";
export { HOLD_MS, ScreenWatcher, type WatchStep } from "./watch.ts";
