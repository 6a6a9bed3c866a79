import type { Framebuffer } from "../../src/image/framebuffer.ts";
import type { PixelFormat } from "../../src/vnc/pixel-format.ts";
import type { RfbClient } from "../../src/vnc/rfb.ts";
import type { MiniRfbServer } from "./mini-server.ts";

export const BGR565_LE: PixelFormat = {
	bitsPerPixel: 16,
	depth: 16,
	bigEndian: false,
	trueColour: true,
	redMax: 31,
	greenMax: 63,
	blueMax: 31,
	redShift: 11,
	greenShift: 5,
	blueShift: 0,
};

export const RGB332: PixelFormat = {
	bitsPerPixel: 8,
	depth: 8,
	bigEndian: false,
	trueColour: true,
	redMax: 7,
	greenMax: 7,
	blueMax: 3,
	redShift: 0,
	greenShift: 3,
	blueShift: 6,
};

/** 32-bit big-endian with colour in the top three bytes (ZRLE's other 3-byte CPIXEL case). */
export const XBGR_BE_HIGH: PixelFormat = {
	bitsPerPixel: 32,
	depth: 24,
	bigEndian: true,
	trueColour: true,
	redMax: 255,
	greenMax: 255,
	blueMax: 255,
	redShift: 8,
	greenShift: 16,
	blueShift: 24,
};

export function rng(seed: number): () => number {
	let s = seed >>> 0;
	return () => {
		s = (s + 0x6d2b79f5) >>> 0;
		let t = s;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/**
 * A screen whose 64x48 blocks are, in turn, one colour, two colours (like
 * text), five colours and noise, in colours exactly representable in `pf`,
 * so any lossless encoding must reproduce it bit for bit. Its size is not a
 * multiple of 16 or 64, so edge tiles are partial.
 */
export function testScreen(pf: PixelFormat, seed = 1, width = 250, height = 90): Framebuffer {
	const rand = rng(seed);
	const level = (max: number) => Math.round((Math.floor(rand() * (max + 1)) * 255) / max);
	const colour = (): [number, number, number] => [
		level(pf.redMax),
		level(pf.greenMax),
		level(pf.blueMax),
	];
	const palettes = Array.from({ length: 16 }, () => Array.from({ length: 5 }, colour));
	const rgba = new Uint8Array(width * height * 4);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const bx = Math.floor(x / 64);
			const by = Math.floor(y / 48);
			const pal = palettes[(bx + by * 4) % 16];
			const kind = (bx + by * 2) % 4;
			const c =
				kind === 0
					? pal[0]
					: kind === 1
						? pal[((x >> 1) ^ (y >> 2) ^ (x * y)) % 3 === 0 ? 1 : 2]
						: kind === 2
							? pal[(x * 7 + y * 3 + ((x ^ y) & 5)) % 5]
							: colour();
			rgba.set([c[0], c[1], c[2], 255], (y * width + x) * 4);
		}
	}
	return { width, height, rgba };
}

/**
 * Runs client and server against each other until both are quiet. Server
 * bytes reach the client in pieces of `split()` bytes, to prove parsing
 * does not depend on message boundaries.
 */
export function pump(
	client: RfbClient,
	server: MiniRfbServer,
	split: () => number = () => Infinity,
): void {
	for (let round = 0; round < 10_000; round++) {
		let moved = false;
		const c = client.takeOutput();
		if (c) {
			server.receive(c);
			moved = true;
		}
		const s = server.takeOutput();
		if (s) {
			moved = true;
			for (let at = 0; at < s.length; ) {
				const n = Math.max(1, Math.min(s.length - at, split()));
				client.receive(s.slice(at, at + n));
				at += n;
			}
		}
		if (!moved) return;
	}
	throw new Error("pump: no quiet after 10000 rounds");
}

/** How many pixels differ. */
export function diffCount(a: Uint8Array, b: Uint8Array): number {
	let n = 0;
	for (let i = 0; i < a.length; i += 4) {
		if (a[i] !== b[i] || a[i + 1] !== b[i + 1] || a[i + 2] !== b[i + 2] || a[i + 3] !== b[i + 3])
			n++;
	}
	return n;
}
