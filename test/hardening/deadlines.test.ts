/**
 * Stalls: whatever hangs (the BMC mid-frame, a VNC server, the OVH API, an
 * OVH task, a link too slow to finish), the tool call ends by
 * TOOL_TIMEOUT_SECONDS and says which stage was running; every socket is
 * closed; and once the stall is gone the same server answers. The stalls run
 * side by side, each on its own server, so the suite waits for one deadline.
 */
import { expect, it } from "vitest";
import { connectClient } from "../support/mcp-client.ts";
import { allClosed, aspeedFrame, consoleScreen, flatScreen, OvhWorld, VncWorld } from "./rig.ts";
import { capturedLogsPerTest, samePixels, Transcript } from "./support.ts";

const logs = capturedLogsPerTest();

const TIMEOUT_S = 5;

function timeoutText(stage: string): string {
	return (
		`No screenshot within ${TIMEOUT_S} s (TOOL_TIMEOUT_SECONDS); this stage did not finish: ${stage}. ` +
		"Try again; if it keeps timing out, the console is unreachable or slow, and a larger TOOL_TIMEOUT_SECONDS gives it longer."
	);
}

it("every stall ends at TOOL_TIMEOUT_SECONDS naming its stage, closes its sockets, and the server answers afterwards", {
	timeout: 30_000,
}, async () => {
	const env = { TOOL_TIMEOUT_SECONDS: String(TIMEOUT_S) };
	const screen = aspeedFrame(consoleScreen("stalls", 0x603010));

	const ovh = new OvhWorld();
	const bmcStall = ovh.addServer("ns-stall-bmc.eu", () => screen.frame, ovh.env(env), {
		misbehave: "stall",
	});
	const apiHang = ovh.addServer("ns-stall-api.eu", () => screen.frame, ovh.env(env));
	ovh.ovh.inject({ path: /ns-stall-api\.eu\/features\/ipmi$/, hang: true });
	const drip = ovh.addServer("ns-stall-drip.eu", () => screen.frame, ovh.env(env));
	drip.faults.slowLink = { bytes: 1, everyMs: 20 };

	// A task that never finishes needs an OVH of its own: task plans are per mock.
	const slowTasks = new OvhWorld();
	slowTasks.ovh.taskPlan = { pollsToFinish: 1, outcome: "never", comment: "" };
	slowTasks.addServer("ns-stall-task.eu", () => screen.frame, slowTasks.env(env));
	// The Worker checks ids against the deployment's own account, which lists this server too.
	ovh.ovh.addServer("ns-stall-task.eu");

	const vnc = new VncWorld();
	const vncScreen = flatScreen(40, 30, [10, 200, 90]);
	const vncStall = vnc.addServer("vnc-stall", vncScreen);
	vncStall.fault = "stall";
	const allEnv = { ...ovh.env(env), ...vnc.env(env) };
	vnc.inject(allEnv);

	const transcript = new Transcript();
	const client = await connectClient(allEnv);
	const started = Date.now();
	const errors = await Promise.all(
		["ns-stall-bmc.eu", "ns-stall-api.eu", "ns-stall-drip.eu", "ns-stall-task.eu", "vnc-stall"].map(
			(id) => transcript.failure(client, id),
		),
	);
	const elapsed = Date.now() - started;
	expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_S * 1000 - 100);
	expect(elapsed).toBeLessThan(TIMEOUT_S * 1000 + 3000);
	const taskId = [...slowTasks.ovh.tasks.keys()][0];
	expect(errors).toEqual([
		timeoutText("Waiting for a video frame from the BMC"),
		timeoutText("Checking the IPMI features of ns-stall-api.eu"),
		// The handshake's few bytes get through the slow link; the frame does not.
		timeoutText("Waiting for a video frame from the BMC"),
		timeoutText(`OVH task ${taskId} (requestAccessIPMI): doing`),
		timeoutText("Waiting for a framebuffer update from the VNC server"),
	]);
	for (const sockets of [bmcStall.bmc.connections, drip.bmc.connections, vncStall.sockets]) {
		expect(sockets.length).toBe(1);
		expect(await allClosed(sockets)).toBe(true);
	}

	// Stalls gone: the same servers answer.
	bmcStall.bmcOptions.misbehave = undefined;
	drip.faults.slowLink = null;
	slowTasks.ovh.taskPlan = { pollsToFinish: 1, outcome: "done", comment: "Access granted" };
	vncStall.fault = null;
	const shots = await Promise.all(
		["ns-stall-bmc.eu", "ns-stall-api.eu", "ns-stall-drip.eu", "ns-stall-task.eu", "vnc-stall"].map(
			(id) => transcript.image(client, id),
		),
	);
	for (const shot of shots.slice(0, 4)) expect(samePixels(shot, screen.decoded)).toBe(true);
	expect(samePixels(shots[4], vncScreen)).toBe(true);
	expect(apiHang.bmc.connections.length).toBe(1);
	transcript.expectNoLeaks([...ovh.secrets, ...slowTasks.secrets, ...vnc.secrets], logs.lines);
	await client.close();
});
