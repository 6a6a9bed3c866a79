import { Z_BUF_ERROR, Z_OK, Z_SYNC_FLUSH, ZStream, zlibInflate, zlibInflateInit } from "pako";
import { ProtocolError } from "../errors.ts";

/**
 * One zlib stream that lives as long as the connection: ZRLE and Tight send
 * each rectangle as the next sync-flushed piece of it, and later pieces refer
 * back to earlier ones. pako's low-level API inflates synchronously into a
 * buffer we size, so output is bounded before anything is allocated.
 */
export class InflateStream {
	#strm = new ZStream();
	#out = new Uint8Array(0);
	readonly #name: string;

	constructor(name: string) {
		this.#name = name;
		zlibInflateInit(this.#strm);
	}

	/** Starts over, as if newly created (Tight's reset bits). */
	reset(): void {
		this.#strm = new ZStream();
		zlibInflateInit(this.#strm);
	}

	/**
	 * Streaming use, for output of any size in a buffer of fixed size: give
	 * the stream a piece of compressed input (`write`, any split is fine),
	 * then `read` until it returns 0 with no input left (`pending`). The
	 * input array must stay unchanged until then.
	 */
	write(input: Uint8Array): void {
		const s = this.#strm;
		s.input = input;
		s.next_in = 0;
		s.avail_in = input.length;
	}

	/** Whether input given to `write` is still unread. */
	get pending(): boolean {
		return this.#strm.avail_in > 0;
	}

	/** Inflates what it can into out[from..]; returns the bytes written (0 once out is full or input used up). */
	read(out: Uint8Array, from: number, what: string): number {
		const s = this.#strm;
		if (from >= out.length) return 0;
		s.output = out as Uint8Array<ArrayBuffer>;
		s.next_out = from;
		s.avail_out = out.length - from;
		this.#check(zlibInflate(s, Z_SYNC_FLUSH), what);
		if (s.avail_in === 0) s.input = EMPTY;
		return s.next_out - from;
	}

	/**
	 * Inflates `input`, one whole sync-flushed piece, and returns a view of the
	 * output (valid until the next call). More than `max` bytes of output is a
	 * ProtocolError naming `what`; the buffer grows only as output arrives.
	 */
	inflate(input: Uint8Array, max: number, what: string): Uint8Array {
		this.write(input);
		const s = this.#strm;
		let produced = 0;
		for (;;) {
			if (produced === this.#out.length) {
				// One byte of room past `max` tells "exactly max" from "more".
				if (produced > max) {
					throw new ProtocolError(
						`${this.#name}: zlib data for ${what} inflates to more than ${max} bytes`,
					);
				}
				const grown = new Uint8Array(Math.min(max + 1, Math.max(65536, produced * 2)));
				grown.set(this.#out.subarray(0, produced));
				this.#out = grown;
			}
			s.output = this.#out as Uint8Array<ArrayBuffer>;
			s.next_out = produced;
			s.avail_out = this.#out.length - produced;
			this.#check(zlibInflate(s, Z_SYNC_FLUSH), what);
			produced = s.next_out;
			// Done once all input is used and inflate stopped for want of input, not of room.
			if (s.avail_in === 0 && s.avail_out > 0) break;
		}
		s.input = EMPTY;
		return this.#out.subarray(0, produced);
	}

	/** Z_OK, or Z_BUF_ERROR (no room or no input left: not an error when streaming); else corrupt data. */
	#check(status: number, what: string): void {
		if (status !== Z_OK && status !== Z_BUF_ERROR) {
			const why = this.#strm.msg || `status ${status}`;
			throw new ProtocolError(`${this.#name}: zlib data for ${what} is corrupt (${why})`);
		}
	}
}

const EMPTY = new Uint8Array(0);
