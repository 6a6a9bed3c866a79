/**
 * Sizes a peer announces are checked against MAX_FRAME_SIZE before anything
 * is allocated, on both paths, and what one capture may receive is bounded;
 * each breach is a tool error (isError) naming it, never a crash or a hang.
 */
import { describe, expect, it } from "vitest";
import type { MockFrame } from "../../src/kvm/mock-bmc.ts";
import { connectClient } from "../support/mcp-client.ts";
import { allClosed, aspeedFrame, consoleScreen, flatScreen, OvhWorld, VncWorld } from "./rig.ts";
import { capturedLogsPerTest, samePixels, Transcript } from "./support.ts";

const logs = capturedLogsPerTest();

const good = aspeedFrame(consoleScreen("bounds", 0x402040, 160, 120));

describe("frame sizes on the KVM path", { timeout: 20_000 }, () => {
	it("an 8000x8000 frame header is refused before allocation; the next frame is shown", async () => {
		const world = new OvhWorld();
		const env = world.env({ TOOL_TIMEOUT_SECONDS: "5" });
		let frame: MockFrame = {
			header: { ...good.frame.header, width: 8000, height: 8000 },
			stream: good.frame.stream,
		};
		const server = world.addServer("ns-huge-frame.eu", () => frame, env);
		const transcript = new Transcript();
		const client = await connectClient(env);
		expect(await transcript.failure(client, server.name)).toBe(
			"video frame header gives a 8000x8000 screen; expected 1..4096 each way",
		);
		expect(await allClosed(server.bmc.connections)).toBe(true);
		frame = good.frame;
		expect(samePixels(await transcript.image(client, server.name), good.decoded)).toBe(true);
		transcript.expectNoLeaks(world.secrets, logs.lines);
		await client.close();
	});

	it("a frame larger than MAX_FRAME_SIZE is refused; within it, shown", async () => {
		const world = new OvhWorld();
		const env = world.env({ TOOL_TIMEOUT_SECONDS: "5", MAX_FRAME_SIZE: "128x96" });
		const server = world.addServer("ns-small-limit.eu", () => good.frame, env);
		const transcript = new Transcript();
		const client = await connectClient(env);
		expect(await transcript.failure(client, server.name)).toBe(
			"ASPEED frame 160x120 exceeds the 128x96 limit",
		);
		expect(await allClosed(server.bmc.connections)).toBe(true);
		await client.close();

		const roomy = world.env({ TOOL_TIMEOUT_SECONDS: "5", MAX_FRAME_SIZE: "160x120" });
		world.addServer("ns-roomy-limit.eu", () => good.frame, roomy);
		const again = await connectClient(roomy);
		expect(samePixels(await transcript.image(again, "ns-roomy-limit.eu"), good.decoded)).toBe(true);
		await again.close();
	});
});

describe("screen sizes and bytes on the VNC path", { timeout: 20_000 }, () => {
	it("an 8000x8000 ServerInit is refused before allocation; the real size is shown", async () => {
		const world = new VncWorld();
		const server = world.addServer("vnc-huge", flatScreen(40, 30, [9, 99, 199]));
		server.announce = { width: 8000, height: 8000 };
		const env = world.env({ TOOL_TIMEOUT_SECONDS: "5" });
		world.inject(env);
		const transcript = new Transcript();
		const client = await connectClient(env);
		expect(await transcript.failure(client, "vnc-huge")).toBe(
			"VNC screen 8000x8000 exceeds the 2560x1600 limit",
		);
		expect(await allClosed(server.sockets)).toBe(true);
		server.announce = null;
		expect(samePixels(await transcript.image(client, "vnc-huge"), server.screen)).toBe(true);
		transcript.expectNoLeaks(world.secrets, logs.lines);
		await client.close();
	});

	it("a screen larger than MAX_FRAME_SIZE is refused", async () => {
		const world = new VncWorld();
		const server = world.addServer("vnc-limit", flatScreen(40, 30, [9, 99, 199]));
		const env = world.env({ TOOL_TIMEOUT_SECONDS: "5", MAX_FRAME_SIZE: "32x32" });
		world.inject(env);
		const client = await connectClient(env);
		expect(await new Transcript().failure(client, "vnc-limit")).toBe(
			"VNC screen 40x30 exceeds the 32x32 limit",
		);
		expect(await allClosed(server.sockets)).toBe(true);
		await client.close();
	});

	it("a server that streams without ever finishing the frame is cut off by bytes, not by the clock", async () => {
		const world = new VncWorld();
		const server = world.addServer("vnc-endless", flatScreen(40, 30, [200, 100, 0]));
		server.fault = "endless";
		const env = world.env({ TOOL_TIMEOUT_SECONDS: "30", MAX_FRAME_SIZE: "64x64" });
		world.inject(env);
		const transcript = new Transcript();
		const client = await connectClient(env);
		const started = Date.now();
		const error = await transcript.failure(client, "vnc-endless");
		expect(Date.now() - started).toBeLessThan(10_000);
		expect(error).toMatch(
			/^VNC server sent more than \d+ bytes without completing the requested screen update/,
		);
		expect(await allClosed(server.sockets)).toBe(true);
		server.fault = null;
		expect(samePixels(await transcript.image(client, "vnc-endless"), server.screen)).toBe(true);
		await client.close();
	});
});
