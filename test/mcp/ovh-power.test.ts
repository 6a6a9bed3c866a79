/**
 * power, boot_rescue and boot_normal on an OVH server, end to end through
 * the MCP client, the Worker and the console's Durable Object: fake OVH API
 * (signatures checked, tasks that take polls to finish) and a mock AMI BMC
 * whose screen is a scripted host that boots whatever OVH's bootId says when
 * a reboot task is done.
 */
import { runInDurableObject, env as testEnv } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import type { AuditEntry } from "../../src/console/session.ts";
import { createMockBmc } from "../../src/kvm/mock-bmc.ts";
import type { DemoScreen } from "../../src/providers/demo/machine.ts";
import { DemoVideo } from "../../src/providers/demo/video.ts";
import { connectClient } from "../support/mcp-client.ts";
import { testWorld } from "../support/test-worker.ts";
import { ovhServerOnBmc } from "./ovh-account.ts";

const RESCUE_ID = 1122;

function screen(key: string, lines: string[], cursor = false): DemoScreen {
	return { key: `ovh-power-${key}`, lines, cursor };
}
const PANIC = screen("panic", [
	'[    2.104511] VFS: Cannot open root device "sda1" or unknown-block(0,0): error -6',
	"[    2.105002] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)",
]);
const RESCUE = screen(
	"rescue",
	["Debian GNU/Linux 12 rescue-customer-eu tty1", "", "rescue-customer-eu login: "],
	true,
);
const DISK = screen("disk", ["Debian GNU/Linux 12 ns-server tty1", "", "ns-server login: "], true);

