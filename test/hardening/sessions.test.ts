/**
 * What a console's Durable Object keeps between calls: `warm` only when the
 * very same connection served the frame, no stored alarm while nothing is
 * open, and one rendering per capture and `raw` setting however many callers
 * share it.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { connectClient } from "../support/mcp-client.ts";
import { allClosed, flatScreen, resultTexts, VncWorld } from "./rig.ts";
import { capturedLogsPerTest, Transcript } from "./support.ts";

const logs = capturedLogsPerTest();

function storedAlarm(name: string): Promise<number | null> {
	return runInDurableObject(env.CONSOLE_SESSION.getByName(name), (_instance, state) =>
		state.storage.getAlarm(),
	);
}

it("says the session was reused only when the same connection served the frame", async () => {
	const vnc = new VncWorld();
	const rig = vnc.addServer("vnc-warm", flatScreen(32, 24, [200, 40, 40]));
	const env = vnc.env({ IDLE_SECONDS: "1" });
	vnc.inject(env);
	const client = await connectClient(env);
	const transcript = new Transcript();
	const says = async () => resultTexts(await transcript.shoot(client, rig.id)).join("\n");

	expect(await says()).toMatch(/new console session/);
	expect(await says()).toMatch(/reused the open console session/);
	expect(rig.sockets.length).toBe(1);

	// The idle alarm closes the connection; the next frame comes over a new one.
	expect(await allClosed(rig.sockets, 5000)).toBe(true);
	expect(await says()).toMatch(/new console session/);
	expect(rig.sockets.length).toBe(2);
	await client.close();
});

it("stores no alarm for a console whose capture failed, and one while a connection is open", async () => {
	const vnc = new VncWorld();
	const refusing = vnc.addServer("vnc-no-alarm", flatScreen(32, 24, [0, 0, 0]));
	refusing.fault = "bad-greeting";
	const working = vnc.addServer("vnc-alarm", flatScreen(32, 24, [0, 90, 0]));
	const env = vnc.env();
	vnc.inject(env);
	const client = await connectClient(env);
	const transcript = new Transcript();

	await transcript.failure(client, refusing.id);
	expect(await storedAlarm(`vnc:${refusing.id}`)).toBeNull();

	await transcript.image(client, working.id);
	expect(await storedAlarm(`vnc:${working.id}`)).toBeGreaterThan(Date.now());
	await client.close();
});

it("renders once per capture and raw setting, however many callers share the capture", async () => {
	const vnc = new VncWorld();
	const rig = vnc.addServer("vnc-render-once", flatScreen(64, 48, [20, 20, 160]));
	const env = vnc.env();
	vnc.inject(env);
	const client = await connectClient(env);
	const transcript = new Transcript();
	const calls = Array.from({ length: 15 }, (_, i) => transcript.shoot(client, rig.id, i % 2 === 0));
	const results = await Promise.all(calls);
	expect(results.every((r) => !r.isError)).toBe(true);

	const stages = logs.lines
		.map((line) => JSON.parse(line) as { event: string; stage: string })
		.filter((l) => l.event === "screenshot");
	const captures = stages.filter((l) => l.stage === "captured").length;
	const renders = stages.filter((l) => l.stage === "rendered").length;
	expect(captures).toBe(15);
	// However the 15 calls fell into shared captures, each capture was rendered at most once per raw setting.
	expect(renders).toBeLessThanOrEqual(2 * rig.frameRequests);
	expect(renders).toBeLessThan(15);
	await client.close();
});
