/**
 * Byte-level mutators shared by the targets. Each draw comes from the Rng, so
 * a case is a pure function of its seed. The set follows what finds parser
 * bugs in practice: bit flips, "interesting" values at 8/16/32 bits in both
 * byte orders (sizes, counts, sign boundaries), small arithmetic, aligned
 * 32-bit word edits (the ASPEED stream is LE words), truncation, extension,
 * deletion, duplication, repetition (floods), and splicing with another seed.
 */

import { concatBytes } from "../../src/bytes.ts";
import type { Rng } from "./engine.ts";

const INTERESTING_8 = [0, 1, 2, 0x0f, 0x10, 0x3f, 0x40, 0x7f, 0x80, 0x81, 0xfe, 0xff];
const INTERESTING_16 = [0, 1, 0xff, 0x100, 0x7fff, 0x8000, 0xfffe, 0xffff, 0x1000, 0x0800, 4097];
const INTERESTING_32 = [
	0, 1, 0xff, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 0x01000000,
	0x00400000, 0x90000000, 0xf0000000,
];

export interface MutateOptions {
	/** Other inputs to splice from. */
	corpus?: readonly Uint8Array[];
	/** Mutations applied: 1..maxOps, small counts most likely (default 6). */
	maxOps?: number;
	/** Upper bound on the result's length (default 1 MiB). */
	maxLength?: number;
}

export function mutateBytes(rng: Rng, input: Uint8Array, opts: MutateOptions = {}): Uint8Array {
	let b: Uint8Array = input.slice();
	const maxOps = opts.maxOps ?? 6;
	const maxLength = opts.maxLength ?? 1 << 20;
	let ops = 1;
	while (ops < maxOps && rng.chance(0.45)) ops++;
	for (let n = 0; n < ops; n++) {
		b = mutateOnce(rng, b, opts.corpus);
		if (b.length > maxLength) b = b.subarray(0, maxLength).slice();
	}
	return b;
}

/** A position biased toward the start (headers live there) half the time. */
function position(rng: Rng, length: number): number {
	if (length <= 1) return 0;
	return rng.chance(0.5) ? rng.below(Math.min(length, 64)) : rng.below(length);
}

