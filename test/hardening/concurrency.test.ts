/**
 * Many calls at once, through the MCP client: callers of one server share one
 * BMC session (the KVM token is single-use), and servers side by side stay
 * independent, each response showing its own server's pixels.
 */
import { expect, it } from "vitest";
import { connectClient } from "../support/mcp-client.ts";
import { aspeedFrame, consoleScreen, OvhWorld } from "./rig.ts";
import { capturedLogsPerTest, samePixels, Transcript } from "./support.ts";

const logs = capturedLogsPerTest();

it("50 simultaneous screenshots of one server use one OVH task and one KVM connection, and all get the image", {
	timeout: 30_000,
}, async () => {
	const world = new OvhWorld();
	const env = world.env();
	const screen = aspeedFrame(consoleScreen("fifty callers", 0x106040));
	const server = world.addServer("ns-fifty.eu", () => screen.frame, env, { split: "awkward" });
	const transcript = new Transcript();
	const client = await connectClient(env);
	const shots = await Promise.all(
		Array.from({ length: 50 }, () => transcript.image(client, server.name)),
	);
	expect(shots.filter((shot) => samePixels(shot, screen.decoded)).length).toBe(50);
	expect(world.ovh.requestsTo(/\/features\/ipmi\/access$/, "POST").length).toBe(1);
	expect(world.ovh.tasks.size).toBe(1);
	expect(server.bmc.connections.length).toBe(1);
	expect(server.bmc.connections[0].isClosed).toBe(false);
	transcript.expectNoLeaks(world.secrets, logs.lines);
	await client.close();
});

it("20 servers in parallel stay independent: each response carries its own server's pixels", {
	timeout: 30_000,
}, async () => {
	const world = new OvhWorld();
	const env = world.env();
	const servers = Array.from({ length: 20 }, (_, i) => {
		// A colour and a label of its own, so a mix-up shows in every pixel row.
		const bg = (((i * 53) % 256) << 16) | ((255 - i * 11) << 8) | ((i * 97) % 256);
		const screen = aspeedFrame(consoleScreen(`server ${i}`, bg));
		const rig = world.addServer(`ns${2000 + i}.ip-203-0-113.eu`, () => screen.frame, env, {
			split: "awkward",
			seed: i + 1,
		});
		return { rig, screen };
	});
	const images = servers.map((s) => s.screen.decoded);
	for (let i = 1; i < images.length; i++) expect(samePixels(images[i], images[0])).toBe(false);

	const transcript = new Transcript();
	const client = await connectClient(env);
	// Each server twice at once, so both sharing and independence are in play.
	const order = [...servers, ...servers].map((s, i) => ({ s, i }));
	const shots = await Promise.all(order.map(({ s }) => transcript.image(client, s.rig.name)));
	shots.forEach((shot, k) => {
		const own = order[k].s.screen.decoded;
		expect(samePixels(shot, own), `response ${k} for ${order[k].s.rig.name}`).toBe(true);
	});
	expect(world.ovh.tasks.size).toBe(20);
	for (const { rig } of servers) expect(rig.bmc.connections.length).toBe(1);
	transcript.expectNoLeaks(world.secrets, logs.lines);
	await client.close();
});
