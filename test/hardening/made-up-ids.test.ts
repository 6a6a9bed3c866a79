/**
 * Made-up server ids: the Worker checks an id against the provider's cached
 * server list before it routes to a console's Durable Object, so a flood of
 * random ids creates no object, stores nothing and starts no IPMI access.
 */
import { describe, expect, it } from "vitest";
import { ServerIdCache } from "../../src/providers/ovh/server-ids.ts";
import { connectClient } from "../support/mcp-client.ts";
import { testWorld } from "../support/test-worker.ts";
import { aspeedFrame, consoleScreen, OvhWorld, resultTexts } from "./rig.ts";
import { capturedLogsPerTest, Transcript } from "./support.ts";

capturedLogsPerTest();

it("random OVH ids create no console session and no IPMI access, and are refused from the cache when repeated", {
	timeout: 30_000,
}, async () => {
	const world = new OvhWorld();
	const env = world.env();
	const screen = aspeedFrame(consoleScreen("real server", 0x204060));
	const real = world.addServer("ns-real.eu", () => screen.frame, env);
	const client = await connectClient(env);
	const transcript = new Transcript();
	const madeUp = Array.from(
		{ length: 40 },
		(_, i) => `ns${i}-${crypto.randomUUID().slice(0, 8)}.eu`,
	);
	const sessionsBefore = testWorld.sessionsCreated.length;

	const errors = await Promise.all(madeUp.map((id) => transcript.failure(client, id)));
	for (const [i, error] of errors.entries()) {
		expect(error).toBe(
			`No configured provider has a server "${madeUp[i]}". Call list_servers for valid ids.`,
		);
	}
	const lists = world.ovh.requestsTo(/^\/dedicated\/server$/, "GET").length;
	expect(lists).toBeGreaterThan(0);
	expect(lists).toBeLessThanOrEqual(madeUp.length);
	// Asked again within the negative cache's 15 s: answered from memory.
	await Promise.all(madeUp.map((id) => transcript.failure(client, id)));
	expect(world.ovh.requestsTo(/^\/dedicated\/server$/, "GET").length).toBe(lists);

	expect(testWorld.sessionsCreated.slice(sessionsBefore)).toEqual([]);
	expect(world.ovh.requestsTo(/\/features\/ipmi\/access$/, "POST")).toEqual([]);

	// The real server is served, and checking it again costs no API call.
	expect((await transcript.shoot(client, real.name)).isError).toBeFalsy();
	const listsAfterReal = world.ovh.requestsTo(/^\/dedicated\/server$/, "GET").length;
	const again = await transcript.shoot(client, real.name);
	expect(resultTexts(again).join("\n")).toMatch(/reused the open console session/);
	expect(world.ovh.requestsTo(/^\/dedicated\/server$/, "GET").length).toBe(listsAfterReal);
	expect(testWorld.sessionsCreated.slice(sessionsBefore)).toEqual([`ovh:${real.name}`]);
	await client.close();
});

describe("the server id cache", () => {
	const account = "https://eu.api.ovh.com/1.0 ak ck";
	function rig() {
		let now = 1_000_000;
		const reads: string[][] = [];
		let ids = ["a", "b"];
		const cache = new ServerIdCache(() => now);
		const read = async () => {
			reads.push(ids);
			return ids;
		};
		return {
			cache,
			reads,
			has: (id: string) => cache.has(account, id, read),
			advance: (ms: number) => {
				now += ms;
			},
			setIds: (next: string[]) => {
				ids = next;
			},
		};
	}

	it("answers yes from one read for a minute", async () => {
		const r = rig();
		expect(await r.has("a")).toBe(true);
		r.advance(59_000);
		expect(await r.has("b")).toBe(true);
		expect(r.reads.length).toBe(1);
		r.advance(2000);
		expect(await r.has("a")).toBe(true);
		expect(r.reads.length).toBe(2);
	});

	it("answers no for 15 s without asking, then asks again and sees a new server", async () => {
		const r = rig();
		expect(await r.has("c")).toBe(false);
		r.setIds(["a", "b", "c"]);
		r.advance(14_000);
		expect(await r.has("c")).toBe(false);
		expect(r.reads.length).toBe(1);
		r.advance(2000);
		expect(await r.has("c")).toBe(true);
		expect(r.reads.length).toBe(2);
	});

	it("shares one read among concurrent checks", async () => {
		const r = rig();
		const answers = await Promise.all(["a", "x", "y", "b"].map((id) => r.has(id)));
		expect(answers).toEqual([true, false, false, true]);
		expect(r.reads.length).toBe(1);
	});

	it("remembers a bounded number of unknown ids, forgetting the oldest", async () => {
		const r = rig();
		for (let i = 0; i < 5000; i++) await r.has(`made-up-${i}`);
		const reads = r.reads.length;
		// The first ones were forgotten (only 4096 are kept), so asking for one reads again.
		await r.has("made-up-0");
		expect(r.reads.length).toBe(reads + 1);
		await r.has("made-up-4999");
		expect(r.reads.length).toBe(reads + 1);
	});
});
