/**
 * Bytes received but not yet parsed. Parsers peek at offsets from the head
 * and take whole messages once they are complete, so a message split across
 * any number of WebSocket frames parses the same as one that arrived whole.
 */
export class ByteQueue {
	#buf = new Uint8Array(4096);
	#start = 0;
	#end = 0;

	get length(): number {
		return this.#end - this.#start;
	}

	push(chunk: Uint8Array): void {
		const held = this.#end - this.#start;
		if (this.#end + chunk.length > this.#buf.length) {
			// Move what is held to the front, into a bigger buffer if it still won't fit.
			if (held + chunk.length > this.#buf.length) {
				const grown = new Uint8Array(Math.max(held + chunk.length, this.#buf.length * 2));
				grown.set(this.#buf.subarray(this.#start, this.#end));
				this.#buf = grown;
			} else {
				this.#buf.copyWithin(0, this.#start, this.#end);
			}
			this.#start = 0;
			this.#end = held;
		}
		this.#buf.set(chunk, this.#end);
		this.#end += chunk.length;
	}

	u8(at: number): number {
		return this.#buf[this.#start + at];
	}

	u16(at: number): number {
		const i = this.#start + at;
		return (this.#buf[i] << 8) | this.#buf[i + 1];
	}

	u32(at: number): number {
		const i = this.#start + at;
		return (
			((this.#buf[i] << 24) |
				(this.#buf[i + 1] << 16) |
				(this.#buf[i + 2] << 8) |
				this.#buf[i + 3]) >>>
			0
		);
	}

	s32(at: number): number {
		return this.u32(at) | 0;
	}

	/** A view of the next `n` bytes without consuming them; valid until the next push. */
	peek(n: number, at = 0): Uint8Array {
		return this.#buf.subarray(this.#start + at, this.#start + at + n);
	}

	/** Consumes `n` bytes and returns a view of them, valid until the next push. */
	take(n: number): Uint8Array {
		const v = this.#buf.subarray(this.#start, this.#start + n);
		this.skip(n);
		return v;
	}

	skip(n: number): void {
		this.#start += n;
		if (this.#start === this.#end) this.#start = this.#end = 0;
	}
}
