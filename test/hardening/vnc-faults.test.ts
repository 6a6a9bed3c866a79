/**
 * Faults of a VNC server behind a ConsoleSession, through the MCP client:
 * each ends the call with a specific error, closes the socket, leaks neither
 * the VNC password nor anything else, and the next call succeeds once the
 * fault is gone.
 */
import { describe, expect, it } from "vitest";
import { connectClient } from "../support/mcp-client.ts";
import { allClosed, consoleScreen, type VncFault, VncWorld } from "./rig.ts";
import { capturedLogsPerTest, samePixels, Transcript } from "./support.ts";

const logs = capturedLogsPerTest();

let serial = 0;
function setup() {
	const world = new VncWorld();
	const id = `vnc-fault-${++serial}`;
	const server = world.addServer(id, consoleScreen(`vnc ${serial}`, 0x305020));
	const env = world.env({ TOOL_TIMEOUT_SECONDS: "5" });
	world.inject(env);
	return { world, env, id, server, transcript: new Transcript() };
}

describe("VNC faults through MCP", { timeout: 20_000 }, () => {
	it.each([
		[
			"close-mid-frame",
			'VNC WebSocket closed (code 1011; the VNC server said: "display server restarted")',
		],
		["garbage", "VNC server sent unknown message type 240"],
		["bad-greeting", 'not an RFB server: greeting "SSH-2.0-Open"'],
	] as [VncFault, string][])(
		"%s: a specific error, socket closed, then a good shot",
		async (fault, text) => {
			const { world, env, id, server, transcript } = setup();
			server.fault = fault;
			const client = await connectClient(env);
			expect(await transcript.failure(client, id)).toBe(text);
			expect(server.sockets.length).toBe(1);
			expect(await allClosed(server.sockets)).toBe(true);

			server.fault = null;
			expect(samePixels(await transcript.image(client, id), server.screen)).toBe(true);
			transcript.expectNoLeaks(world.secrets, logs.lines);
			await client.close();
		},
	);

	it("a wrong password: the server's reason, socket closed, then a good shot with the right one", async () => {
		const { world, env, id, server, transcript } = setup();
		const right = server.password;
		server.password = "not-the-configured-one";
		const client = await connectClient(env);
		expect(await transcript.failure(client, id)).toBe(
			'VNC server rejected authentication; the VNC server said: "Authentication failure"',
		);
		expect(await allClosed(server.sockets)).toBe(true);

		server.password = right;
		expect(samePixels(await transcript.image(client, id), server.screen)).toBe(true);
		transcript.expectNoLeaks(world.secrets, logs.lines);
		await client.close();
	});

	it("a one-byte-at-a-time link still gives the exact screen, then the warm connection serves the next", async () => {
		const { world, env, id, server, transcript } = setup();
		server.screen = consoleScreen("drip", 0x502030, 36, 16);
		server.slowLink = { bytes: 1, everyMs: 1 };
		const client = await connectClient(env);
		expect(samePixels(await transcript.image(client, id), server.screen)).toBe(true);
		expect(samePixels(await transcript.image(client, id), server.screen)).toBe(true);
		expect(server.sockets.length).toBe(1);
		transcript.expectNoLeaks(world.secrets, logs.lines);
		await client.close();
	});
});
