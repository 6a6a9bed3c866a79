/**
 * AST2x00 decoder target. Seeds: the real AST2500 captures (when given) and
 * encoder output at several sizes, subsamplings, table selectors and image
 * kinds, including update frames coded against a previous frame. Each case
 * decodes a short sequence of frames on one decoder (the framebuffer persists
 * across frames) after mutating stream bytes (bit flips, interesting values,
 * aligned LE words, truncation, splicing) and, often, header fields (sizes
 * including zero, huge and non-integers, selectors and mapping out of range,
 * Mode420 flipped).
 */

import { Ast2x00Decoder, type Ast2x00FrameHeader } from "../../../src/kvm/ast2x00/decoder.ts";
import { encodeAst2x00 } from "../../../src/kvm/ast2x00/encoder.ts";
import type { FuzzTarget, Rng } from "../engine.ts";
import { checkFramebuffer, type ImageKind, testImage } from "../images.ts";
import { mutateBytes } from "../mutate.ts";

export interface AstFrame {
	header: Ast2x00FrameHeader;
	stream: Uint8Array;
}

/** Decoder limits for fuzzing: the worst legitimate allocation is 2 x 16 MiB (RGBA + kept YCbCr). */
export const FUZZ_MAX_SIZE = 2048;

/** A real capture: stream plus the header fields it was taken with. */
export interface Capture extends AstFrame {
	name: string;
}

/** Valid frame sequences (each decodes without error from a fresh decoder). */
export function astSeeds(captures: readonly Capture[]): AstFrame[][] {
	const seeds: AstFrame[][] = captures.map((c) => [{ header: c.header, stream: c.stream }]);
	const sizes: [number, number][] = [
		[1, 1],
		[7, 9],
		[8, 8],
		[16, 16],
		[17, 33],
		[40, 24],
		[64, 48],
		[100, 37],
		[161, 120],
	];
	const kinds: ImageKind[] = ["flat", "text", "gradient", "noise"];
	let n = 0;
	for (const [width, height] of sizes) {
		for (const mode420 of [false, true]) {
			const kind = kinds[n % kinds.length];
			const mapping = n % 3 === 2 ? 1 : 0;
			const selector = (n * 5) % (mapping === 1 ? 8 : 12);
			const advanceSelector = n % 8;
			const header = { width, height, mode420, selector, advanceSelector, mapping };
			const first = testImage(width, height, kind, 1000 + n);
			const stream = encodeAst2x00(first, { mode420, selector, advanceSelector, mapping });
			const frames = [{ header, stream }];
			// An update frame: a changed area coded with positioned blocks against the first.
			const second = testImage(width, height, kinds[(n + 1) % kinds.length], 2000 + n);
			const rgba = first.rgba.slice();
			const x0 = Math.floor(width / 3);
			const y0 = Math.floor(height / 2);
			for (let y = y0; y < height; y++) {
				const at = (y * width + x0) * 4;
				rgba.set(second.rgba.subarray(at, (y * width + width) * 4), at);
			}
			const update = { width, height, rgba };
			frames.push({
				header,
				stream: encodeAst2x00(update, {
					mode420,
					selector,
					advanceSelector,
					mapping,
					previous: first,
				}),
			});
			seeds.push(frames);
			n++;
		}
	}
	return seeds;
}

const DIMENSIONS = [0, 1, 2, 7, 8, 9, 15, 16, 17, 255, 256, 2047, 2048, 2049, 4096, 65535, -1, 1.5];

function mutateHeader(rng: Rng, h: Ast2x00FrameHeader): Ast2x00FrameHeader {
	const out = { ...h };
	const fields = rng.int(1, 3);
	for (let i = 0; i < fields; i++) {
		switch (rng.below(6)) {
			case 0:
				out.width = rng.chance(0.5)
					? rng.pick(DIMENSIONS)
					: Math.max(1, h.width + rng.int(-17, 17));
				break;
			case 1:
				out.height = rng.chance(0.5)
					? rng.pick(DIMENSIONS)
					: Math.max(1, h.height + rng.int(-17, 17));
				break;
			case 2:
				out.mode420 = !h.mode420;
				break;
			case 3:
				out.selector = rng.pick([-1, 0, 7, 8, 11, 12, 255, 1.5, rng.below(12)]);
				break;
			case 4:
				out.advanceSelector = rng.pick([-1, 0, 7, 8, 255, rng.below(8)]);
				break;
			default:
				out.mapping = rng.pick([0, 1, 2, -1, 255]);
		}
	}
	return out;
}

export function ast2x00Target(captures: readonly Capture[]): FuzzTarget {
	let seeds: AstFrame[][] | null = null;
	let streams: Uint8Array[] = [];
	return {
		name: "ast2x00",
		about:
			"Ast2x00Decoder.decode on captures + encoder frames; stream bytes/words and header fields mutated",
		make(rng) {
			if (seeds === null) {
				seeds = astSeeds(captures);
				streams = seeds.flatMap((s) => s.map((f) => f.stream));
			}
			const frames = rng.pick(seeds).map((f) => ({ ...f }));
			// Sometimes a frame of another seed follows (a size or mode change mid-stream).
			if (rng.chance(0.15)) frames.push({ ...rng.pick(rng.pick(seeds)) });
			const target = rng.below(frames.length);
			const f = frames[target];
			if (rng.chance(0.85)) {
				f.stream = mutateBytes(rng, f.stream, {
					corpus: streams,
					maxLength: f.stream.length * 2 + 1024,
				});
			}
			if (rng.chance(0.3)) f.header = mutateHeader(rng, f.header);
			return {
				bytes: f.stream,
				note: `frames: ${frames
					.map(
						(x, i) => `${i === target ? "*" : ""}${JSON.stringify(x.header)} ${x.stream.length} B`,
					)
					.join(" then ")} (* = mutated, dumped)`,
				run() {
					const decoder = new Ast2x00Decoder({
						maxWidth: FUZZ_MAX_SIZE,
						maxHeight: FUZZ_MAX_SIZE,
					});
					for (const frame of frames) {
						const fb = decoder.decode(frame.header, frame.stream);
						checkFramebuffer(fb, frame.header.width, frame.header.height, "ast2x00");
					}
					return decoder;
				},
			};
		},
	};
}
