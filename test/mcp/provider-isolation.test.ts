import { describe, expect, it } from "vitest";
import { connectClient } from "../support/mcp-client.ts";
import { testWorld } from "../support/test-worker.ts";

type Listed = {
	servers: { id: string; provider: string }[];
	unavailable: { provider: string; error: string }[];
};

async function listed(env: Record<string, unknown>) {
	const client = await connectClient(env);
	const result = await client.callTool({ name: "list_servers", arguments: {} });
	return { client, result, structured: result.structuredContent as Listed };
}

async function screenshotText(client: Awaited<ReturnType<typeof connectClient>>, serverId: string) {
	const result = await client.callTool({ name: "get_screenshot", arguments: { serverId } });
	const text = (result.content as { type: string; text?: string }[])
		.map((c) => c.text ?? c.type)
		.join("\n");
	return { isError: result.isError === true, text };
}

describe("one broken provider does not take down the others", () => {
	it("a malformed VNC_TARGETS is listed as unavailable; the demo still works; its ids get the error", async () => {
		const sessionsBefore = testWorld.sessionsCreated.length;
		const { client, result, structured } = await listed({
			DEMO: "on",
			VNC_TARGETS: JSON.stringify([{ id: "node1", url: "http://not-a-websocket" }]),
		});
		expect(result.isError).toBeFalsy();
		expect(structured.servers.map((s) => s.provider)).toEqual(["demo"]);
		expect(structured.unavailable).toEqual([
			{
				provider: "vnc",
				error: "VNC_TARGETS is invalid at 0.url: url must be a ws:// or wss:// URL",
			},
		]);
		const texts = (result.content as { text: string }[]).map((c) => c.text);
		expect(texts).toContain(
			"Could not list vnc servers: VNC_TARGETS is invalid at 0.url: url must be a ws:// or wss:// URL",
		);

		const demo = await screenshotText(client, structured.servers[0].id);
		expect(demo.isError).toBe(false);
		expect(demo.text).toMatch(/^image\nConsole of /);

		const broken = await screenshotText(client, "node1");
		expect(broken).toEqual({
			isError: true,
			text: "VNC_TARGETS is invalid at 0.url: url must be a ws:// or wss:// URL",
		});
		// Only the demo's console got a Durable Object.
		expect(
			testWorld.sessionsCreated.slice(sessionsBefore).every((n) => n.startsWith("demo:")),
		).toBe(true);
		await client.close();
	});

	it("VNC_TARGETS that is not JSON: listed as unavailable, and an id no one else has gets its error", async () => {
		const { client, structured } = await listed({ DEMO: "on", VNC_TARGETS: "[{id: node1" });
		expect(structured.servers.map((s) => s.provider)).toEqual(["demo"]);
		expect(structured.unavailable).toHaveLength(1);
		expect(structured.unavailable[0].error).toMatch(/^VNC_TARGETS is not valid JSON/);
		const broken = await screenshotText(client, "node1");
		expect(broken.isError).toBe(true);
		expect(broken.text).toMatch(/^VNC_TARGETS is not valid JSON/);
		await client.close();
	});

	it("a partly configured OVH is listed as unavailable; the demo still works; OVH ids get the error", async () => {
		const { client, result, structured } = await listed({
			DEMO: "on",
			OVH_ENDPOINT: "ovh-eu",
			OVH_APPLICATION_KEY: "ak",
		});
		expect(result.isError).toBeFalsy();
		expect(structured.servers.map((s) => s.provider)).toEqual(["demo"]);
		expect(structured.unavailable).toEqual([
			{
				provider: "ovh",
				error: expect.stringMatching(
					/^OVH is partly configured: OVH_APPLICATION_SECRET, OVH_CONSUMER_KEY are not set/,
				),
			},
		]);
		const demo = await screenshotText(client, structured.servers[0].id);
		expect(demo.isError).toBe(false);
		const broken = await screenshotText(client, "ns3001234.ip-51-75-1.eu");
		expect(broken.isError).toBe(true);
		expect(broken.text).toBe(structured.unavailable[0].error);
		await client.close();
	});
});
