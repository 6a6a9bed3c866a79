import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { concatBytes } from "../../src/bytes.ts";
import { LimitError } from "../../src/errors.ts";
import {
	DEFAULT_MAX_PACKET_PAYLOAD,
	decodeValidatePayload,
	encodeIvtp,
	encodeValidatePayload,
	IVTP_HEADER_SIZE,
	IvtpFramer,
	type IvtpPacket,
	IvtpType,
	VALIDATE_PAYLOAD_SIZE,
} from "../../src/kvm/ivtp.ts";

const packetArb = fc.record({
	type: fc.integer({ min: 0, max: 0xffff }),
	status: fc.integer({ min: 0, max: 0xffff }),
	payload: fc.uint8Array({ maxLength: 300 }),
});

/** Cuts `bytes` at the given offsets (taken modulo its length, deduplicated). */
function cut(bytes: Uint8Array, points: number[]): Uint8Array[] {
	const at = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
	const chunks: Uint8Array[] = [];
	let from = 0;
	for (const p of [...at, bytes.length]) {
		chunks.push(bytes.slice(from, p));
		from = p;
	}
	return chunks;
}

function plain(packets: IvtpPacket[]) {
	return packets.map((p) => ({ type: p.type, status: p.status, payload: [...p.payload] }));
}

describe("IVTP header", () => {
	it("is type u16, size u32, status u16, little-endian", () => {
		const bytes = encodeIvtp(IvtpType.VALIDATE_VIDEO_SESSION, 1, new Uint8Array(373));
		expect([...bytes.subarray(0, IVTP_HEADER_SIZE)]).toEqual([0x12, 0, 0x75, 0x01, 0, 0, 1, 0]);
		expect(bytes.length).toBe(8 + 373);
	});
});

describe("IvtpFramer", () => {
	it("splits one message holding several packets", () => {
		const packets = [
			encodeIvtp(IvtpType.CONNECTION_COMPLETE, 1),
			encodeIvtp(IvtpType.VALIDATE_VIDEO_SESSION, 1, new Uint8Array([1, 2, 3])),
			encodeIvtp(IvtpType.RESUME_REDIRECTION),
		];
		const got = new IvtpFramer().push(concatBytes(packets));
		expect(plain(got)).toEqual([
			{ type: 58, status: 1, payload: [] },
			{ type: 18, status: 1, payload: [1, 2, 3] },
			{ type: 6, status: 0, payload: [] },
		]);
	});

	it("joins one packet dripped a byte per message", () => {
		const framer = new IvtpFramer();
		const bytes = encodeIvtp(
			IvtpType.VIDEO_PACKETS,
			7,
			Uint8Array.from({ length: 100 }, (_, i) => i),
		);
		const got: IvtpPacket[] = [];
		for (let i = 0; i < bytes.length; i++) {
			got.push(...framer.push(bytes.subarray(i, i + 1)));
			if (i < bytes.length - 1) expect(framer.buffered).toBe(i + 1);
		}
		expect(plain(got)).toEqual([{ type: 25, status: 7, payload: [...bytes.subarray(8)] }]);
		expect(framer.buffered).toBe(0);
	});

	it("yields the same packets however the stream is cut (both directions of split)", () => {
		fc.assert(
			fc.property(
				fc.array(packetArb, { maxLength: 12 }),
				fc.array(fc.nat(), { maxLength: 40 }),
				(packets, points) => {
					const stream = concatBytes(packets.map((p) => encodeIvtp(p.type, p.status, p.payload)));
					const framer = new IvtpFramer();
					const got: ReturnType<typeof plain> = [];
					for (const chunk of cut(stream, points)) got.push(...plain(framer.push(chunk)));
					expect(got).toEqual(plain(packets));
					expect(framer.buffered).toBe(0);
				},
			),
			{ numRuns: 300 },
		);
	});

	it("refuses a packet larger than its cap before allocating it", () => {
		const framer = new IvtpFramer(1000);
		const header = encodeIvtp(IvtpType.VIDEO_PACKETS, 0, new Uint8Array(1001)).subarray(0, 8);
		expect(() => framer.push(header)).toThrow(LimitError);
		expect(() => new IvtpFramer().push(Uint8Array.of(25, 0, 0xff, 0xff, 0xff, 0xff, 0, 0))).toThrow(
			`IVTP packet of 4294967295 bytes exceeds the ${DEFAULT_MAX_PACKET_PAYLOAD}-byte cap`,
		);
		// The cap also holds when the header arrives in pieces.
		const split = new IvtpFramer(1000);
		split.push(header.subarray(0, 3));
		expect(() => split.push(header.subarray(3))).toThrow(LimitError);
	});
});

describe("VALIDATE_VIDEO_SESSION payload", () => {
	it("puts each field at its fixed offset, NUL-padded", () => {
		const payload = encodeValidatePayload({
			token: "tok",
			clientIp: "203.0.113.7",
			user: "domain/username",
			mac: "00-00-00-00-00-00",
		});
		expect(payload.length).toBe(VALIDATE_PAYLOAD_SIZE);
		expect(payload[0]).toBe(0);
		const text = (from: number, n: number) =>
			new TextDecoder().decode(payload.subarray(from, from + n));
		expect(text(1, 3)).toBe("tok");
		expect(payload[4]).toBe(0);
		expect(text(130, 11)).toBe("203.0.113.7");
		expect(text(195, 15)).toBe("domain/username");
		expect(text(324, 17)).toBe("00-00-00-00-00-00");
		expect(decodeValidatePayload(payload)).toEqual({
			token: "tok",
			clientIp: "203.0.113.7",
			user: "domain/username",
			mac: "00-00-00-00-00-00",
		});
	});

	it("refuses a token that does not fit its 129-byte field with its NUL", () => {
		const fields = { token: "x".repeat(128), clientIp: "", user: "", mac: "" };
		expect(decodeValidatePayload(encodeValidatePayload(fields)).token).toBe(fields.token);
		expect(() => encodeValidatePayload({ ...fields, token: "x".repeat(129) })).toThrow(LimitError);
	});
});
