/**
 * Joins VIDEO_PACKETS fragments into frames. Each payload starts with a u16
 * fragment number; the first fragment of a frame then carries the frame
 * header (as long as its header-length field says, at least 86 bytes), and
 * compressed stream bytes follow until CompressSize of them have arrived.
 * Like the HTML5 viewer we tell "first fragment" by a frame not being in
 * progress, not by the fragment number, whose numbering is not documented.
 *
 * Lenient where working viewers are: bytes past CompressSize in a frame's
 * last fragment are padding and ignored, and CompressSize 0 completes at once
 * as an empty frame ("nothing changed").
 */

import { ProtocolError } from "../errors.ts";
import {
	checkFrameBudget,
	FRAME_HEADER_SIZE,
	headerLength,
	parseFrameHeader,
	type VideoFrameHeader,
} from "./frame-header.ts";

const FRAGMENT_NUMBER_SIZE = 2;
/**
 * The buffer grows with the bytes that really arrive, up to CompressSize, so
 * a header that claims many MiB costs memory only if they follow; a
 * CompressSize the memory budget cannot hold is refused with the header.
 */
const INITIAL_BUFFER = 256 * 1024;

export interface VideoFrame {
	header: VideoFrameHeader;
	/** The compressed stream, exactly `header.compressSize` bytes (none: nothing changed). */
	stream: Uint8Array;
}

export class VideoFrameAssembler {
	/** Refuses a header (MAX_FRAME_SIZE, the decoder's own limits) before its bytes are held. */
	readonly #check: (header: VideoFrameHeader) => void;
	#header: VideoFrameHeader | null = null;
	#stream = new Uint8Array(0);
	#fill = 0;

	constructor(check: (header: VideoFrameHeader) => void = () => {}) {
		this.#check = check;
	}

	get inProgress(): boolean {
		return this.#header !== null;
	}

	/** Feeds one VIDEO_PACKETS payload; returns the frame it completes, if any. */
	push(payload: Uint8Array): VideoFrame | null {
		let data: Uint8Array;
		if (this.#header === null) {
			if (payload.length < FRAGMENT_NUMBER_SIZE + FRAME_HEADER_SIZE) {
				throw new ProtocolError(
					`first video fragment is ${payload.length} bytes, too short for its ${FRAME_HEADER_SIZE}-byte frame header`,
				);
			}
			const headerEnd = FRAGMENT_NUMBER_SIZE + headerLength(payload.subarray(FRAGMENT_NUMBER_SIZE));
			if (payload.length < headerEnd) {
				throw new ProtocolError(
					`first video fragment is ${payload.length} bytes, too short for the ${headerEnd - FRAGMENT_NUMBER_SIZE}-byte frame header it announces`,
				);
			}
			const header = parseFrameHeader(payload.subarray(FRAGMENT_NUMBER_SIZE, headerEnd));
			if (header.compressSize !== 0) this.#check(header);
			checkFrameBudget(header);
			this.#header = header;
			this.#stream = new Uint8Array(Math.min(this.#header.compressSize, INITIAL_BUFFER));
			this.#fill = 0;
			data = payload.subarray(headerEnd);
		} else {
			if (payload.length < FRAGMENT_NUMBER_SIZE) {
				throw new ProtocolError(`video fragment of ${payload.length} bytes has no fragment number`);
			}
			data = payload.subarray(FRAGMENT_NUMBER_SIZE);
		}
		const size = this.#header.compressSize;
		// Bytes past CompressSize are padding; working clients stop counting there.
		if (this.#fill + data.length > size) data = data.subarray(0, size - this.#fill);
		const fill = this.#fill + data.length;
		if (fill > this.#stream.length) {
			const grown = new Uint8Array(Math.min(size, Math.max(fill, this.#stream.length * 2)));
			grown.set(this.#stream.subarray(0, this.#fill));
			this.#stream = grown;
		}
		this.#stream.set(data, this.#fill);
		this.#fill = fill;
		if (fill < size) return null;
		const frame = { header: this.#header, stream: this.#stream };
		this.#header = null;
		this.#stream = new Uint8Array(0);
		return frame;
	}
}
