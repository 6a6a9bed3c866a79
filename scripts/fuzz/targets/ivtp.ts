/**
 * KVM transport target: IvtpFramer -> VideoFrameAssembler (parseFrameHeader)
 * -> Ast2x00Decoder, as KvmClient chains them. Seeds are valid BMC-to-viewer
 * packet streams built with encodeIvtp / encodeFrameHeader: handshake and
 * status packets, unknown types, and video frames (encoder streams) cut into
 * fragments of random sizes. Mutations hit the whole byte stream and, often,
 * the IVTP size/type fields and the frame header fields (size, CompressSize,
 * selectors, RC4, Mode420); the result reaches the framer in random chunks.
 */

import { concatBytes } from "../../../src/bytes.ts";
import { Ast2x00Decoder } from "../../../src/kvm/ast2x00/decoder.ts";
import { encodeFrameHeader, FRAME_HEADER_SIZE } from "../../../src/kvm/frame-header.ts";
import {
	decodeValidatePayload,
	encodeIvtp,
	encodeValidatePayload,
	IVTP_HEADER_SIZE,
	IvtpFramer,
	IvtpType,
} from "../../../src/kvm/ivtp.ts";
import { VideoFrameAssembler } from "../../../src/kvm/video-assembler.ts";
import { type FuzzTarget, InvariantError, Rng } from "../engine.ts";
import { checkFramebuffer } from "../images.ts";
import { describeChunks, mutateBytes, putUint, splitChunks } from "../mutate.ts";
import { type AstFrame, astSeeds } from "./ast2x00.ts";

/**
 * Decoder limits here: 2 x 4 MiB of framebuffer, so that with a frame being
 * assembled (up to what the memory budget leaves for its screen, budget.ts)
 * and a packet being framed (4.4 MiB) the legitimate worst case stays under
 * the 64 MiB memory limit.
 */
const MAX_SIZE = 1024;

interface IvtpSeed {
	bytes: Uint8Array;
	/** Offsets of IVTP packet headers and of video frame headers. */
	packets: number[];
	frameHeaders: number[];
}

function buildSeed(rng: Rng, frames: readonly AstFrame[]): IvtpSeed {
	const parts: Uint8Array[] = [];
	const packets: number[] = [];
	const frameHeaders: number[] = [];
	let at = 0;
	const add = (type: number, status: number, payload?: Uint8Array) => {
		packets.push(at);
		const p = encodeIvtp(type, status, payload);
		parts.push(p);
		at += p.length;
	};
	add(IvtpType.CONNECTION_ALLOWED, 0);
	const validate = encodeValidatePayload({
		token: "0123456789abcdef",
		clientIp: "203.0.113.7",
		user: "ovh/kvm",
		mac: "00-00-00-00-00-00",
	});
	add(IvtpType.VALIDATE_VIDEO_SESSION, 0, validate);
	add(IvtpType.VALIDATED_VIDEO_SESSION, 0, Uint8Array.of(1, 0));
	add(IvtpType.POWER_STATUS, 1);
	for (const frame of frames) {
		if (rng.chance(0.3)) add(IvtpType.KEEP_ALIVE, 0);
		if (rng.chance(0.2)) add(rng.pick([99, 0, 0xffff]), rng.below(65536), rng.bytes(rng.below(40)));
		const header = encodeFrameHeader({
			...frame.header,
			compressSize: frame.stream.length,
			rc4: false,
		});
		const body = frame.stream;
		let sent = 0;
		let fragment = 0;
		while (sent < body.length || fragment === 0) {
			const n = Math.min(body.length - sent, rng.chance(0.5) ? body.length : rng.int(1, 512));
			const first = fragment === 0;
			const payload = new Uint8Array(2 + (first ? FRAME_HEADER_SIZE : 0) + n);
			putUint(payload, 0, fragment, 2, false);
			if (first) {
				payload.set(header, 2);
				frameHeaders.push(at + IVTP_HEADER_SIZE + 2);
			}
			payload.set(body.subarray(sent, sent + n), payload.length - n);
			add(IvtpType.VIDEO_PACKETS, 0, payload);
			sent += n;
			fragment++;
		}
	}
	if (rng.chance(0.3)) add(IvtpType.STOP_SESSION_IMMEDIATE, 9);
	return { bytes: concatBytes(parts), packets, frameHeaders };
}