function mutateOnce(rng: Rng, b: Uint8Array, corpus?: readonly Uint8Array[]): Uint8Array {
	if (b.length === 0) return rng.bytes(rng.int(1, 16));
	switch (rng.below(17)) {
		case 0:
		case 1: {
			const at = position(rng, b.length);
			b[at] ^= 1 << rng.below(8);
			return b;
		}
		case 2: {
			b[position(rng, b.length)] = rng.chance(0.5) ? rng.pick(INTERESTING_8) : rng.u32() & 255;
			return b;
		}
		case 3: {
			const at = position(rng, b.length);
			b[at] = (b[at] + rng.int(-16, 16)) & 255;
			return b;
		}
		case 4: {
			if (b.length < 2) return b;
			const at = position(rng, b.length - 1);
			const v = rng.chance(0.7) ? rng.pick(INTERESTING_16) : rng.u32() & 0xffff;
			putUint(b, at, v, 2, rng.chance(0.5));
			return b;
		}
		case 5: {
			if (b.length < 4) return b;
			const at = position(rng, b.length - 3);
			const v = rng.chance(0.7) ? rng.pick(INTERESTING_32) : rng.u32();
			putUint(b, at, v, 4, rng.chance(0.5));
			return b;
		}
		case 6: {
			// Aligned LE word: replace, flip a bit, add, or swap with another word.
			const words = b.length >> 2;
			if (words === 0) return b;
			const at = rng.below(words) * 4;
			const old = getUint(b, at, 4, false);
			const kind = rng.below(4);
			const v =
				kind === 0
					? rng.pick(INTERESTING_32)
					: kind === 1
						? (old ^ (1 << rng.below(32))) >>> 0
						: kind === 2
							? (old + rng.int(-8, 8)) >>> 0
							: getUint(b, rng.below(words) * 4, 4, false);
			putUint(b, at, v, 4, false);
			return b;
		}
		case 7:
		case 8: {
			// Truncate: near the end, or anywhere.
			const keep = rng.chance(0.5)
				? b.length - rng.int(1, Math.min(b.length, 16))
				: rng.below(b.length);
			return b.slice(0, keep);
		}
		case 9: {
			// Extend with random bytes, zeros or 0xff.
			const n = rng.int(1, 64);
			const tail = rng.pick([rng.bytes(n), new Uint8Array(n), new Uint8Array(n).fill(255)]);
			return concatBytes([b, tail]);
		}
		case 10: {
			const at = rng.below(b.length);
			const n = rng.int(1, Math.min(b.length - at, 64));
			return concatBytes([b.subarray(0, at), b.subarray(at + n)]);
		}
		case 11: {
			// Duplicate a range in place (repeats a message or a block).
			const at = rng.below(b.length);
			const n = rng.int(1, Math.min(b.length - at, 256));
			const piece = b.subarray(at, at + n);
			return concatBytes([b.subarray(0, at + n), piece, b.subarray(at + n)]);
		}
		case 12: {
			// Insert random bytes.
			const at = rng.below(b.length + 1);
			return concatBytes([b.subarray(0, at), rng.bytes(rng.int(1, 16)), b.subarray(at)]);
		}
		case 16: {
			// Repeat a short range many times: floods of one message or rectangle.
			const at = rng.below(b.length);
			const piece = b.slice(at, at + rng.int(1, 32));
			const parts = [b.subarray(0, at)];
			for (let i = rng.int(2, 512); i > 0; i--) parts.push(piece);
			parts.push(b.subarray(at));
			return concatBytes(parts);
		}
		case 13:
		case 14: {
			// Splice: this input's head, another's tail.
			const other = corpus && corpus.length > 0 ? rng.pick(corpus) : b;
			if (other.length === 0) return b;
			const cut = rng.below(b.length + 1);
			const from = rng.below(other.length);
			return concatBytes([b.subarray(0, cut), other.subarray(from, from + rng.int(1, 4096))]);
		}
		default: {
			// Overwrite a range with a copy of another range of this input.
			const n = rng.int(1, Math.min(b.length, 32));
			const src = rng.below(b.length - n + 1);
			const dst = rng.below(b.length - n + 1);
			b.copyWithin(dst, src, src + n);
			return b;
		}
	}
}

export function putUint(
	b: Uint8Array,
	at: number,
	v: number,
	size: 2 | 4,
	bigEndian: boolean,
): void {
	for (let i = 0; i < size; i++) {
		const shift = 8 * (bigEndian ? size - 1 - i : i);
		b[at + i] = (v >>> shift) & 255;
	}
}

export function getUint(b: Uint8Array, at: number, size: 2 | 4, bigEndian: boolean): number {
	let v = 0;
	for (let i = 0; i < size; i++) {
		const shift = 8 * (bigEndian ? size - 1 - i : i);
		v += b[at + i] * 2 ** shift;
	}
	return v;
}

/**
 * Cuts `b` into chunks as a network would: whole, one byte at a time (short
 * inputs only), at a few random points, or in fixed-size pieces.
 */
export function splitChunks(rng: Rng, b: Uint8Array): Uint8Array[] {
	const mode = rng.below(4);
	if (mode === 0 || b.length === 0) return [b];
	if (mode === 1 && b.length <= 2048) return Array.from(b, (v) => Uint8Array.of(v));
	if (mode === 3) {
		const size = rng.int(1, 64) * rng.pick([1, 1, 4, 16]);
		const out: Uint8Array[] = [];
		for (let at = 0; at < b.length; at += size) out.push(b.subarray(at, at + size));
		return out;
	}
	const cuts = new Set<number>();
	const n = rng.int(1, 16);
	for (let i = 0; i < n; i++) cuts.add(rng.int(1, Math.max(1, b.length - 1)));
	const points = [0, ...[...cuts].sort((x, y) => x - y), b.length];
	const out: Uint8Array[] = [];
	for (let i = 1; i < points.length; i++) out.push(b.subarray(points[i - 1], points[i]));
	return out;
}

/** A short description of chunk sizes for failure notes. */
export function describeChunks(chunks: readonly Uint8Array[]): string {
	const sizes = chunks.map((c) => c.length);
	return sizes.length <= 20
		? `chunks [${sizes.join(", ")}]`
		: `${sizes.length} chunks [${sizes.slice(0, 20).join(", ")}, ...]`;
}
