import { describe, expect, it } from "vitest";
import { LimitError, ProtocolError } from "../../src/errors.ts";
import {
	checkFrameBudget,
	encodeFrameHeader,
	FRAME_HEADER_SIZE,
	parseFrameHeader,
	type VideoFrameHeader,
} from "../../src/kvm/frame-header.ts";
import { VideoFrameAssembler } from "../../src/kvm/video-assembler.ts";

const header: VideoFrameHeader = {
	width: 1024,
	height: 768,
	mode420: true,
	selector: 4,
	advanceSelector: 7,
	mapping: 1,
	compressSize: 10,
	rc4: false,
};

function fragment(
	n: number,
	body: Uint8Array,
	withHeader?: VideoFrameHeader,
	headerLength?: number,
): Uint8Array {
	const head = withHeader ? encodeFrameHeader(withHeader, 0, headerLength) : new Uint8Array(0);
	const out = new Uint8Array(2 + head.length + body.length);
	new DataView(out.buffer).setUint16(0, n, true);
	out.set(head, 2);
	out.set(body, 2 + head.length);
	return out;
}

describe("frame header", () => {
	it("reads the fields at the offsets the HTML5 viewer reads", () => {
		const bytes = new Uint8Array(FRAME_HEADER_SIZE);
		const view = new DataView(bytes.buffer);
		view.setUint16(4, 800, true);
		view.setUint16(6, 600, true);
		bytes[44] = 3; // JPEGTableSelector
		bytes[45] = 1; // JPEGYUVTableMapping
		bytes[47] = 5; // AdvanceTableSelector
		bytes[53] = 0; // RC4Enable
		bytes[55] = 1; // Mode420
		view.setUint32(69, 31648, true); // CompressSize
		expect(parseFrameHeader(bytes)).toEqual({
			width: 800,
			height: 600,
			mode420: true,
			selector: 3,
			advanceSelector: 5,
			mapping: 1,
			compressSize: 31648,
			rc4: false,
		});
	});

	it("round-trips through encodeFrameHeader", () => {
		expect(parseFrameHeader(encodeFrameHeader(header))).toEqual(header);
		expect(parseFrameHeader(encodeFrameHeader({ ...header, rc4: true, mode420: false }))).toEqual({
			...header,
			rc4: true,
			mode420: false,
		});
	});

	it("refuses impossible sizes with specific errors", () => {
		expect(() => parseFrameHeader(new Uint8Array(85))).toThrow(ProtocolError);
		expect(() => parseFrameHeader(encodeFrameHeader({ ...header, width: 0 }))).toThrow(
			"video frame header gives a 0x768 screen",
		);
		expect(() => parseFrameHeader(encodeFrameHeader({ ...header, height: 5000 }))).toThrow(
			ProtocolError,
		);
		expect(() =>
			checkFrameBudget(
				parseFrameHeader(encodeFrameHeader({ ...header, compressSize: 0xffff_ffff })),
			),
		).toThrow(LimitError);
	});
});

describe("VideoFrameAssembler", () => {
	it("joins fragments until CompressSize bytes have arrived", () => {
		const assembler = new VideoFrameAssembler();
		expect(assembler.push(fragment(0, Uint8Array.of(1, 2, 3), header))).toBeNull();
		expect(assembler.inProgress).toBe(true);
		expect(assembler.push(fragment(1, Uint8Array.of(4, 5, 6, 7)))).toBeNull();
		const frame = assembler.push(fragment(2, Uint8Array.of(8, 9, 10)));
		expect(frame?.header).toEqual(header);
		expect([...(frame?.stream ?? [])]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
		expect(assembler.inProgress).toBe(false);
	});

	it("takes a whole frame in one fragment, then the next frame's header", () => {
		const assembler = new VideoFrameAssembler();
		const small = { ...header, compressSize: 2 };
		expect([...(assembler.push(fragment(0, Uint8Array.of(9, 9), small))?.stream ?? [])]).toEqual([
			9, 9,
		]);
		expect(assembler.push(fragment(0, Uint8Array.of(7), small))).toBeNull();
		expect([...(assembler.push(fragment(1, Uint8Array.of(8)))?.stream ?? [])]).toEqual([7, 8]);
	});

	it("ignores bytes past CompressSize in a frame's last fragment", () => {
		const assembler = new VideoFrameAssembler();
		assembler.push(fragment(0, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8), header));
		const frame = assembler.push(fragment(1, Uint8Array.of(9, 10, 0xee, 0xee, 0xee)));
		expect([...(frame?.stream ?? [])]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
		expect(assembler.inProgress).toBe(false);
		// Padding in a frame's only fragment, then the next frame starts cleanly.
		const small = { ...header, compressSize: 2 };
		expect([
			...(assembler.push(fragment(0, Uint8Array.of(5, 6, 0, 0), small))?.stream ?? []),
		]).toEqual([5, 6]);
		expect(assembler.push(fragment(0, Uint8Array.of(7), small))).toBeNull();
	});

	it("starts the stream where the header-length field says", () => {
		const assembler = new VideoFrameAssembler();
		const small = { ...header, compressSize: 3 };
		// A 100-byte header: 14 bytes of fields we do not know, then the stream.
		const frame = assembler.push(fragment(0, Uint8Array.of(1, 2, 3), small, 100));
		expect(frame?.header).toEqual(small);
		expect([...(frame?.stream ?? [])]).toEqual([1, 2, 3]);
		// A length field left at 0 (or anything under 86) means the 86 bytes every viewer reads.
		const zero = fragment(0, Uint8Array.of(4, 5, 6), small);
		zero[4] = 0;
		zero[5] = 0;
		expect([...(assembler.push(zero)?.stream ?? [])]).toEqual([4, 5, 6]);
		const long = fragment(0, new Uint8Array(10), small);
		new DataView(long.buffer).setUint16(4, 4000, true);
		expect(() => assembler.push(long)).toThrow(
			"too short for the 4000-byte frame header it announces",
		);
	});

	it("completes a CompressSize 0 frame at once, as an empty 'no change' frame", () => {
		const assembler = new VideoFrameAssembler();
		// Such a header need not describe a screen.
		const empty = { ...header, width: 0, height: 0, compressSize: 0 };
		const frame = assembler.push(fragment(0, new Uint8Array(0), empty));
		expect(frame?.header.compressSize).toBe(0);
		expect(frame?.stream.length).toBe(0);
		expect(assembler.inProgress).toBe(false);
		expect(parseFrameHeader(encodeFrameHeader(empty))).toEqual(empty);
	});

	it("refuses fragments that are too short", () => {
		const assembler = new VideoFrameAssembler();
		expect(() => assembler.push(new Uint8Array(50))).toThrow(
			"too short for its 86-byte frame header",
		);
		assembler.push(fragment(0, new Uint8Array(1), header));
		expect(() => assembler.push(Uint8Array.of(1))).toThrow("has no fragment number");
	});
});
