/**
 * The mock BMC as a stand-in for a real one on the input side: it checks HID
 * packets, drops input from a viewer without control, answers control,
 * LED and power requests, and drives the simulated host's hooks. Driven here
 * by a bare IVTP viewer so the mock is tested on its own, not through our client.
 */

import { describe, expect, it } from "vitest";
import { concatBytes } from "../../src/bytes.ts";
import { openBmcSession } from "../../src/kvm/bmc-session.ts";
import { absoluteMouseReport, encodeHidPacket, keyboardReport } from "../../src/kvm/hid.ts";
import {
	encodeIvtp,
	encodeValidatePayload,
	IvtpFramer,
	type IvtpPacket,
	IvtpType,
	KvmPrivilege,
	KvmRequest,
	PowerControl,
} from "../../src/kvm/ivtp.ts";
import { createMockBmc, type MockBmcOptions, type MockHost } from "../../src/kvm/mock-bmc.ts";

const SCREEN = {
	width: 64,
	height: 48,
	mode420: false,
	selector: 0,
	advanceSelector: 0,
	mapping: 0,
};

/** A viewer that speaks raw IVTP: handshake, then whatever the test sends. */
async function bareViewer(options: Partial<MockBmcOptions> = {}) {
	const mock = createMockBmc({
		frames: () => ({ header: SCREEN, stream: new Uint8Array(16) }),
		...options,
	});
	const session = await openBmcSession({ fetch: mock.fetch, viewerUrl: mock.viewerUrl() });
	const response = await mock.fetch(`${session.origin}/kvm`, {
		headers: { Upgrade: "websocket", Cookie: `QSESSIONID=${session.sessionId}` },
	});
	const ws = response.webSocket as WebSocket;
	ws.binaryType = "arraybuffer";
	ws.accept();
	const framer = new IvtpFramer();
	const packets: IvtpPacket[] = [];
	let notify = () => {};
	ws.addEventListener("message", (e) => {
		for (const p of framer.push(new Uint8Array(e.data as ArrayBuffer))) {
			packets.push({ ...p, payload: p.payload.slice() });
		}
		notify();
	});
	/** Resolves with the next packet of `type` not yet taken. */
	let taken = 0;
	const next = (type: number) =>
		new Promise<IvtpPacket>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`no packet of type ${type}`)), 2000);
			const look = () => {
				for (; taken < packets.length; taken++) {
					if (packets[taken].type === type) {
						clearTimeout(timer);
						resolve(packets[taken++]);
						return;
					}
				}
			};
			notify = look;
			look();
		});
	const send = (...parts: Uint8Array[]) => ws.send(concatBytes(parts));
	await next(IvtpType.CONNECTION_ALLOWED);
	const validate = encodeValidatePayload({
		token: session.kvmToken,
		clientIp: session.clientIp,
		user: "test",
		mac: "00-00-00-00-00-00",
	});
	send(encodeIvtp(IvtpType.VALIDATE_VIDEO_SESSION, 1, validate));
	const validated = await next(IvtpType.VALIDATED_VIDEO_SESSION);
	await next(IvtpType.POWER_STATUS);
	const connection = mock.connections[0];
	return { mock, ws, send, next, validated, connection };
}

const kbd = (mods: number, keys: number[], sequence: number) =>
	encodeHidPacket("keyboard", keyboardReport(mods, keys), sequence);

