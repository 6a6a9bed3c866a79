import { ProtocolError } from "../../errors.ts";
import type { ByteQueue } from "../byte-queue.ts";
import type { DecodeTarget, Rect, RectDecoder } from "./index.ts";

/** CopyRect (1): the rectangle's pixels come from elsewhere on the screen. */
export class CopyRectDecoder implements RectDecoder {
	decode(r: Rect, input: ByteQueue, t: DecodeTarget): boolean {
		if (input.length < 4) return false;
		const sx = input.u16(0);
		const sy = input.u16(2);
		input.skip(4);
		const { width, height } = t.fb;
		if (sx + r.width > width || sy + r.height > height) {
			throw new ProtocolError(
				`CopyRect source ${r.width}x${r.height} at ${sx},${sy} is outside the ${width}x${height} screen`,
			);
		}
		// Rows in the order that never reads a row already overwritten.
		const down = sy >= r.y;
		for (let i = 0; i < r.height; i++) {
			const row = down ? i : r.height - 1 - i;
			const from = (sy + row) * width + sx;
			t.pixels.copyWithin((r.y + row) * width + r.x, from, from + r.width);
		}
		return true;
	}
}
