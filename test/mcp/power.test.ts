import { afterAll, describe, expect, it } from "vitest";
import type { Caller } from "../../src/mcp/caller.ts";
import { SCOPES, type Scope } from "../../src/mcp/caller.ts";
import type { ConsoleApi } from "../../src/mcp/console-call.ts";
import { createMcpServer } from "../../src/mcp/server.ts";
import { DemoProvider } from "../../src/providers/demo/provider.ts";
import { consoleScreen, VncWorld } from "../hardening/rig.ts";
import { capturedLogsPerTest } from "../hardening/support.ts";
import { connectClient } from "../support/mcp-client.ts";
import {
	connectAskingClient,
	connectWithConsoleUnasked,
	mcpServerFetch,
} from "../support/mcp-handler.ts";

const logs = capturedLogsPerTest();
/** The demo cycle as the client saw it, printed once the per-test log capture is gone. */
const transcript: string[] = [];
afterAll(() => {
	if (transcript.length > 0) console.info(`DEMO POWER CYCLE TRANSCRIPT\n${transcript.join("\n")}`);
});
const DEMO = "demo-ami-bmc";
const ACTIONS = ["on", "off", "soft_off", "cycle", "reset", "nmi"] as const;

type Result = Awaited<ReturnType<Awaited<ReturnType<typeof connectClient>>["callTool"]>>;
const texts = (result: Result) =>
	(result.content as { type: string; text?: string }[])
		.filter((c) => c.type === "text")
		.map((c) => c.text ?? "");
const text = (result: Result) => texts(result).join("\n");
const images = (result: Result) =>
	(result.content as { type: string }[]).filter((c) => c.type === "image").length;

/** What the transcript shows of a result: its text blocks, and how many images. */
function show(label: string, result: Result): string {
	const pictures = images(result);
	return `--- ${label}${result.isError ? " (error)" : ""}\n${text(result)}${pictures ? `\n[${pictures} image]` : ""}`;
}

