/**
 * Power over IVTP byte for byte, as the mock BMC receives it: each action is
 * one 8-byte POWER_CONTROL (0x23) header with the action in its status field
 * (0 off, 1 on, 2 cycle, 3 hard reset, 4 NMI, 5 soft off) and no payload; a
 * 0x24 with a non-zero status is a refusal; after acceptance the link reads
 * POWER_STATUS (0x22) until the state shows, and no more.
 */
import { describe, expect, it } from "vitest";
import { IvtpType } from "../../src/kvm/ivtp.ts";
import type { MockBmcOptions } from "../../src/kvm/mock-bmc.ts";
import type { PowerAction } from "../../src/providers/types.ts";
import { openFlatConsole } from "./flat-console.ts";

async function open(options: Partial<MockBmcOptions> = {}) {
	const { mock, link, ctx } = await openFlatConsole(
		{ keepMessages: true, ...options },
		{ powerSettleMs: 6000 },
		20_000,
	);
	// The socket opens on the first exchange; the status read opens it without acting.
	await link.power("status", ctx);
	const connection = mock.connections[0];
	const before = connection.messages.length;
	/**
	 * Every packet header sent from the first POWER_CONTROL on, as [type,
	 * status, payload size] (a message may hold several). Earlier status
	 * reads may still be on their way when the action starts.
	 */
	const sentFromControl = () => {
		const headers: [number, number, number][] = [];
		for (const m of connection.messages.slice(before)) {
			for (let at = 0; at + 8 <= m.length; ) {
				const view = new DataView(m.buffer, m.byteOffset + at);
				const size = view.getUint32(2, true);
				headers.push([view.getUint16(0, true), view.getUint16(6, true), size]);
				at += 8 + size;
			}
		}
		return headers.slice(headers.findIndex(([type]) => type === IvtpType.POWER_CONTROL));
	};
	const powerMessages = () =>
		connection.messages.slice(before).filter((m) => m[0] === 0x23 && m[1] === 0x00);
	return { mock, link, ctx, connection, sentFromControl, powerMessages };
}

describe("IVTP power packets", { timeout: 60_000 }, () => {
	const cases: [PowerAction, number][] = [
		["off", 0],
		["on", 1],
		["cycle", 2],
		["reset", 3],
		["nmi", 4],
		["soft_off", 5],
	];
	for (const [action, code] of cases) {
		it(`${action}: exactly 23 00 00 00 00 00 0${code} 00, alone in its message`, async () => {
			const { link, ctx, connection, powerMessages } = await open({
				power: action === "on" ? "off" : "on",
			});
			await link.power(action, ctx);
			expect(powerMessages().map((m) => [...m])).toEqual([[0x23, 0, 0, 0, 0, 0, code, 0]]);
			expect(connection.powerRequests).toEqual([code]);
			link.close();
		});
	}

	it("status sends POWER_STATUS (22 00 00 00 00 00 00 00) and never 0x23", async () => {
		const { link, ctx, connection, powerMessages } = await open();
		const messages = connection.messages.length;
		expect((await link.power("status", ctx)).state).toBe("on");
		expect(powerMessages()).toEqual([]);
		expect(connection.messages.slice(messages).map((m) => [...m])).toContainEqual([
			0x22, 0, 0, 0, 0, 0, 0, 0,
		]);
		link.close();
	});

	it("after 0x24 accepted, polls 0x22 until the state shows: three reads for a host two reads late", async () => {
		const { link, ctx, sentFromControl } = await open({ powerLag: 2 });
		const report = await link.power("off", ctx);
		expect(report.state).toBe("off");
		const sent = sentFromControl().filter(
			([type]) => type === IvtpType.POWER_CONTROL || type === IvtpType.POWER_STATUS,
		);
		expect(sent).toEqual([
			[IvtpType.POWER_CONTROL, 0, 0],
			[IvtpType.POWER_STATUS, 0, 0],
			[IvtpType.POWER_STATUS, 0, 0],
			[IvtpType.POWER_STATUS, 0, 0],
		]);
		link.close();
	});

	it("a 0x24 refusal stops there: no status polling, and the error says the BMC refused", async () => {
		const { link, ctx, sentFromControl } = await open({ misbehave: "refuse-power" });
		const error = (await link.power("cycle", ctx).catch((e) => e)) as Error;
		expect(error.message).toMatch(/the BMC did not accept the power request \(status 1\)/);
		// Time for a poll to show if one were sent (they come every second).
		await new Promise((resolve) => setTimeout(resolve, 1500));
		const power = sentFromControl().filter(
			([type]) => type === IvtpType.POWER_CONTROL || type === IvtpType.POWER_STATUS,
		);
		expect(power.map(([type]) => type)).toEqual([IvtpType.POWER_CONTROL]);
		link.close();
	});
});
