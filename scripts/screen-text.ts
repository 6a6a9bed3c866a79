/**
 * Reads a console screenshot's text as get_screen_text does, for people
 * debugging captures.
 *
 *   npm run screen-text -- <image.png>
 *
 * stdout: exactly get_screen_text's first text block (the screen's text,
 * one line per row). stderr: its summary line.
 * Exit 0 for a text screen; 2 for a graphical one (stdout empty, the
 * tool's notice on stderr); 1 for bad input, with what was wrong.
 */
import { readFileSync } from "node:fs";
import UPNG from "upng-js";
import type { Framebuffer } from "../src/image/framebuffer.ts";
import { readScreenText, screenTextContents } from "../src/text/index.ts";

const USAGE = "usage: npm run screen-text -- <image.png>";
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Larger than any console (8K is 33 Mpx): refuse before allocating its pixels. */
const MAX_PIXELS = 64 * 2 ** 20;

function fail(message: string): never {
	console.error(`screen-text: ${message}\n${USAGE}`);
	process.exit(1);
}

/** The PNG's first frame as opaque RGBA8 (consoles have no transparency). */
function decodePng(bytes: Uint8Array, name: string): Framebuffer {
	if (bytes.length < PNG_SIGNATURE.length || PNG_SIGNATURE.some((b, i) => bytes[i] !== b))
		fail(`${name} is not a PNG file (it does not start with the PNG signature)`);
	let image: ReturnType<typeof UPNG.decode>;
	let rgba: Uint8Array;
	try {
		image = UPNG.decode(bytes.slice().buffer);
		if (image.width < 1 || image.height < 1) fail(`${name} has no pixels`);
		if (image.width * image.height > MAX_PIXELS)
			fail(`${name} is ${image.width}x${image.height}, larger than any console screen`);
		rgba = new Uint8Array(UPNG.toRGBA8(image)[0]);
	} catch (e) {
		fail(`${name} is not a readable PNG (truncated or corrupt): ${(e as Error).message}`);
	}
	if (rgba.length !== image.width * image.height * 4)
		fail(`${name} is not a readable PNG (truncated or corrupt): too few pixels`);
	for (let i = 3; i < rgba.length; i += 4) rgba[i] = 255;
	return { width: image.width, height: image.height, rgba };
}

const args = process.argv.slice(2);
if (args.length !== 1 || args[0].startsWith("-")) fail("give exactly one PNG file");
let bytes: Uint8Array;
try {
	bytes = new Uint8Array(readFileSync(args[0]));
} catch (e) {
	fail(`cannot read ${args[0]}: ${(e as Error).message}`);
}
const text = readScreenText(decodePng(bytes, args[0]));
const [first, summary] = screenTextContents(text);
if (!text.isText) {
	console.error(first);
	process.exit(2);
}
process.stdout.write(`${first}\n`);
console.error(summary);