function ivtpSeeds(): IvtpSeed[] {
	// Small encoder frames only: the captures are big, and the decoder target has them.
	const frames = astSeeds([]).filter((s) => s[0].header.width * s[0].header.height <= 64 * 48);
	const rng = new Rng(0x1717);
	const seeds: IvtpSeed[] = [];
	for (let i = 0; i < 24; i++) {
		const picked = rng.pick(frames);
		const sequence = rng.chance(0.5) ? picked : picked.slice(0, 1);
		seeds.push(buildSeed(rng, sequence));
	}
	return seeds;
}

/** Frame header fields worth aiming at: offset, size in bytes. */
const FRAME_FIELDS: [number, 1 | 2 | 4][] = [
	[4, 2],
	[6, 2],
	[44, 1],
	[45, 1],
	[47, 1],
	[53, 1],
	[55, 1],
	[69, 4],
];

export function ivtpTarget(): FuzzTarget {
	let seeds: IvtpSeed[] | null = null;
	let corpus: Uint8Array[] = [];
	return {
		name: "ivtp",
		about:
			"IvtpFramer + VideoFrameAssembler + parseFrameHeader + decoder on packet streams; fields and bytes mutated, random chunks",
		make(rng) {
			if (seeds === null) {
				seeds = ivtpSeeds();
				corpus = seeds.map((s) => s.bytes);
			}
			const seed = rng.pick(seeds);
			let bytes: Uint8Array = seed.bytes.slice();
			const aimed = rng.below(4);
			if (aimed === 0) {
				// An IVTP header's type or size.
				const at = rng.pick(seed.packets);
				if (rng.chance(0.7)) {
					const size = rng.pick([0, 1, 2, 87, 88, 89, 4_608_088, 4_608_089, 0xffffffff, rng.u32()]);
					putUint(bytes, at + 2, size, 4, false);
				} else putUint(bytes, at, rng.pick([25, 19, 0, 0xffff]), 2, false);
			} else if (aimed === 1 && seed.frameHeaders.length > 0) {
				const at = rng.pick(seed.frameHeaders);
				const [offset, size] = rng.pick(FRAME_FIELDS);
				const v = rng.pick([
					0,
					1,
					2,
					7,
					8,
					255,
					256,
					1024,
					1025,
					4096,
					4097,
					0xffff,
					33554432,
					33554433,
					rng.u32(),
				]);
				if (size === 1) bytes[at + offset] = v & 255;
				else putUint(bytes, at + offset, v, size, false);
			}
			if (aimed >= 2 || rng.chance(0.3)) bytes = mutateBytes(rng, bytes, { corpus });
			const chunks = splitChunks(rng, bytes);
			return {
				bytes,
				note: describeChunks(chunks),
				run() {
					const framer = new IvtpFramer();
					const assembler = new VideoFrameAssembler();
					const decoder = new Ast2x00Decoder({ maxWidth: MAX_SIZE, maxHeight: MAX_SIZE });
					for (const chunk of chunks) {
						for (const packet of framer.push(chunk)) {
							if (packet.type === IvtpType.VALIDATE_VIDEO_SESSION) {
								decodeValidatePayload(packet.payload);
							} else if (packet.type === IvtpType.VIDEO_PACKETS) {
								const frame = assembler.push(packet.payload);
								if (frame === null || frame.header.rc4) continue;
								if (frame.stream.length !== frame.header.compressSize) {
									throw new InvariantError(
										`assembled ${frame.stream.length} bytes for CompressSize ${frame.header.compressSize}`,
									);
								}
								const fb = decoder.decode(frame.header, frame.stream);
								checkFramebuffer(fb, frame.header.width, frame.header.height, "ivtp");
							}
						}
						if (framer.buffered > framer.maxPayload + IVTP_HEADER_SIZE) {
							throw new InvariantError(`framer holds ${framer.buffered} bytes`);
						}
					}
					return { framer, assembler, decoder };
				},
			};
		},
	};
}
