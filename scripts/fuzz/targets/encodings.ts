/**
 * One target per RFB encoding decoder, called as RfbClient calls it: the same
 * rectangle until decode() returns true, the bytes arriving in random chunks,
 * consecutive rectangles on one decoder instance (zlib streams persist).
 * Seeds: valid rectangles from the mini server (Hextile, ZRLE, Tight in each
 * mode) in several pixel formats, or generated (Raw, CopyRect). Mutations:
 * the body bytes, and sometimes the rectangles' geometry (kept inside the
 * screen, as RfbClient guarantees) or the pixel format (another valid one).
 */

import { concatBytes } from "../../../src/bytes.ts";
import { ByteQueue } from "../../../src/vnc/byte-queue.ts";
import type { DecodeTarget, Rect } from "../../../src/vnc/encodings/index.ts";
import { pixelReaders } from "../../../src/vnc/pixel-format.ts";
import { Encoding, newDecoder } from "../../../src/vnc/rfb.ts";
import { type FuzzTarget, Rng } from "../engine.ts";
import { checkFramebuffer } from "../images.ts";
import { describeChunks, mutateBytes, putUint, splitChunks } from "../mutate.ts";
import { encodingSeeds, FORMATS, type RectSeed } from "./vnc-seeds.ts";

const W = 70;
const H = 40;

function generatedSeeds(encoding: number): RectSeed[] {
	const rng = new Rng(0x5eed + encoding);
	return FORMATS.map((format) => {
		const rects: Rect[] = [];
		const bodies: Uint8Array[] = [];
		for (let i = 0; i < 3; i++) {
			const width = rng.int(0, 30);
			const height = rng.int(0, 20);
			const rect = { x: rng.int(0, W - width), y: rng.int(0, H - height), width, height };
			rects.push(rect);
			if (encoding === Encoding.raw) {
				bodies.push(rng.bytes(width * height * (format.bitsPerPixel >> 3)));
			} else {
				const body = new Uint8Array(4);
				putUint(body, 0, rng.int(0, W - width), 2, true);
				putUint(body, 2, rng.int(0, H - height), 2, true);
				bodies.push(body);
			}
		}
		const bytes = concatBytes(bodies);
		return {
			label: `generated ${format.bitsPerPixel}bpp`,
			format,
			screen: { width: W, height: H },
			rects,
			bytes,
		};
	});
}

function mutateRect(rng: Rng, r: Rect, screen: { width: number; height: number }): Rect {
	const width = rng.pick([
		0,
		1,
		15,
		16,
		17,
		63,
		64,
		65,
		r.width + 1,
		r.width - 1,
		screen.width,
		rng.int(0, screen.width),
	]);
	const w = Math.max(0, Math.min(width, screen.width));
	const height = rng.pick([
		0,
		1,
		15,
		16,
		17,
		r.height + 1,
		r.height - 1,
		screen.height,
		rng.int(0, screen.height),
	]);
	const h = Math.max(0, Math.min(height, screen.height));
	return {
		x: rng.chance(0.5) ? Math.min(r.x, screen.width - w) : rng.int(0, screen.width - w),
		y: rng.chance(0.5) ? Math.min(r.y, screen.height - h) : rng.int(0, screen.height - h),
		width: w,
		height: h,
	};
}

export function encodingTarget(name: string, encoding: number): FuzzTarget {
	let seeds: RectSeed[] | null = null;
	let corpus: Uint8Array[] = [];
	return {
		name,
		about: `${name} decoder on valid rectangles; bytes, geometry and pixel format mutated, random chunks`,
		make(rng) {
			if (seeds === null) {
				seeds =
					encoding === Encoding.raw || encoding === Encoding.copyRect
						? generatedSeeds(encoding)
						: encodingSeeds(encoding);
				corpus = seeds.map((s) => s.bytes);
			}
			const seed = rng.pick(seeds);
			const bytes = rng.chance(0.9) ? mutateBytes(rng, seed.bytes, { corpus }) : seed.bytes;
			// A bigger screen sometimes, so geometry mutations reach other sizes.
			const screen = rng.chance(0.2)
				? { width: rng.int(seed.screen.width, 300), height: rng.int(seed.screen.height, 200) }
				: seed.screen;
			const rects = seed.rects.map((r) => (rng.chance(0.15) ? mutateRect(rng, r, screen) : r));
			const format = rng.chance(0.1) ? rng.pick(FORMATS) : seed.format;
			const chunks = splitChunks(rng, bytes);
			return {
				bytes,
				note: `seed "${seed.label}", screen ${screen.width}x${screen.height}, rects ${JSON.stringify(rects)}, format ${JSON.stringify(format)}, ${describeChunks(chunks)}`,
				run() {
					const rgba = new Uint8Array(screen.width * screen.height * 4);
					const pixels = new Uint32Array(rgba.buffer);
					pixels.fill(0xff000000);
					const target: DecodeTarget = {
						fb: { width: screen.width, height: screen.height, rgba },
						pixels,
						px: pixelReaders(format),
					};
					const decoder = newDecoder(encoding);
					const input = new ByteQueue();
					let next = 0;
					for (const chunk of chunks) {
						input.push(chunk);
						while (next < rects.length && decoder.decode(rects[next], input, target)) next++;
					}
					checkFramebuffer(target.fb, screen.width, screen.height, name);
					return { decoder, target };
				},
			};
		},
	};
}

export function encodingTargets(): FuzzTarget[] {
	return [
		encodingTarget("enc-raw", Encoding.raw),
		encodingTarget("enc-copyrect", Encoding.copyRect),
		encodingTarget("enc-hextile", Encoding.hextile),
		encodingTarget("enc-zrle", Encoding.zrle),
		encodingTarget("enc-tight", Encoding.tight),
	];
}
