/**
 * IVTP, the packet protocol of the AMI MegaRAC KVM ("adviser") service, as the
 * HTML5 viewer speaks it over the BMC's `/kvm` WebSocket.
 *
 * Every packet is an 8-byte little-endian header {type u16, size u32, status u16}
 * followed by `size` payload bytes. WebSocket message boundaries mean nothing:
 * one message may hold several packets and one packet may span many messages,
 * so all reading goes through `IvtpFramer`.
 *
 * Type numbers and payload layouts were learned from public descriptions of
 * AMI's viewers (the HTML5 viewer's videosocket.js, the JViewer notes in
 * BadCoder1337/rd450x-console docs/kvm-protocol.md, xd-ventures/ovh-ikvm-mcp).
 */

import { LimitError, ProtocolError } from "../errors.ts";

export const IVTP_HEADER_SIZE = 8;

/** Packet types this project sends or acts on (others are skipped by type). */
export const IvtpType = {
	/** Client → server: one USB HID report in an IUSB header (see hid.ts). */
	HID_PACKET: 1,
	PAUSE_REDIRECTION: 4,
	RESUME_REDIRECTION: 6,
	/** Server → client: the session was ended by the BMC; status is the reason. */
	STOP_SESSION_IMMEDIATE: 8,
	/** Server → client: host video is blank (no signal, or powered off). */
	PAINT_BLANK_SCREEN: 9,
	GET_FULL_SCREEN: 11,
	/**
	 * Server → client: the BMC wants keyboard and mouse reports encrypted
	 * (AMIKVM treats both types alike: JViewer's KMCrypt, Blowfish keyed by the KVM token).
	 */
	ENCRYPTION_STATUS: 14,
	INITIAL_ENCRYPTION_STATUS: 15,
	VALIDATE_VIDEO_SESSION: 18,
	/**
	 * Server → client: payload[0] is a `ValidationResult`; payload[1] our
	 * session index: 0 when we hold control, above 0 when another viewer does.
	 */
	VALIDATED_VIDEO_SESSION: 19,
	/** Both ways: an empty request; the answer's payload[0] holds the host's keyboard LEDs (`KeyboardLed`). */
	KEYBOARD_LEDS: 20,
	/** Server → client: status 0 = too many KVM sessions, 1 = this client already has one. */
	MAX_SESSION_CLOSE: 22,
	/** Server → client: first packet on a new connection. */
	CONNECTION_ALLOWED: 23,
	VIDEO_PACKETS: 25,
	/**
	 * Server → client: control changes between viewers; status low byte is a
	 * `KvmPrivilege`, high byte a `KvmRequest` (as SET_NEXT_MASTER's replies).
	 */
	KVM_SHARING: 32,
	/** Both ways: an empty request; the answer carries the power state in status. */
	POWER_STATUS: 34,
	/** Client → server: status is a `PowerControl` action. */
	POWER_CONTROL: 35,
	/** Server → client: status 0 = the power request was accepted (not that it is done). */
	POWER_CONTROL_RESPONSE: 36,
	/** Client → server: empty, from a viewer that wants control; answered as KVM_SHARING is. */
	SET_NEXT_MASTER: 50,
	KEEP_ALIVE: 57,
	/** Client → server, status 1, before validating (some firmware rejects without it). */
	CONNECTION_COMPLETE: 58,
} as const;

/** VALIDATED_VIDEO_SESSION payload[0], as the HTML5 viewer interprets it. */
export const ValidationResult = {
	INVALID_SESSION: 0,
	VALID: 1,
	KVM_DISABLED: 2,
	INVALID_SESSION_INFO: 3,
} as const;

/** POWER_STATUS header status from the server. */
export const PowerStatus = { OFF: 0, ON: 1 } as const;

/** POWER_CONTROL status: the action asked of the host. */
export const PowerControl = {
	OFF: 0,
	ON: 1,
	CYCLE: 2,
	HARD_RESET: 3,
	NMI: 4,
	SOFT_OFF: 5,
} as const;

/** KEYBOARD_LEDS payload[0] bits. */
export const KeyboardLed = { NUM_LOCK: 1, CAPS_LOCK: 2, SCROLL_LOCK: 4 } as const;