describe("mock BMC input", () => {
	it("hands each checked keyboard and mouse report to the host, in order", async () => {
		const keyboard: number[][] = [];
		const mouse: number[][] = [];
		const host: MockHost = {
			keyboard: (r) => keyboard.push([...r]),
			mouse: (r) => mouse.push([...r]),
		};
		const { send, next, validated, connection, ws } = await bareViewer({ host });
		expect([...validated.payload]).toEqual([1, 0]);
		send(
			kbd(0x02, [0x04], 0),
			kbd(0x02, [], 1),
			encodeHidPacket("mouse", absoluteMouseReport(1, 100, 200, 0), 2),
			kbd(0, [], 3),
		);
		// The mock handles packets in order: its LED answer means it has seen the rest.
		send(encodeIvtp(IvtpType.KEYBOARD_LEDS));
		await next(IvtpType.KEYBOARD_LEDS);
		expect(keyboard).toEqual([
			[2, 0, 4, 0, 0, 0, 0, 0],
			[2, 0, 0, 0, 0, 0, 0, 0],
			[0, 0, 0, 0, 0, 0, 0, 0],
		]);
		expect(mouse).toEqual([[1, 100, 0, 200, 0, 0]]);
		expect(connection.input.map((p) => p.sequence)).toEqual([0, 1, 2, 3]);
		expect(connection.dropped).toEqual([]);
		ws.close();
	});

	it("drops malformed packets and says why", async () => {
		const { send, next, connection, ws } = await bareViewer();
		const bad = kbd(0, [4], 0);
		bad[8 + 11] ^= 1;
		send(bad);
		send(encodeIvtp(IvtpType.KEYBOARD_LEDS));
		await next(IvtpType.KEYBOARD_LEDS);
		expect(connection.input).toEqual([]);
		expect(connection.dropped).toEqual(["HID packet: IUSB header checksum does not add up to 0"]);
		ws.close();
	});

	it("toggles Caps Lock on the key's press, and reports the LEDs", async () => {
		const { send, next, ws } = await bareViewer({ leds: 1 });
		send(encodeIvtp(IvtpType.KEYBOARD_LEDS));
		expect([...(await next(IvtpType.KEYBOARD_LEDS)).payload]).toEqual([1]);
		send(kbd(0, [0x39], 0));
		expect([...(await next(IvtpType.KEYBOARD_LEDS)).payload]).toEqual([3]);
		send(kbd(0, [], 1), kbd(0, [0x39], 2));
		expect([...(await next(IvtpType.KEYBOARD_LEDS)).payload]).toEqual([1]);
		ws.close();
	});

	it("drops input while another viewer holds control, until it grants our request", async () => {
		const { send, next, validated, connection, ws } = await bareViewer({ otherViewer: "grants" });
		expect(validated.payload[1]).toBe(1);
		send(kbd(0, [4], 0));
		send(encodeIvtp(IvtpType.SET_NEXT_MASTER));
		expect((await next(IvtpType.SET_NEXT_MASTER)).status).toBe(KvmPrivilege.WAIT_SLAVE);
		const answer = await next(IvtpType.KVM_SHARING);
		expect(answer.status).toBe(KvmPrivilege.RESPONSE_TO_SLAVE | (KvmRequest.ALLOWED << 8));
		send(kbd(0, [5], 1));
		send(encodeIvtp(IvtpType.KEYBOARD_LEDS));
		await next(IvtpType.KEYBOARD_LEDS);
		expect(connection.dropped).toEqual(["keyboard report from a viewer without control"]);
		expect(connection.input.map((p) => p.report[2])).toEqual([5]);
		ws.close();
	});

	it("says so when the other viewer refuses", async () => {
		const { send, next, ws } = await bareViewer({ otherViewer: "refuses" });
		send(encodeIvtp(IvtpType.SET_NEXT_MASTER));
		const answer = await next(IvtpType.KVM_SHARING);
		expect(answer.status).toBe(KvmPrivilege.RESPONSE_TO_SLAVE | (KvmRequest.DENIED << 8));
		ws.close();
	});
});

describe("mock BMC power", () => {
	it("accepts a power request with 0x24, then shows the new state after the lag", async () => {
		const { send, next, connection, ws } = await bareViewer({ powerLag: 2 });
		send(encodeIvtp(IvtpType.POWER_CONTROL, PowerControl.OFF));
		expect((await next(IvtpType.POWER_CONTROL_RESPONSE)).status).toBe(0);
		const states: number[] = [];
		for (let i = 0; i < 3; i++) {
			send(encodeIvtp(IvtpType.POWER_STATUS));
			states.push((await next(IvtpType.POWER_STATUS)).status);
		}
		expect(states).toEqual([1, 1, 0]);
		expect(connection.powerRequests).toEqual([PowerControl.OFF]);
		ws.close();
	});

	it("asks the host, which then answers POWER_STATUS", async () => {
		let powered = true;
		const actions: number[] = [];
		const host: MockHost = {
			powerControl: (a) => {
				actions.push(a);
				powered = a !== PowerControl.SOFT_OFF;
			},
			powered: () => powered,
		};
		const { send, next, ws } = await bareViewer({ host });
		send(encodeIvtp(IvtpType.POWER_CONTROL, PowerControl.SOFT_OFF));
		await next(IvtpType.POWER_CONTROL_RESPONSE);
		send(encodeIvtp(IvtpType.POWER_STATUS));
		expect((await next(IvtpType.POWER_STATUS)).status).toBe(0);
		expect(actions).toEqual([PowerControl.SOFT_OFF]);
		ws.close();
	});

	it("refuses unknown actions, and everything when told to", async () => {
		const plain = await bareViewer();
		plain.send(encodeIvtp(IvtpType.POWER_CONTROL, 9));
		expect((await plain.next(IvtpType.POWER_CONTROL_RESPONSE)).status).toBe(1);
		plain.ws.close();
		const refusing = await bareViewer({ misbehave: "refuse-power" });
		refusing.send(encodeIvtp(IvtpType.POWER_CONTROL, PowerControl.CYCLE));
		expect((await refusing.next(IvtpType.POWER_CONTROL_RESPONSE)).status).toBe(1);
		refusing.ws.close();
	});
});