let serial = 0;
/** A server of its own per test, so each gets a fresh ConsoleSession. */
function rig(options: { bootsTo?: (bootId: number) => DemoScreen } = {}) {
	const server = `ns${31_415_000 + ++serial}.ip-203-0-113.eu`;
	let shown = PANIC;
	const video = new DemoVideo(() => shown);
	const bmc = createMockBmc({ frames: video.frame, updatesPerRequest: 1, keepMessages: true });
	const { ovh, host, env } = ovhServerOnBmc(server, bmc, {
		env: { ALLOW_POWER: "on", IPMI_ALLOWED_IP: "192.0.2.44" },
		details: { bootId: 7 },
	});
	const bootsTo = options.bootsTo ?? ((id) => (id === RESCUE_ID ? RESCUE : DISK));
	ovh.onReboot = (s) => {
		shown = bootsTo(s.bootId);
	};
	ovh.taskPlan = { pollsToFinish: 2, outcome: "done", comment: "" };
	/** OVH calls that change something: boot settings, reboots, IPMI accesses. */
	const writes = () =>
		ovh.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path}`);
	return { server, host, bmc, ovh, env, writes };
}

type Result = Awaited<ReturnType<Awaited<ReturnType<typeof connectClient>>["callTool"]>>;
const text = (result: Result) =>
	(result.content as { type: string; text?: string }[])
		.filter((c) => c.type === "text")
		.map((c) => c.text)
		.join("\n");

afterEach(() => testWorld.sessionProviders.clear());

/** Reads (and, with `write`, first replaces) a key of the console's Durable Object storage. */
function stored<T>(server: string, key: string, write?: T): Promise<T | undefined> {
	return runInDurableObject(
		testEnv.CONSOLE_SESSION.getByName(`ovh:${server}`),
		async (_, state) => {
			if (write !== undefined) await state.storage.put(key, write);
			return state.storage.get<T>(key);
		},
	);
}

describe("OVH power and boot through MCP", { timeout: 120_000 }, () => {
	it("status with no console open asks the OVH API, not the BMC", async () => {
		const { server, host, bmc, env, writes } = rig();
		host.powerState = "poweroff";
		const client = await connectClient(env);
		const status = (await client.callTool({
			name: "power",
			arguments: { serverId: server, action: "status" },
		})) as Result;
		expect(status.isError, text(status)).toBeFalsy();
		expect(text(status)).toMatch(
			new RegExp(`^Power of ${server}: off\\. The OVH API reports ${server} powered off`),
		);
		expect(status.structuredContent).toMatchObject({ state: "off", via: "api" });
		expect(bmc.connections.length).toBe(0);
		expect(writes()).toEqual([]);
		await client.close();
	});

	it("reset with no console open: OVH's reboot, its task followed with progress; the BMC is not opened", async () => {
		const { server, bmc, ovh, env, writes } = rig();
		const client = await connectClient(env);
		const progress: string[] = [];
		const result = (await client.callTool(
			{ name: "power", arguments: { serverId: server, action: "reset", confirm: true } },
			undefined,
			{ onprogress: (p) => progress.push(p.message ?? "") },
		)) as Result;
		expect(result.isError, text(result)).toBeFalsy();
		const [task] = [...ovh.tasks.values()];
		expect(text(result)).toMatch(
			new RegExp(
				`^OVH hard-rebooted ${server} \\(task ${task.taskId} done\\).*Power now: on \\(the ovh API\\)\\.$`,
			),
		);
		expect(writes()).toEqual([`POST /dedicated/server/${server}/reboot`]);
		expect(progress).toEqual(
			expect.arrayContaining([
				`Asking OVH to hard-reboot ${server}`,
				`OVH task ${task.taskId} (hardReboot): todo`,
				`OVH task ${task.taskId} (hardReboot): done`,
			]),
		);
		expect(bmc.connections.length).toBe(0);
		await client.close();
	});

	it("with the console open, reset goes through the BMC (one 0x23 03) and OVH's reboot is not called", async () => {
		const { server, bmc, env, writes } = rig();
		const client = await connectClient(env);
		const shot = (await client.callTool({
			name: "get_screen_text",
			arguments: { serverId: server },
		})) as Result;
		expect(text(shot)).toMatch(/Kernel panic - not syncing/);
		const result = (await client.callTool({
			name: "power",
			arguments: { serverId: server, action: "reset", confirm: true },
		})) as Result;
		expect(result.isError, text(result)).toBeFalsy();
		expect(text(result)).toMatch(/^The BMC accepted the request to reset the server \(hard\)/);
		const connection = bmc.connections[0];
		expect(connection.powerRequests).toEqual([3]);
		expect(connection.messages.filter((m) => m[0] === 0x23).map((m) => [...m])).toEqual([
			[0x23, 0, 0, 0, 0, 0, 3, 0],
		]);
		expect(writes().filter((w) => w.endsWith("/reboot"))).toEqual([]);
		await client.close();
	});

	it("refusals with the console open send nothing: no 0x23 to the BMC, no write to OVH", async () => {
		const { server, bmc, env, writes } = rig();
		const opened = await connectClient(env);
		await opened.callTool({ name: "get_screen_text", arguments: { serverId: server } });
		const before = writes();
		const connection = bmc.connections[0];
		const check = async (client: Awaited<ReturnType<typeof connectClient>>, why: RegExp) => {
			for (const call of [
				{ name: "power", arguments: { serverId: server, action: "reset" } },
				{ name: "power", arguments: { serverId: server, action: "off" } },
				{ name: "boot_rescue", arguments: { serverId: server } },
				{ name: "boot_normal", arguments: { serverId: server } },
			]) {
				const args = why.source.includes("ALLOW_POWER")
					? { ...call.arguments, confirm: true }
					: call.arguments;
				const result = (await client.callTool({ ...call, arguments: args })) as Result;
				expect(result.isError).toBe(true);
				expect(text(result)).toMatch(why);
			}
		};
		await check(opened, /Nothing was sent\. Call (power|boot_rescue|boot_normal) again/);
		const switchedOff = await connectClient({ ...env, ALLOW_POWER: "off" });
		await check(switchedOff, /turned off.*ALLOW_POWER/);
		expect(connection.powerRequests).toEqual([]);
		expect(connection.received).not.toContain(0x23);
		expect(writes()).toEqual(before);
		await opened.close();
		await switchedOff.close();
	});

	it("boot_rescue shows the rescue login and keeps the old boot id; boot_normal restores it; status lists both", async () => {
		const { server, host, ovh, env } = rig();
		const client = await connectClient(env);
		const progress: string[] = [];
		const rescue = (await client.callTool(
			{ name: "boot_rescue", arguments: { serverId: server, confirm: true, timeoutSeconds: 30 } },
			undefined,
			{ onprogress: (p) => progress.push(p.message ?? "") },
		)) as Result;
		expect(rescue.isError, text(rescue)).toBeFalsy();
		const reboots = () => [...ovh.tasks.values()].filter((t) => t.function === "hardReboot");
		const [rescueTask] = reboots();
		expect(text(rescue)).toMatch(
			new RegExp(
				`^Set ${server} to boot OVH's rescue system \\(boot id 1122, was 7\\) and OVH hard-rebooted it \\(task ${rescueTask.taskId} done\\)\\. After \\d+ s the console shows the rescue system's login\\.`,
			),
		);
		expect(text(rescue)).toContain(
			"ikvm-mcp never asks for or shows the rescue system's password: OVH sends it by its own channel",
		);
		expect(text(rescue)).toContain("rescue-customer-eu login:");
		expect(rescue.structuredContent).toMatchObject({ target: "rescue", booted: true });
		expect(host.bootId).toBe(RESCUE_ID);
		expect(ovh.requestsTo(`/dedicated/server/${server}`, "PUT").map((r) => r.body)).toEqual([
			{ bootId: RESCUE_ID },
		]);
		expect(await stored<number>(server, "boot-before-rescue")).toBe(7);
		expect(progress).toContain(`OVH task ${rescueTask.taskId} (hardReboot): done`);

		const normal = (await client.callTool({
			name: "boot_normal",
			arguments: { serverId: server, confirm: true, timeoutSeconds: 30 },
		})) as Result;
		expect(normal.isError, text(normal)).toBeFalsy();
		expect(text(normal)).toMatch(
			/boot id 7, was 1122.*After \d+ s the console shows a login prompt\./,
		);
		expect(text(normal)).toContain("ns-server login:");
		// Restored from the console's storage: OVH's disk boots were never looked up.
		expect(ovh.requestsTo(/bootType=harddisk/)).toEqual([]);
		expect(host.bootId).toBe(7);
		expect(await stored<number>(server, "boot-before-rescue")).toBeUndefined();

		const status = (await client.callTool({
			name: "power",
			arguments: { serverId: server, action: "status" },
		})) as Result;
		const recent = (status.structuredContent as { recent: { action: string; outcome: string }[] })
			.recent;
		expect(recent.map((e) => [e.action, e.outcome])).toEqual([
			["boot_rescue", "done"],
			["boot_normal", "done"],
		]);
		await client.close();
	});

	it("boot_rescue whose console never shows the login says what it shows at the deadline", async () => {
		const { server, env } = rig({ bootsTo: () => PANIC });
		const client = await connectClient(env);
		const result = (await client.callTool({
			name: "boot_rescue",
			arguments: { serverId: server, confirm: true, timeoutSeconds: 10 },
		})) as Result;
		expect(result.isError, text(result)).toBeFalsy();
		expect(text(result)).toMatch(
			/After 1\d s the console does not show the rescue system's login yet; it shows the screen below\./,
		);
		expect(text(result)).toContain("Kernel panic - not syncing");
		expect(result.structuredContent).toMatchObject({ booted: false });
		await client.close();
	});

	it("the console keeps its last 50 actions: the oldest drops out, status shows the latest five", async () => {
		const { server, env } = rig();
		const seeded: AuditEntry[] = Array.from({ length: 50 }, (_, i) => ({
			time: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
			action: "nmi",
			who: `seed-${i}`,
			outcome: "done",
		}));
		await stored(server, "power-audit", seeded);
		const client = await connectClient(env);
		const reset = (await client.callTool({
			name: "power",
			arguments: { serverId: server, action: "reset", confirm: true },
		})) as Result;
		expect(reset.isError, text(reset)).toBeFalsy();
		const trail = (await stored<AuditEntry[]>(server, "power-audit")) ?? [];
		expect(trail.length).toBe(50);
		expect(trail[0].who).toBe("seed-1");
		expect(trail.at(-1)).toMatchObject({ action: "reset", who: "loopback", outcome: "done" });
		const status = (await client.callTool({
			name: "power",
			arguments: { serverId: server, action: "status" },
		})) as Result;
		const recent = (status.structuredContent as { recent: AuditEntry[] }).recent;
		expect(recent.map((e) => e.who)).toEqual([
			"seed-46",
			"seed-47",
			"seed-48",
			"seed-49",
			"loopback",
		]);
		await client.close();
	});

	it("409 (a task already running) and 403 (no rule) reach the user as such, and are audited as failed", async () => {
		const { server, ovh, env, host } = rig();
		const client = await connectClient(env);
		ovh.inject({
			method: "POST",
			path: `/dedicated/server/${server}/reboot`,
			status: 409,
			body: {
				class: "Client::Conflict",
				message: "A reboot task is already running on this server",
			},
		});
		const busy = (await client.callTool({
			name: "power",
			arguments: { serverId: server, action: "reset", confirm: true },
		})) as Result;
		expect(busy.isError).toBe(true);
		expect(text(busy)).toMatch(/HTTP 409.*OVH is already running a task on/);
		ovh.inject({
			method: "PUT",
			path: `/dedicated/server/${server}`,
			status: 403,
			body: { errorCode: "NOT_GRANTED_CALL", message: "This call has not been granted" },
		});
		const refused = (await client.callTool({
			name: "boot_rescue",
			arguments: { serverId: server, confirm: true },
		})) as Result;
		expect(refused.isError).toBe(true);
		expect(text(refused)).toContain('add {"method": "PUT", "path": "/dedicated/server/*"}');
		expect(host.bootId).toBe(7);
		const status = (await client.callTool({
			name: "power",
			arguments: { serverId: server, action: "status" },
		})) as Result;
		expect(text(status)).toMatch(/ reset by loopback: failed: OVH API POST .* HTTP 409/);
		expect(text(status)).toMatch(/ boot_rescue by loopback: failed: OVH API PUT .* HTTP 403/);
		await client.close();
	});
});