/**
 * KVM_SHARING / SET_NEXT_MASTER status, low byte (the HTML5 viewer's
 * STATUS_KVM_PRIV_*): where control stands.
 */
export const KvmPrivilege = {
	REQUEST_CANCELLED: 0,
	/** Another viewer asks us, the master, for control. */
	REQUEST_MASTER: 1,
	/** We asked; the master has been asked and we wait. */
	WAIT_SLAVE: 2,
	REQUEST_TIMEOUT_TO_MASTER: 3,
	/** The master answered our request (high byte says how). */
	RESPONSE_TO_SLAVE: 4,
	/** Control moved to us. */
	SWITCH_MASTER: 6,
} as const;

/** KVM_SHARING / SET_NEXT_MASTER status, high byte (KVM_REQ_*): the answer to a request. */
export const KvmRequest = {
	ALLOWED: 0,
	DENIED: 1,
	PARTIAL: 2,
	TIMEOUT: 3,
	MASTER_TERMINATED: 9,
} as const;

/** STOP_SESSION_IMMEDIATE status → why, worded for a person (from the HTML5 viewer's messages). */
export const STOP_REASONS: Readonly<Record<number, string>> = {
	2: "the KVM service restarted",
	5: "the KVM configuration changed",
	7: "the web session logged out",
	8: "the KVM license expired",
	9: "the KVM session timed out",
	10: "the KVM session was terminated by another user",
	11: "the BMC web server restarted",
};

/**
 * One JViewer fragment is at most 4,608,000 bytes (MAX_FRAGMENT_SIZE); a video
 * packet adds its 2-byte fragment number and, first, the 86-byte frame header.
 */
export const DEFAULT_MAX_PACKET_PAYLOAD = 4_608_000 + 2 + 86;

export interface IvtpPacket {
	type: number;
	status: number;
	/** May alias the chunk that was pushed; copy it to keep it past that chunk's life. */
	payload: Uint8Array;
}

/** One packet's bytes: header then payload. */
export function encodeIvtp(type: number, status = 0, payload?: Uint8Array): Uint8Array {
	const size = payload?.length ?? 0;
	const out = new Uint8Array(IVTP_HEADER_SIZE + size);
	const view = new DataView(out.buffer);
	view.setUint16(0, type, true);
	view.setUint32(2, size, true);
	view.setUint16(6, status, true);
	if (payload) out.set(payload, IVTP_HEADER_SIZE);
	return out;
}

/**
 * Reassembles IVTP packets from arbitrary chunks. Packets wholly inside a
 * chunk are returned as views into it (no copy); a packet that spans chunks is
 * copied once into a buffer of its exact size, allocated only after its size
 * passed the cap. Dripping one byte per chunk therefore costs O(n), not O(n²).
 */
export class IvtpFramer {
	readonly maxPayload: number;
	#head = new Uint8Array(IVTP_HEADER_SIZE);
	#headFill = 0;
	#type = 0;
	#status = 0;
	#body: Uint8Array | null = null;
	#bodyFill = 0;

	constructor(maxPayload = DEFAULT_MAX_PACKET_PAYLOAD) {
		this.maxPayload = maxPayload;
	}

	/** Bytes held of a packet not yet complete. */
	get buffered(): number {
		return this.#body === null ? this.#headFill : IVTP_HEADER_SIZE + this.#bodyFill;
	}

