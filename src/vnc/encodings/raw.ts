import type { ByteQueue } from "../byte-queue.ts";
import type { DecodeTarget, Rect, RectDecoder } from "./index.ts";

/** Raw (0): rows of pixels. Drawn a row at a time so a big rectangle need not be buffered whole. */
export class RawDecoder implements RectDecoder {
	#row = 0;

	decode(r: Rect, input: ByteQueue, t: DecodeTarget): boolean {
		const { size, read } = t.px.pixel;
		const rowBytes = r.width * size;
		const stride = t.fb.width;
		while (this.#row < r.height) {
			if (input.length < rowBytes) return false;
			const src = input.take(rowBytes);
			let at = (r.y + this.#row) * stride + r.x;
			for (let o = 0; o < rowBytes; o += size) t.pixels[at++] = read(src, o);
			this.#row++;
		}
		this.#row = 0;
		return true;
	}
}
