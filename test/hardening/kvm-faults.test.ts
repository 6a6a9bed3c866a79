/**
 * Faults on the OVH path, through the MCP client, the Worker and the
 * ConsoleSession: mock OVH API -> IPMI task -> mock AMI BMC. Each fault must
 * end the call with a specific error, close every KVM socket it opened, leak
 * no secret, and leave the session able to serve the next call once the
 * fault is gone.
 */
import { describe, expect, it } from "vitest";
import { Ast2x00Decoder } from "../../src/kvm/ast2x00/decoder.ts";
import { KvmClient } from "../../src/kvm/kvm-client.ts";
import { connectClient } from "../support/mcp-client.ts";
import { allClosed, aspeedFrame, consoleScreen, flatScreen, OvhWorld } from "./rig.ts";
import { capturedLogsPerTest, samePixels, Transcript } from "./support.ts";

const logs = capturedLogsPerTest();

const SHORT = { TOOL_TIMEOUT_SECONDS: "5" };
const screen = aspeedFrame(consoleScreen("ovh console", 0x204080));

let serial = 0;
function setup(bmc: Parameters<OvhWorld["addServer"]>[3] = {}, shown = screen) {
	const world = new OvhWorld();
	const env = world.env(SHORT);
	const name = `ns${1000 + ++serial}.ip-203-0-113.eu`;
	const server = world.addServer(name, () => shown.frame, env, bmc);
	return { world, env, name, server, transcript: new Transcript() };
}

describe("OVH + AMI BMC faults through MCP", { timeout: 20_000 }, () => {
	it.each([
		[
			"close-mid-frame",
			'the BMC closed the KVM connection (code 1011; the BMC said: "video engine reset")',
		],
		["garbage", "IVTP"],
		[
			"reject-validation",
			"the BMC refused the KVM token (invalid, expired or already used). Try again: the next screenshot opens a new console session.",
		],
		["terminate-session", "the BMC ended the KVM session"],
		[
			"too-many-sessions",
			"the BMC refused the KVM session: it has as many KVM sessions open as it allows",
		],
	] as const)("BMC %s: a specific error, sockets closed, then a good shot", async (fault, text) => {
		const { world, env, name, server, transcript } = setup({ misbehave: fault });
		const client = await connectClient(env);
		const error = await transcript.failure(client, name);
		expect(error).toContain(text);
		expect(server.bmc.connections.length).toBe(1);
		expect(await allClosed(server.bmc.connections)).toBe(true);

		server.bmcOptions.misbehave = undefined;
		expect(samePixels(await transcript.image(client, name), screen.decoded)).toBe(true);
		transcript.expectNoLeaks(world.secrets, logs.lines);
		await client.close();
	});

	it("a reused KVM token is refused with a specific error; the next call gets a fresh one", async () => {
		const { world, env, name, server, transcript } = setup();
		// Burn a token on this BMC, as another viewer would.
		const burnt = await KvmClient.connect({
			fetch: world.transport,
			from: { viewerUrl: server.bmc.viewerUrl() },
			decoder: new Ast2x00Decoder(),
		});
		burnt.close();
		server.faults.reuseKvmToken = true;
		const client = await connectClient(env);
		const error = await transcript.failure(client, name);
		expect(error).toBe(
			"the BMC refused the KVM token (invalid, expired or already used). Try again: the next screenshot opens a new console session.",
		);
		expect(await allClosed(server.bmc.connections)).toBe(true);

		server.faults.reuseKvmToken = false;
		expect(samePixels(await transcript.image(client, name), screen.decoded)).toBe(true);
		transcript.expectNoLeaks(world.secrets, logs.lines);
		await client.close();
	});

	it("a powered-off server says so after a short wait for a picture, and asking again costs no new OVH task", async () => {
		const { world, env, name, server, transcript } = setup({ power: "off" });
		const client = await connectClient(env);
		const poweredOff =
			"the server appears to be powered off (the BMC reports power off and sends no picture)";
		expect(await transcript.failure(client, name)).toBe(poweredOff);
		const tasks = world.ovh.tasks.size;
		expect(await transcript.failure(client, name)).toBe(poweredOff);
		server.bmcOptions.power = "on";
		expect(samePixels(await transcript.image(client, name), screen.decoded)).toBe(true);
		// Each retry reopened the KVM socket from the kept BMC web session.
		expect(world.ovh.tasks.size).toBe(tasks);
		expect(server.bmc.connections.length).toBe(3);
		expect(await allClosed(server.bmc.connections.slice(0, 2))).toBe(true);
		transcript.expectNoLeaks(world.secrets, logs.lines);
		await client.close();
	});

	it("an expired viewer URL is reported as such; the next call asks OVH for a new one", async () => {
		const { world, env, name, server, transcript } = setup();
		server.faults.staleViewerUrl = true;
		const client = await connectClient(env);
		const error = await transcript.failure(client, name);
		expect(error).toBe(
			"viewer URL expired or already used: the BMC redirected it to its login page. Try again: the next screenshot opens a new console session.",
		);
		expect(server.bmc.connections.length).toBe(0);

		server.faults.staleViewerUrl = false;
		const tasks = world.ovh.tasks.size;
		expect(samePixels(await transcript.image(client, name), screen.decoded)).toBe(true);
		expect(world.ovh.tasks.size).toBe(tasks + 1);
		transcript.expectNoLeaks(world.secrets, logs.lines);
		await client.close();
	});

	it("a one-byte-at-a-time link still gives the exact screen within the deadline", async () => {
		const small = aspeedFrame(flatScreen(32, 16, [200, 40, 40]));
		const { world, env, name, server, transcript } = setup({}, small);
		server.faults.slowLink = { bytes: 1, everyMs: 1 };
		const client = await connectClient(env);
		expect(samePixels(await transcript.image(client, name), small.decoded)).toBe(true);
		transcript.expectNoLeaks(world.secrets, logs.lines);
		await client.close();
	});
});

describe("OVH API faults through MCP", { timeout: 20_000 }, () => {
	it.each([
		[
			403,
			{ errorCode: "NOT_GRANTED_CALL", message: "This call has not been granted" },
			'OVH API GET /dedicated/server/NAME/features/ipmi failed with HTTP 403 NOT_GRANTED_CALL; OVH said: "This call has not been granted". Check OVH_APPLICATION_KEY and OVH_CONSUMER_KEY: the consumer key must be validated and grant the access rules listed in the README.',
		],
		[
			429,
			{ message: "Too many requests" },
			'OVH API GET /dedicated/server/NAME/features/ipmi failed with HTTP 429; OVH said: "Too many requests" (after 3 attempts). OVH is rate-limiting this account: wait a minute, then try again.',
		],
		[
			503,
			{ message: "Service unavailable" },
			'OVH API GET /dedicated/server/NAME/features/ipmi failed with HTTP 503; OVH said: "Service unavailable" (after 3 attempts). OVH\'s API is failing on its side: try again in a few minutes.',
		],
	] as const)(
		"OVH answering %i: a specific error, then a good shot",
		async (status, body, text) => {
			const { world, env, name, transcript } = setup();
			// 403 is final; 429 and 5xx are retried, twice.
			world.ovh.inject({ path: /\/features\/ipmi$/, status, body, times: status === 403 ? 1 : 3 });
			const client = await connectClient(env);
			const error = await transcript.failure(client, name);
			expect(error).toBe(text.replace("NAME", name));
			expect(samePixels(await transcript.image(client, name), screen.decoded)).toBe(true);
			transcript.expectNoLeaks(world.secrets, logs.lines);
			await client.close();
		},
	);
});
