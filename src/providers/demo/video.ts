/**
 * The demo BMC's video engine: turns the machine's text screen into ASPEED
 * frames, as the mock BMC asks for them. A full-screen request gets every
 * block; each update after it carries only the blocks that changed since the
 * frame the viewer last got (the cursor blinking, or a new screen), coded
 * against it with skip codes, as a real BMC sends them.
 *
 * Encoding is the costly part, and pictures repeat (every demo link starts
 * in the same panic, the menu's countdown cycles through the same seconds),
 * so encoded frames are kept in a small cache shared by all links, keyed by
 * the pictures they encode.
 */
import type { Framebuffer } from "../../image/framebuffer.ts";
import { encodeAst2x00 } from "../../kvm/ast2x00/encoder.ts";
import type { MockFrame } from "../../kvm/mock-bmc.ts";
import { renderConsoleScreen } from "./console-screen.ts";
import type { DemoScreen } from "./machine.ts";

/** High-quality tables keep the VGA glyphs sharp; 4:4:4 as a text console is sent by real BMCs. */
const STREAM = { mode420: false, selector: 7, advanceSelector: 0, mapping: 0 } as const;

/** 80x25 VGA text mode. */
const WIDTH = 720;
const HEIGHT = 400;

/** Encoded frames kept: a full 720x400 text screen is about 20-40 KB. */
const CACHE_ENTRIES = 64;

/** What the viewer's decoder shows: a screen, with the cursor in one phase of its blink. */
interface Picture {
	screen: DemoScreen;
	cursorOn: boolean;
}

const cache = new Map<string, Uint8Array>();

export class DemoVideo {
	readonly #screen: () => DemoScreen;
	/** The last picture sent: what the next update is coded against. */
	#shown: Picture | undefined;

	constructor(screen: () => DemoScreen) {
		this.#screen = screen;
	}

	/** A MockFrameSource: the full screen with the cursor lit, or an update from what was sent last. */
	frame = ({ update }: { update: boolean }): MockFrame => {
		const screen = this.#screen();
		const previous = update ? this.#shown : undefined;
		// The cursor blinks: each update flips it, a full screen shows it lit.
		const next: Picture = { screen, cursorOn: previous ? !previous.cursorOn : true };
		this.#shown = next;
		const stream = cached(previous ? `${keyOf(previous)}>${keyOf(next)}` : keyOf(next), () =>
			encodeAst2x00(draw(next), { ...STREAM, previous: previous && draw(previous) }),
		);
		return { header: { width: WIDTH, height: HEIGHT, ...STREAM }, stream };
	};
}

function keyOf(picture: Picture): string {
	return `${picture.screen.cursor && picture.cursorOn ? 1 : 0}${picture.screen.key}`;
}

function draw(picture: Picture): Framebuffer {
	return renderConsoleScreen(picture.screen.lines, {
		width: WIDTH,
		height: HEIGHT,
		cursor: picture.screen.cursor && picture.cursorOn,
	});
}

function cached(key: string, encode: () => Uint8Array): Uint8Array {
	const hit = cache.get(key);
	if (hit !== undefined) {
		// Most recently used last: Map keeps insertion order.
		cache.delete(key);
		cache.set(key, hit);
		return hit;
	}
	const stream = encode();
	cache.set(key, stream);
	if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
	return stream;
}