describe("power on the demo machine through MCP", { timeout: 120_000 }, () => {
	it("off shows No signal, on boots through the firmware to GRUB, cycle reboots; status lists them", async () => {
		const client = await connectClient({ ALLOW_POWER: "on" });
		const call = async (label: string, name: string, args: Record<string, unknown>) => {
			const progress: string[] = [];
			const result = (await client.callTool(
				{ name, arguments: { serverId: DEMO, ...args } },
				undefined,
				{
					onprogress: (p) => progress.push(p.message ?? ""),
				},
			)) as Result;
			transcript.push(
				show(`${label}${progress.length ? ` [${progress.length} progress notes]` : ""}`, result),
			);
			return result;
		};

		const before = await call("get_screen_text before", "get_screen_text", {});
		expect(text(before)).toMatch(/Kernel panic - not syncing/);

		const status = await call("power status", "power", { action: "status" });
		expect(status.isError).toBeFalsy();
		expect(texts(status)[0]).toBe(`Power of ${DEMO}: on. The BMC reports the server powered on.`);
		expect(status.structuredContent).toMatchObject({ state: "on", via: "console", recent: [] });

		const off = await call("power off", "power", { action: "off", confirm: true });
		expect(off.isError).toBeFalsy();
		expect(texts(off)[0]).toMatch(
			/^The BMC accepted the request to power the server off \(hard\); power states read after: off\. Power now: off \(the console's BMC\)\.$/,
		);
		expect(texts(off)[1]).toBe("No signal: the server is off, so there is no picture.");
		expect(images(off)).toBe(0);

		const dark = await call("get_screenshot while off", "get_screenshot", {});
		expect(dark.isError).toBe(true);
		expect(text(dark)).toMatch(/powered off/);

		const on = await call("power on", "power", { action: "on", confirm: true });
		expect(on.isError).toBeFalsy();
		expect(texts(on)[0]).toMatch(
			/^The BMC accepted the request to power the server on; .*Power now: on/,
		);
		// The settled screen is the firmware's (1.5 s), or GRUB's menu after it.
		expect(text(on)).toMatch(/American Megatrends|GNU GRUB/);

		const grub = await call("wait_for_screen GRUB", "wait_for_screen", {
			until: "text",
			text: "GNU GRUB",
			timeoutSeconds: 20,
		});
		expect(grub.structuredContent).toMatchObject({ met: true });

		const cycle = await call("power cycle", "power", { action: "cycle", confirm: true });
		expect(cycle.isError).toBeFalsy();
		expect(texts(cycle)[0]).toMatch(/^The BMC accepted the request to power-cycle the server/);
		expect(text(cycle)).toMatch(/American Megatrends|GNU GRUB/);

		const after = await call("power status after", "power", { action: "status" });
		expect(texts(after)[0]).toBe(`Power of ${DEMO}: on. The BMC reports the server powered on.`);
		const recent = (
			after.structuredContent as { recent: { action: string; who: string; outcome: string }[] }
		).recent;
		expect(recent.map((e) => [e.action, e.who, e.outcome])).toEqual([
			["off", "loopback", "done"],
			["on", "loopback", "done"],
			["cycle", "loopback", "done"],
		]);
		expect(texts(after)[1]).toMatch(
			/^Latest power and boot actions on demo-ami-bmc \(oldest first\):\n.* off by loopback: done\n.* on by loopback: done\n.* cycle by loopback: done$/,
		);

		const audit = logs.lines.filter((l) => l.includes('"event":"audit"')).map((l) => JSON.parse(l));
		expect(audit.map((a) => [a.console, a.action, a.who, a.outcome])).toEqual([
			[`demo:${DEMO}`, "off", "loopback", "done"],
			[`demo:${DEMO}`, "on", "loopback", "done"],
			[`demo:${DEMO}`, "cycle", "loopback", "done"],
		]);
		for (const a of audit) expect(Date.parse(a.time)).toBeGreaterThan(0);
		await client.close();
	});
});

describe("power guards: refused, saying which, nothing sent", { timeout: 60_000 }, () => {
	const guarded = (caller: Caller, power: boolean) =>
		connectWithConsoleUnasked(caller, { input: true, power });
	const everyone: Caller = { id: "bearer", scopes: new Set(SCOPES) };
	const calls = (confirm: boolean | undefined) => [
		...ACTIONS.map((action) => ({ name: "power", arguments: { serverId: DEMO, action, confirm } })),
	];

	it("ALLOW_POWER off: each action says so and how to turn it on; the console is never asked", async () => {
		const { asked, client } = await guarded(everyone, false);
		for (const call of [
			...calls(true),
			{ name: "boot_rescue", arguments: { serverId: DEMO, confirm: true } },
		]) {
			const result = (await client.callTool(call)) as Result;
			expect(result.isError, call.name).toBe(true);
			if (call.name === "power") {
				expect(text(result)).toMatch(
					/Power and boot actions are turned off on this ikvm-mcp deployment, so nothing was sent/,
				);
				expect(text(result)).toMatch(/ALLOW_POWER = "on"/);
			}
		}
		expect(asked).toEqual([]);
		const refusals = logs.lines
			.filter((l) => l.includes('"event":"audit"'))
			.map((l) => JSON.parse(l));
		expect(refusals.length).toBe(ACTIONS.length + 1);
		for (const r of refusals) expect(r).toMatchObject({ who: "bearer", outcome: "refused" });
		await client.close();
	});

	it("no confirm (a client that cannot be asked): each action says what it would do and how to confirm", async () => {
		const { asked, client } = await guarded(everyone, true);
		for (const call of [...calls(undefined), ...calls(false)]) {
			const result = (await client.callTool(call)) as Result;
			expect(result.isError).toBe(true);
			expect(text(result)).toMatch(
				new RegExp(
					`Nothing was sent\\. Call power again with action: "${call.arguments.action}" and confirm: true to do it\\.$`,
				),
			);
		}
		const reset = (await client.callTool(calls(undefined)[4])) as Result;
		expect(text(reset)).toMatch(
			/^Reset demo-ami-bmc \(hard reset: running work and unsaved data are lost\)\?/,
		);
		expect(asked).toEqual([]);
		await client.close();
	});

	it("a token without console:power is refused, naming the scope, even with the switch on and confirm: true", async () => {
		const scopes = new Set<Scope>(["console:view", "console:input"]);
		const { asked, client } = await guarded({ id: "oauth-client-42", scopes }, true);
		for (const call of [
			...calls(true),
			{ name: "boot_rescue", arguments: { serverId: DEMO, confirm: true } },
			{ name: "boot_normal", arguments: { serverId: DEMO, confirm: true } },
		]) {
			const result = (await client.callTool(call)) as Result;
			expect(result.isError).toBe(true);
			expect(text(result)).toMatch(new RegExp(`^${call.name} needs the console:power scope`));
		}
		expect(asked).toEqual([]);
		const refusals = logs.lines
			.filter((l) => l.includes('"event":"audit"'))
			.map((l) => JSON.parse(l));
		for (const r of refusals)
			expect(r).toMatchObject({ who: "oauth-client-42", outcome: "refused" });
		await client.close();
	});

	it("boot_rescue and boot_normal on the demo say plainly they are OVH only", async () => {
		const { asked, client } = await guarded(everyone, true);
		for (const name of ["boot_rescue", "boot_normal"]) {
			const result = (await client.callTool({
				name,
				arguments: { serverId: DEMO, confirm: true },
			})) as Result;
			expect(result.isError).toBe(true);
			expect(text(result)).toBe(
				`${name} works on OVH servers only: ${DEMO} is a demo console, whose boot ikvm-mcp cannot change. Nothing was sent.`,
			);
		}
		expect(asked).toEqual([]);
		await client.close();
	});

	it("a VNC target: power says RFB has none and boot is OVH only, with not one byte sent; status answers unknown without connecting", async () => {
		const world = new VncWorld();
		const server = world.addServer("vnc-power", consoleScreen("vnc power", 0x203040), {
			password: false,
		});
		const env = world.env({ ALLOW_POWER: "on" });
		world.inject(env);
		const client = await connectClient(env);
		const refusedAll = async () => {
			for (const action of ACTIONS) {
				const result = (await client.callTool({
					name: "power",
					arguments: { serverId: "vnc-power", action, confirm: true },
				})) as Result;
				expect(result.isError).toBe(true);
				expect(text(result)).toMatch(
					/^VNC consoles have no power control: RFB carries the screen, keyboard and mouse, nothing else\..* Nothing was sent\.$/,
				);
			}
			const boot = (await client.callTool({
				name: "boot_rescue",
				arguments: { serverId: "vnc-power", confirm: true },
			})) as Result;
			expect(text(boot)).toMatch(
				/^boot_rescue works on OVH servers only: vnc-power is a vnc console/,
			);
		};
		await refusedAll();
		const status = (await client.callTool({
			name: "power",
			arguments: { serverId: "vnc-power", action: "status" },
		})) as Result;
		expect(status.isError).toBeFalsy();
		expect(text(status)).toMatch(
			/^Power of vnc-power: unknown\. VNC consoles have no power control/,
		);
		expect(server.sockets.length).toBe(0);

		// With the console open, refusals still send not one byte.
		const shot = (await client.callTool({
			name: "get_screenshot",
			arguments: { serverId: "vnc-power" },
		})) as Result;
		expect(shot.isError).toBeFalsy();
		const bytes = server.bytesReceived;
		await refusedAll();
		expect(server.bytesReceived).toBe(bytes);
		expect(server.sockets.length).toBe(1);
		await client.close();
	});

	for (const [answer, ran] of [
		[{ action: "accept", content: { confirm: true } }, true],
		[{ action: "accept", content: { confirm: false } }, false],
		[{ action: "decline" }, false],
	] as const) {
		it(`without confirm, a client that can be asked asks its user (${JSON.stringify(answer)})`, async () => {
			const powered: string[] = [];
			const fetch = mcpServerFetch(() =>
				createMcpServer({
					runtime: "local",
					providers: () => [new DemoProvider()],
					toolTimeoutMs: () => 5000,
					caller: everyone,
					switches: () => ({ input: false, power: true }),
					// The console's side is tested above; here only whether the tool calls it.
					console: () =>
						({
							power: async (request: { action: string; who: string }) => {
								powered.push(`${request.action} by ${request.who}`);
								return { ok: true, state: "on", detail: "Reset.", via: "console" };
							},
						}) as unknown as ConsoleApi,
				}),
			);
			const { client, asked } = await connectAskingClient(fetch, answer);
			const result = (await client.callTool({
				name: "power",
				arguments: { serverId: DEMO, action: "reset" },
			})) as Result;
			expect(asked).toEqual([
				"Reset demo-ami-bmc (hard reset: running work and unsaved data are lost)?",
			]);
			if (ran) {
				expect(result.isError).toBeFalsy();
				expect(powered).toEqual(["reset by bearer"]);
			} else {
				expect(text(result)).toBe("The user declined when asked to confirm. Nothing was sent.");
				expect(powered).toEqual([]);
			}
			await client.close();
		});
	}

	it("the tool's annotations mark power and boot destructive and not idempotent", async () => {
		const client = await connectClient();
		const { tools } = await client.listTools();
		for (const name of ["power", "boot_rescue", "boot_normal"]) {
			const tool = tools.find((t) => t.name === name);
			expect(tool?.annotations).toMatchObject({ destructiveHint: true, idempotentHint: false });
		}
		await client.close();
	});
});
