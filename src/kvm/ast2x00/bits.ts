import { ProtocolError } from "../../errors.ts";
import type { HuffmanSpec } from "./tables.ts";

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * MSB-first reader over the engine's little-endian 32-bit words. `window`
 * always holds the next 32 bits; consuming past the end of the data throws,
 * so a truncated stream can never be decoded from padding.
 */
export class BitReader {
	/** The next 32 bits, first bit in bit 31. */
	window = 0;
	/** Bits consumed so far. */
	pos = 0;
	/** Bits of real data. */
	end = 0;
	/** The stream as words, plus two zero words of slack; read with bitsAt(). */
	words = new Uint32Array(0);

	reset(stream: Uint8Array): void {
		const count = (stream.length + 3) >> 2;
		// Two zero words of slack so the window can look past the last word.
		if (this.words.length < count + 2) this.words = new Uint32Array(count + 2);
		const words = this.words;
		if (LITTLE_ENDIAN) {
			words.fill(0, count > 0 ? count - 1 : 0, count + 2);
			new Uint8Array(words.buffer, 0, stream.length).set(stream);
		} else {
			words.fill(0, 0, count + 2);
			for (let i = 0; i < stream.length; i++) words[i >> 2] |= stream[i] << ((i & 3) * 8);
		}
		this.pos = 0;
		this.end = stream.length * 8;
		this.window = words[0];
	}

	/** Consumes n (0..32) bits. */
	skip(n: number): void {
		this.seek(this.pos + n);
	}

	/** Moves to bit p (not before the current position: callers consume forwards). */
	seek(p: number): void {
		if (p > this.end) throw truncated();
		this.pos = p;
		this.window = bitsAt(this.words, p) >>> 0;
	}

	/**
	 * The Huffman code at the head of the window, without consuming it:
	 * (code length << 8) | symbol.
	 */
	code(t: HuffmanTable): number {
		return huffmanCode(t, this.window);
	}
}

/** The error for consuming past the end of the data. */
export function truncated(): ProtocolError {
	return new ProtocolError("ASPEED stream truncated: ran out of data mid-block");
}

/**
 * The 32 bits of `words` from bit `pos` on, first bit in bit 31, as an int32.
 * For hot loops that keep the position in a local (words needs one word of slack).
 */
export function bitsAt(words: Uint32Array, pos: number): number {
	const s = pos & 31;
	const i = pos >>> 5;
	// Two shifts for the second word: a shift by 32 would be a shift by 0.
	return (words[i] << s) | ((words[i + 1] >>> 1) >>> (31 - s));
}

/** The Huffman code at the head of `window`: (code length << 8) | symbol. */
export function huffmanCode(t: HuffmanTable, window: number): number {
	const e = t.fast[window >>> (32 - FAST_BITS)];
	if (e !== 0) return e;
	const top = window >>> 16;
	for (let len = FAST_BITS + 1; len <= 16; len++) {
		const code = top >>> (16 - len);
		if (code <= t.maxCode[len]) return (len << 8) | t.symbols[t.offset[len] + code];
	}
	throw new ProtocolError("ASPEED stream: invalid Huffman code");
}

/** Width of the one-lookup tables (wider ones measured no faster). */
export const FAST_BITS = 9;

/** A canonical Huffman decoding table: one lookup for codes up to 9 bits, a scan beyond. */
export interface HuffmanTable {
	/** Indexed by the next 9 bits: (length << 8) | symbol, 0 when the code is longer. */
	fast: Uint16Array;
	/**
	 * AC shortcut, indexed by the next 9 bits when code and value bits fit in
	 * them: (value << 8) | (zero run << 4) | bits used; 0 otherwise.
	 */
	fastValue: Int32Array;
	/** Largest code of each length, -1 when none. */
	maxCode: Int32Array;
	/** symbols[offset[len] + code] is the symbol of a code of length len. */
	offset: Int32Array;
	symbols: Uint8Array;
	/** Encoder side: code and length of each symbol (length 0 = unused). */
	codeOf: Uint16Array;
	lengthOf: Uint8Array;
}

export function huffmanTable(spec: HuffmanSpec): HuffmanTable {
	const t: HuffmanTable = {
		fast: new Uint16Array(1 << FAST_BITS),
		fastValue: new Int32Array(1 << FAST_BITS),
		maxCode: new Int32Array(17).fill(-1),
		offset: new Int32Array(17),
		symbols: Uint8Array.from(spec.symbols),
		codeOf: new Uint16Array(256),
		lengthOf: new Uint8Array(256),
	};
	let code = 0;
	let k = 0;
	for (let len = 1; len <= 16; len++) {
		const n = spec.counts[len - 1];
		t.offset[len] = k - code;
		for (let j = 0; j < n; j++, k++, code++) {
			const sym = spec.symbols[k];
			t.codeOf[sym] = code;
			t.lengthOf[sym] = len;
			if (len <= FAST_BITS) {
				const first = code << (FAST_BITS - len);
				t.fast.fill((len << 8) | sym, first, first + (1 << (FAST_BITS - len)));
			}
		}
		if (n > 0) t.maxCode[len] = code - 1;
		code <<= 1;
	}
	for (let i = 0; i < 1 << FAST_BITS; i++) {
		const e = t.fast[i];
		const len = e >> 8;
		const size = e & 15;
		if (e === 0 || size === 0 || len + size > FAST_BITS) continue;
		const raw = (i >> (FAST_BITS - len - size)) & ((1 << size) - 1);
		const value = raw < 1 << (size - 1) ? raw - (1 << size) + 1 : raw;
		t.fastValue[i] = (value << 8) | (e & 0xf0) | (len + size);
	}
	return t;
}
