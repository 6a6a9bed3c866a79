/**
 * The 86-byte video frame header that opens every frame in VIDEO_PACKETS.
 *
 * It is the ASPEED video engine's mode and compression state, serialised
 * little-endian and packed (no padding). Field offsets, from the HTML5
 * viewer's reader and the JViewer VideoHeader notes:
 *
 *   0 u16 engine version      2 u16 header length     4 u16 source width
 *   6 u16 source height      13 u16 dest width       15 u16 dest height
 *  26 u32 frame number       42 u8 compression mode  43 u8 JPEG scale factor
 *  44 u8 JPEG table selector 45 u8 JPEG YUV table mapping
 *  47 u8 advance table selector                      49 u32 number of MBs
 *  53 u8 RC4 enable          54 u8 RC4 reset         55 u8 Mode420
 *  65 u32 source frame size  69 u32 CompressSize     81 u8 input signal
 *
 * The HTML5 viewer sizes its canvas from the source mode, so width/height come
 * from there. Where the stream starts is the header-length field's business
 * (`headerLength`): a firmware with a longer header puts its extra fields
 * before the stream, and one that leaves the field short or zero gets the
 * 86 bytes every viewer reads.
 *
 * CompressSize 0 is a frame that changes nothing; its mode fields are not
 * needed, so they are not checked.
 */

import { ProtocolError } from "../errors.ts";
import { checkScreenBudget, checkTransit } from "../image/budget.ts";
import { type Ast2x00FrameHeader, decoderStatePerPixel } from "./ast2x00/decoder.ts";

export const FRAME_HEADER_SIZE = 86;

/**
 * Where the stream starts after a header beginning at `bytes`: its own
 * header-length field, never less than the 86 bytes every field we read needs.
 * `bytes` must hold at least the first 4 header bytes.
 */
export function headerLength(bytes: Uint8Array): number {
	const declared = bytes[2] | (bytes[3] << 8);
	return Math.max(declared, FRAME_HEADER_SIZE);
}

/** AST2500 tops out at 1920x1200; anything past this is corrupt, not a screen. */
export const MAX_FRAME_DIMENSION = 4096;

/** What a frame header says: what the decoder needs, and how the stream travels. */
export interface VideoFrameHeader extends Ast2x00FrameHeader {
	/** Bytes of compressed stream that follow the header across fragments. */
	compressSize: number;
	/** The stream is RC4-encrypted (an AMI option this project does not support). */
	rc4: boolean;
}

export function parseFrameHeader(bytes: Uint8Array): VideoFrameHeader {
	if (bytes.length < FRAME_HEADER_SIZE) {
		throw new ProtocolError(
			`video frame header is ${bytes.length} bytes, expected ${FRAME_HEADER_SIZE}`,
		);
	}
	const view = new DataView(bytes.buffer, bytes.byteOffset, FRAME_HEADER_SIZE);
	const width = view.getUint16(4, true);
	const height = view.getUint16(6, true);
	const compressSize = view.getUint32(69, true);
	const outOfRange = (n: number) => n === 0 || n > MAX_FRAME_DIMENSION;
	if (compressSize !== 0 && (outOfRange(width) || outOfRange(height))) {
		throw new ProtocolError(
			`video frame header gives a ${width}x${height} screen; expected 1..${MAX_FRAME_DIMENSION} each way`,
		);
	}
	return {
		width,
		height,
		mode420: bytes[55] !== 0,
		selector: bytes[44],
		advanceSelector: bytes[47],
		mapping: bytes[45],
		compressSize,
		rc4: bytes[53] !== 0,
	};
}

/**
 * A header carrying what this project reads (source and destination mode both
 * the screen size); fields we do not interpret stay zero. `length` goes in the
 * header-length field; past 86 the extra bytes are zero. For the mock BMC and tests.
 */
export function encodeFrameHeader(
	header: VideoFrameHeader,
	frameNumber = 0,
	length = FRAME_HEADER_SIZE,
): Uint8Array {
	const out = new Uint8Array(Math.max(length, FRAME_HEADER_SIZE));
	const view = new DataView(out.buffer);
	view.setUint16(0, 1, true); // engine version
	view.setUint16(2, length, true);
	view.setUint16(4, header.width, true);
	view.setUint16(6, header.height, true);
	view.setUint16(13, header.width, true);
	view.setUint16(15, header.height, true);
	view.setUint32(26, frameNumber, true);
	view.setUint16(30, header.width, true); // HSize
	view.setUint16(32, header.height, true); // VSize
	out[44] = header.selector;
	out[45] = header.mapping;
	out[47] = header.advanceSelector;
	out[53] = header.rc4 ? 1 : 0;
	out[55] = header.mode420 ? 1 : 0;
	view.setUint32(69, header.compressSize, true);
	out[81] = 1; // input signal present
	return out;
}

/**
 * Throws LimitError unless the frame's screen and its compressed bytes, which
 * are held whole until it decodes, fit the memory budget. Run after the
 * decoder's own limits (MAX_FRAME_SIZE), which name the setting to change.
 */
export function checkFrameBudget(header: VideoFrameHeader): void {
	if (header.compressSize === 0) return;
	const { width, height } = header;
	const state = decoderStatePerPixel(header.mode420);
	checkScreenBudget(width, height, "BMC video mode", state);
	checkTransit(header.compressSize, width, height, "BMC video frame's compressed data", state);
}
