/**
 * What a screenshot logs: one JSON line per capture stage, with the console,
 * the stage, its duration and the running total; and no secret anywhere,
 * MCP_BEARER_TOKEN included, on the happy path as on a failure.
 */
import { expect, it } from "vitest";
import { connectClient } from "../support/mcp-client.ts";
import { aspeedFrame, consoleScreen, OvhWorld, plantedSecret } from "./rig.ts";
import { capturedLogsPerTest, samePixels, Transcript } from "./support.ts";

const logs = capturedLogsPerTest();

interface LogLine {
	event: string;
	console: string;
	stage: string;
	stageMs: number;
	totalMs: number;
	[field: string]: unknown;
}

it("a screenshot logs one JSON line per stage with console, stage, stageMs and totalMs, and no secret", {
	timeout: 20_000,
}, async () => {
	const world = new OvhWorld();
	const bearer = plantedSecret("mcpBearer");
	world.secrets.add(bearer);
	const env = world.env({ MCP_BEARER_TOKEN: bearer });
	const screen = aspeedFrame(consoleScreen("logged", 0x303030));
	const server = world.addServer("ns-logs.eu", () => screen.frame, env);
	const transcript = new Transcript();
	const client = await connectClient(env, {
		url: "https://ikvm.example.workers.dev/mcp",
		headers: { Authorization: `Bearer ${bearer}` },
	});
	expect(samePixels(await transcript.image(client, server.name), screen.decoded)).toBe(true);

	const lines = logs.lines.map((line) => JSON.parse(line) as LogLine);
	const ours = lines.filter((l) => l.console === `ovh:${server.name}`);
	expect(ours.length).toBe(lines.length);
	for (const line of ours) {
		expect(typeof line.stage).toBe("string");
		expect(Number.isInteger(line.stageMs) && line.stageMs >= 0).toBe(true);
		expect(Number.isInteger(line.totalMs) && line.totalMs >= line.stageMs).toBe(true);
	}
	const stages = (event: string) => ours.filter((l) => l.event === event).map((l) => l.stage);
	expect(stages("capture")).toEqual([
		"asking OVH for IPMI access",
		`Checking the IPMI features of ${server.name}`,
		`Asking OVH for a 15-minute HTML5 KVM session on ${server.name} for ${world.ovh.geolocationIp}`,
		expect.stringMatching(/^OVH task \d+ \(requestAccessIPMI\): done$/),
		`Fetching the KVM viewer URL of ${server.name}`,
		"Opening the BMC's web session",
		"Opening the KVM connection",
		"Waiting for a video frame from the BMC",
	]);
	// Each line is a stage that ended, with its own duration: the stages add up to the whole.
	const capture = ours.filter((l) => l.event === "capture");
	expect(capture.reduce((sum, l) => sum + l.stageMs, 0)).toBe(capture[capture.length - 1].totalMs);
	// The OVH client waits a second before its first task poll: that second belongs to a stage.
	expect(Math.max(...capture.map((l) => l.stageMs))).toBeGreaterThanOrEqual(900);
	expect(stages("screenshot")).toEqual(["captured", "rendered"]);
	const captured = ours.find((l) => l.stage === "captured");
	expect(captured).toMatchObject({ warm: false, width: 144, height: 48 });

	// A failure is logged as a stage too, with its message: still no secret.
	world.ovh.inject({ path: /\/features\/ipmi$/, status: 403, body: { message: "denied" } });
	const failing = world.addServer("ns-logs-failing.eu", () => screen.frame, env);
	expect((await transcript.shoot(client, failing.name)).isError).toBe(true);
	expect(logs.lines.some((l) => JSON.parse(l).stage === "failed")).toBe(true);
	transcript.expectNoLeaks(world.secrets, logs.lines);
	await client.close();
});
