/**
 * One capture must fit a Worker: sizes a console announces are checked
 * against the memory budget before anything is allocated, inflation is
 * streamed, and floods of resizes or cut text do not grow memory. Allocations
 * are observed directly (largeAllocations), not inferred.
 */
import { constants, deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { LimitError, ProtocolError } from "../../src/errors.ts";
import { CAPTURE_BUDGET_BYTES, screenBytes } from "../../src/image/budget.ts";
import { Ast2x00Decoder } from "../../src/kvm/ast2x00/decoder.ts";
import { encodeFrameHeader, type VideoFrameHeader } from "../../src/kvm/frame-header.ts";
import { VideoFrameAssembler } from "../../src/kvm/video-assembler.ts";
import { encodePixelFormat, RGB888_LE } from "../../src/vnc/pixel-format.ts";
import { Encoding, RfbClient, type RfbOptions } from "../../src/vnc/rfb.ts";
import { largeAllocations } from "../support/allocations.ts";
import { connectClient } from "../support/mcp-client.ts";
import { allClosed, flatScreen, VncWorld } from "./rig.ts";
import { Transcript } from "./support.ts";

const BIG = 256 * 1024;
const BUDGET = /over the 64 MiB memory budget per capture; refused before allocating it$/;

/** The server's side of an RFB 3.8 handshake (no security) announcing a width x height screen. */
function handshake(width: number, height: number): Uint8Array {
	const init = new Uint8Array(24);
	const v = new DataView(init.buffer);
	v.setUint16(0, width);
	v.setUint16(2, height);
	init.set(encodePixelFormat(RGB888_LE), 4);
	return Uint8Array.of(...new TextEncoder().encode("RFB 003.008\n"), 1, 1, 0, 0, 0, 0, ...init);
}

function readyClient(width: number, height: number, opts: RfbOptions = {}): RfbClient {
	const c = new RfbClient(opts);
	c.receive(handshake(width, height));
	expect(c.ready).toBe(true);
	c.takeEvents();
	c.takeOutput();
	return c;
}

function update(rects: Uint8Array[]): Uint8Array {
	const out = [0, 0, rects.length >> 8, rects.length & 255];
	for (const r of rects) out.push(...r);
	return Uint8Array.from(out);
}

function rect(x: number, y: number, w: number, h: number, encoding: number, data: number[] = []) {
	const b = new Uint8Array(12 + data.length);
	const v = new DataView(b.buffer);
	v.setUint16(0, x);
	v.setUint16(2, y);
	v.setUint16(4, w);
	v.setUint16(6, h);
	v.setInt32(8, encoding);
	b.set(data, 12);
	return b;
}

function cutText(length: number): Uint8Array {
	const b = new Uint8Array(8 + length).fill(0x41);
	b.set([3, 0, 0, 0, length >>> 24, (length >> 16) & 255, (length >> 8) & 255, length & 255]);
	return b;
}

describe("the budget arithmetic", () => {
	it("fits a 2560x1600 screen (the default MAX_FRAME_SIZE) and not a 4096x4096 one", () => {
		expect(screenBytes(2560, 1600)).toBeLessThan(CAPTURE_BUDGET_BYTES - (1 << 20));
		expect(screenBytes(1920, 1200, 4)).toBeLessThan(CAPTURE_BUDGET_BYTES - (1 << 20));
		expect(screenBytes(4096, 4096)).toBeGreaterThan(CAPTURE_BUDGET_BYTES);
	});
});

describe("VNC: announced sizes are checked before allocating", () => {
	it("refuses an announced 4096x4096 desktop, even with MAX_FRAME_SIZE raised to it", () => {
		let error: unknown;
		const sizes = largeAllocations(BIG, () => {
			try {
				new RfbClient({ maxWidth: 4096, maxHeight: 4096 }).receive(handshake(4096, 4096));
			} catch (e) {
				error = e;
			}
		});
		expect(error).toBeInstanceOf(LimitError);
		expect((error as Error).message).toMatch(/^VNC screen 4096x4096 needs about \d+ MiB/);
		expect((error as Error).message).toMatch(BUDGET);
		expect(sizes).toEqual([]);
		// At the default MAX_FRAME_SIZE it is over the limit to begin with.
		expect(() => new RfbClient().receive(handshake(4096, 4096))).toThrow(
			"VNC screen 4096x4096 exceeds the 2560x1600 limit",
		);
	});

	it("refuses a DesktopSize to 4096x4096 before allocating it", () => {
		const c = readyClient(640, 480, { maxWidth: 4096, maxHeight: 4096 });
		c.requestFrame();
		const sizes = largeAllocations(BIG, () => {
			expect(() => c.receive(update([rect(0, 0, 4096, 4096, Encoding.desktopSize)]))).toThrow(
				BUDGET,
			);
		});
		expect(sizes).toEqual([]);
	});

	it("a DesktopSize flood in one update allocates one screen, not one per rectangle", () => {
		const c = readyClient(640, 480);
		c.requestFrame();
		c.takeOutput();
		const flood = update(
			Array.from({ length: 8 }, (_, i) => rect(0, 0, 2560, 1600 - (i % 2), Encoding.desktopSize)),
		);
		const sizes = largeAllocations(BIG, () => c.receive(flood));
		expect(sizes).toEqual([2560 * 1599 * 4]);
		expect([c.width, c.height]).toEqual([2560, 1599]);
		// The new size's full update is asked for, as for a single resize.
		expect(c.takeOutput()).not.toBeNull();
	});

	it("a cut-text flood in one message is skipped as it streams, never held", () => {
		const c = readyClient(640, 480);
		const flood = new Uint8Array(24 * (8 + 1_000_000));
		for (let i = 0; i < 24; i++) flood.set(cutText(1_000_000), i * (8 + 1_000_000));
		const sizes = largeAllocations(BIG, () => c.receive(flood));
		expect(sizes).toEqual([]);
		// One cut text trickling in a kilobyte at a time is not accumulated either.
		const one = cutText(1_000_000);
		const trickle = largeAllocations(BIG, () => {
			for (let at = 0; at < one.length; at += 1024) c.receive(one.subarray(at, at + 1024));
		});
		expect(trickle).toEqual([]);
		expect(c.ready).toBe(true);
	});

	it("refuses a ZRLE zlib bomb, inflating it in a fixed window", () => {
		const c = readyClient(2560, 1600);
		c.requestFrame();
		// 24 MiB of zeros: 12 MiB of them are valid raw tiles, then the rest is too much.
		const bomb = deflateSync(new Uint8Array(24 << 20), { finishFlush: constants.Z_SYNC_FLUSH });
		expect(bomb.length).toBeLessThan(64 * 1024);
		const length = [bomb.length >>> 24, (bomb.length >> 16) & 255, (bomb.length >> 8) & 255];
		const message = update([
			rect(0, 0, 2560, 1600, Encoding.zrle, [...length, bomb.length & 255, ...bomb]),
		]);
		let error: unknown;
		const sizes = largeAllocations(BIG, () => {
			try {
				c.receive(message);
			} catch (e) {
				error = e;
			}
		});
		expect(error).toEqual(
			new ProtocolError(
				"ZRLE 2560x1600 rectangle inflates to more bytes than its tiles use (stopped after its last tile)",
			),
		);
		expect(sizes).toEqual([]);
	});
});

describe("KVM: announced video modes and compressed sizes are checked before buffering", () => {
	const header = (h: Partial<VideoFrameHeader>): VideoFrameHeader => ({
		width: 1024,
		height: 768,
		mode420: true,
		selector: 4,
		advanceSelector: 0,
		mapping: 0,
		compressSize: 1000,
		rc4: false,
		...h,
	});
	const firstFragment = (h: VideoFrameHeader) => Uint8Array.of(0, 0, ...encodeFrameHeader(h));

	it("refuses a 4096x4096 video mode, even with MAX_FRAME_SIZE raised to it", () => {
		const decoder = new Ast2x00Decoder({ maxWidth: 4096, maxHeight: 4096 });
		const assembler = new VideoFrameAssembler((h) => decoder.check(h));
		const sizes = largeAllocations(BIG, () => {
			expect(() =>
				assembler.push(firstFragment(header({ width: 4096, height: 4096, compressSize: 4 << 20 }))),
			).toThrow(/^ASPEED frame 4096x4096 needs about \d+ MiB .* memory budget per capture/);
		});
		expect(sizes).toEqual([]);
		expect(assembler.inProgress).toBe(false);
	});

	it("refuses a video mode over MAX_FRAME_SIZE before buffering its bytes", () => {
		const decoder = new Ast2x00Decoder();
		const assembler = new VideoFrameAssembler((h) => decoder.check(h));
		expect(() =>
			assembler.push(firstFragment(header({ width: 3000, height: 1600, compressSize: 1 << 20 }))),
		).toThrow("ASPEED frame 3000x1600 exceeds the 2560x1600 limit");
		expect(assembler.inProgress).toBe(false);
	});

	it("refuses more compressed bytes than the budget leaves for the announced screen", () => {
		const assembler = new VideoFrameAssembler();
		const huge = header({ width: 2560, height: 1600, compressSize: 20 << 20 });
		expect(() => assembler.push(firstFragment(huge))).toThrow(
			/^BMC video frame's compressed data: 20971520 bytes would pass the \d+ bytes a 2560x1600 screen leaves of the 64 MiB memory budget/,
		);
		expect(assembler.inProgress).toBe(false);
		// The same bytes for a smaller screen fit.
		expect(
			assembler.push(firstFragment(header({ width: 800, height: 600, compressSize: 20 << 20 }))),
		).toBeNull();
	});
});

describe("through the Worker", { timeout: 30_000 }, () => {
	it("a VNC server announcing 4096x4096 is refused by the budget, with MAX_FRAME_SIZE raised", async () => {
		const world = new VncWorld();
		const server = world.addServer("vnc-4k", flatScreen(40, 30, [9, 99, 199]));
		server.announce = { width: 4096, height: 4096 };
		const env = world.env({ TOOL_TIMEOUT_SECONDS: "10", MAX_FRAME_SIZE: "4096x4096" });
		world.inject(env);
		const client = await connectClient(env);
		expect(await new Transcript().failure(client, "vnc-4k")).toMatch(
			/^VNC screen 4096x4096 needs about \d+ MiB for one capture .* over the 64 MiB memory budget per capture/,
		);
		expect(await allClosed(server.sockets)).toBe(true);
		await client.close();
	});
});
