/**
 * The gates in front of send_keys, type_text and mouse. Every refusal names
 * its reason and how to lift it, and sends nothing: no socket is opened for
 * a console that was not open, and an open one receives not one byte.
 */
import { describe, expect, it } from "vitest";
import { consoleScreen, VncWorld } from "../hardening/rig.ts";
import { capturedLogsPerTest } from "../hardening/support.ts";
import { connectClient, type EnvOverrides } from "../support/mcp-client.ts";
import { connectWithConsoleUnasked } from "../support/mcp-handler.ts";

const logs = capturedLogsPerTest();

let serial = 0;
function setup(extra: EnvOverrides = {}, target: Record<string, unknown> = {}) {
	const world = new VncWorld();
	const id = `input-gate-${++serial}`;
	const server = world.addServer(id, consoleScreen(`gate ${serial}`, 0x203040), {
		password: false,
	});
	const env = world.env(extra);
	const targets = JSON.parse(env.VNC_TARGETS as string).map((t: object) => ({ ...t, ...target }));
	env.VNC_TARGETS = JSON.stringify(targets);
	world.inject(env);
	return { env, id, server };
}

const calls = (serverId: string) =>
	[
		{ name: "send_keys", arguments: { serverId, keys: "Down Return" } },
		{ name: "type_text", arguments: { serverId, text: "root\n" } },
		{ name: "mouse", arguments: { serverId, action: "click", x: 10, y: 10 } },
	] as const;

const text = (result: unknown) =>
	(result as { content: { text: string }[] }).content.map((c) => c.text).join("\n");

describe("input gates", { timeout: 30_000 }, () => {
	it("input is off by default: each tool says so and how to turn it on, and nothing reaches the server", async () => {
		const { env, id, server } = setup();
		const client = await connectClient(env);
		for (const call of calls(id)) {
			const result = await client.callTool(call);
			expect(result.isError).toBe(true);
			expect(text(result)).toMatch(
				/input is turned off on this ikvm-mcp deployment, so nothing was sent/,
			);
			expect(text(result)).toMatch(/ALLOW_INPUT = "on"/);
		}
		expect(server.sockets.length).toBe(0);

		// With the console open, a refused call still sends not one byte.
		expect(
			(await client.callTool({ name: "get_screenshot", arguments: { serverId: id } })).isError,
		).toBeFalsy();
		const before = server.bytesReceived;
		for (const call of calls(id)) expect((await client.callTool(call)).isError).toBe(true);
		expect(server.bytesReceived).toBe(before);
		expect(server.sockets.length).toBe(1);
		const refusals = logs.lines.filter((l) => l.includes('"event":"input"'));
		expect(refusals.length).toBe(6);
		for (const line of refusals) expect(JSON.parse(line)).toMatchObject({ outcome: "refused" });
		await client.close();
	});

	it('a VNC target with "input": false refuses even when the deployment allows input', async () => {
		const { env, id, server } = setup({ ALLOW_INPUT: "on" }, { input: false });
		const client = await connectClient(env);
		for (const call of calls(id)) {
			const result = await client.callTool(call);
			expect(result.isError).toBe(true);
			expect(text(result)).toMatch(
				/does not take keyboard or mouse input: its entry in VNC_TARGETS says "input": false/,
			);
		}
		expect(server.sockets.length).toBe(0);
		await client.close();
	});

	it("an unknown key name, an untypeable character or a point off the image is refused before anything is sent", async () => {
		const { env, id, server } = setup({ ALLOW_INPUT: "on" });
		const client = await connectClient(env);
		const unknown = await client.callTool({
			name: "send_keys",
			arguments: { serverId: id, keys: "Down Dwn Return" },
		});
		expect(unknown.isError).toBe(true);
		expect(text(unknown)).toMatch(/unknown key name "Dwn"/);
		const untypeable = await client.callTool({
			name: "type_text",
			arguments: { serverId: id, text: "naïve ☃", layout: "us" },
		});
		expect(untypeable.isError).toBe(true);
		expect(text(untypeable)).toMatch(/ï/);
		expect(server.sockets.length).toBe(0);
		await client.close();
	});

	it("a destructive chord without confirm: true is refused, saying what it would do", async () => {
		const { env, id, server } = setup({ ALLOW_INPUT: "on" });
		const client = await connectClient(env);
		for (const keys of ["ctrl+alt+Delete", "alt+SysRq+b", "Return ctrl+alt+BackSpace"]) {
			const result = await client.callTool({
				name: "send_keys",
				arguments: { serverId: id, keys },
			});
			expect(result.isError).toBe(true);
			expect(text(result)).toMatch(/Nothing was sent\. Call send_keys again with confirm: true/);
		}
		const reboot = await client.callTool({
			name: "send_keys",
			arguments: { serverId: id, keys: "ctrl+alt+Delete" },
		});
		expect(text(reboot)).toMatch(/reboots the server/);
		expect(server.sockets.length).toBe(0);
		await client.close();
	});

	it("a token without the console:input scope is refused, naming the scope, before the console is asked", async () => {
		const { client, asked } = await connectWithConsoleUnasked(
			{ id: "oauth-client", scopes: new Set(["console:view"]) },
			{ input: true, power: false },
		);
		for (const call of calls("demo-ami-bmc")) {
			const result = await client.callTool(call);
			expect(result.isError).toBe(true);
			expect(text(result)).toMatch(/needs the console:input scope/);
		}
		expect(asked).toEqual([]);
		await client.close();
	});
});