	/** Feeds a chunk; returns the packets it completed, in order. */
	push(chunk: Uint8Array): IvtpPacket[] {
		const packets: IvtpPacket[] = [];
		let at = 0;
		while (at < chunk.length) {
			if (this.#body === null) {
				if (this.#headFill === 0 && chunk.length - at >= IVTP_HEADER_SIZE) {
					// Fast path: header (and maybe the whole packet) inside this chunk.
					const view = new DataView(chunk.buffer, chunk.byteOffset + at, IVTP_HEADER_SIZE);
					const size = this.#checkSize(view.getUint32(2, true));
					const type = view.getUint16(0, true);
					const status = view.getUint16(6, true);
					at += IVTP_HEADER_SIZE;
					if (chunk.length - at >= size) {
						packets.push({ type, status, payload: chunk.subarray(at, at + size) });
						at += size;
					} else {
						this.#begin(type, status, size);
					}
					continue;
				}
				const take = Math.min(IVTP_HEADER_SIZE - this.#headFill, chunk.length - at);
				this.#head.set(chunk.subarray(at, at + take), this.#headFill);
				this.#headFill += take;
				at += take;
				if (this.#headFill < IVTP_HEADER_SIZE) break;
				const view = new DataView(this.#head.buffer);
				const size = this.#checkSize(view.getUint32(2, true));
				this.#headFill = 0;
				this.#begin(view.getUint16(0, true), view.getUint16(6, true), size);
			}
			const body = this.#body as Uint8Array;
			const take = Math.min(body.length - this.#bodyFill, chunk.length - at);
			body.set(chunk.subarray(at, at + take), this.#bodyFill);
			this.#bodyFill += take;
			at += take;
			if (this.#bodyFill === body.length) {
				packets.push({ type: this.#type, status: this.#status, payload: body });
				this.#body = null;
				this.#bodyFill = 0;
			}
		}
		// A zero-size packet whose header ended exactly at the chunk's end.
		if (this.#body !== null && this.#body.length === 0) {
			packets.push({ type: this.#type, status: this.#status, payload: this.#body });
			this.#body = null;
		}
		return packets;
	}

	#checkSize(size: number): number {
		if (size > this.maxPayload) {
			throw new LimitError(
				`IVTP packet of ${size} bytes exceeds the ${this.maxPayload}-byte cap: the stream is corrupt or not IVTP`,
			);
		}
		return size;
	}

	#begin(type: number, status: number, size: number): void {
		this.#type = type;
		this.#status = status;
		this.#body = new Uint8Array(size);
		this.#bodyFill = 0;
	}
}

/** VALIDATE_VIDEO_SESSION payload: 373 bytes of NUL-padded fixed-width fields. */
export const VALIDATE_PAYLOAD_SIZE = 373;

export interface ValidateFields {
	/** The single-use token from `/api/kvm/token`. */
	token: string;
	/** Our address as the BMC saw it (`client_ip` from `/api/kvm/token`). */
	clientIp: string;
	/** What the BMC lists as the KVM user; the HTML5 viewer sends "domain/username". */
	user: string;
	/** The HTML5 viewer sends "00-00-00-00-00-00". */
	mac: string;
}

// Offsets and widths: u8 token kind (0 = web session token), then C strings
// of 129 (token), 65 (IP), 129 (user), 49 (MAC) bytes, each NUL-terminated.
const FIELDS = [
	["token", 1, 129],
	["clientIp", 130, 65],
	["user", 195, 129],
	["mac", 324, 49],
] as const;

export function encodeValidatePayload(fields: ValidateFields): Uint8Array {
	const out = new Uint8Array(VALIDATE_PAYLOAD_SIZE);
	const utf8 = new TextEncoder();
	for (const [name, offset, width] of FIELDS) {
		const bytes = utf8.encode(fields[name]);
		if (bytes.length > width - 1) {
			throw new LimitError(
				`VALIDATE_VIDEO_SESSION ${name} is ${bytes.length} bytes; the field holds ${width - 1}`,
			);
		}
		out.set(bytes, offset);
	}
	return out;
}

export function decodeValidatePayload(payload: Uint8Array): ValidateFields {
	if (payload.length < VALIDATE_PAYLOAD_SIZE) {
		throw new ProtocolError(
			`VALIDATE_VIDEO_SESSION payload is ${payload.length} bytes, expected ${VALIDATE_PAYLOAD_SIZE}`,
		);
	}
	const utf8 = new TextDecoder();
	const read = (offset: number, width: number): string => {
		const field = payload.subarray(offset, offset + width);
		const end = field.indexOf(0);
		return utf8.decode(end < 0 ? field : field.subarray(0, end));
	};
	return {
		token: read(1, 129),
		clientIp: read(130, 65),
		user: read(195, 129),
		mac: read(324, 49),
	};
}
