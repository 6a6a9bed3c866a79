import { describe, expect, it } from "vitest";
import { ProtocolError } from "../../src/errors.ts";
import { OvhApiError } from "../../src/providers/ovh/errors.ts";
import { listServers } from "../../src/providers/ovh/servers.ts";
import { ovhTestRig } from "../mocks/mock-ovh.ts";

describe("listServers", () => {
	it("reports each server by reverse, with datacenter and IP, in OVH's order", async () => {
		const { mock, client } = ovhTestRig();
		mock.addServer("ns3001234.ip-51-75-1.eu", {
			reverse: "db1.example.org.",
			datacenter: "rbx8",
			ip: "51.75.1.10",
		});
		mock.addServer("ns5005678.ip-141-94-2.eu", {
			reverse: null,
			datacenter: "sbg5",
			ip: "141.94.2.20",
		});
		expect(await listServers(client)).toEqual([
			{
				id: "ns3001234.ip-51-75-1.eu",
				name: "db1.example.org",
				provider: "ovh",
				datacenter: "rbx8",
				ip: "51.75.1.10",
			},
			{
				id: "ns5005678.ip-141-94-2.eu",
				name: "ns5005678.ip-141-94-2.eu",
				provider: "ovh",
				datacenter: "sbg5",
				ip: "141.94.2.20",
			},
		]);
		expect(mock.requests.map((r) => r.path)).toEqual([
			"/auth/time",
			"/dedicated/server",
			"/dedicated/server/ns3001234.ip-51-75-1.eu",
			"/dedicated/server/ns5005678.ip-141-94-2.eu",
		]);
	});

	it("answers an empty list for an account without servers", async () => {
		const { client } = ovhTestRig();
		expect(await listServers(client)).toEqual([]);
	});

	it("fetches details in parallel, at most 8 at a time", async () => {
		const { mock, client } = ovhTestRig({ mock: { latencyMs: 5 } });
		const names = Array.from({ length: 30 }, (_, i) => `ns${1000 + i}.ip-192-0-2.eu`);
		for (const name of names) mock.addServer(name);
		const servers = await listServers(client);
		expect(servers.map((s) => s.id)).toEqual(names);
		expect(mock.requestsTo(/^\/dedicated\/server\/ns/)).toHaveLength(30);
		expect(mock.maxInFlight).toBe(8);
	});

	it("honours a smaller concurrency", async () => {
		const { mock, client } = ovhTestRig({ mock: { latencyMs: 2 } });
		for (let i = 0; i < 6; i++) mock.addServer(`ns${i}`);
		await listServers(client, { concurrency: 2 });
		expect(mock.maxInFlight).toBe(2);
	});

	it("fails with OVH's error when a detail call fails, and stops starting new ones", async () => {
		const { mock, client } = ovhTestRig();
		for (let i = 0; i < 20; i++) mock.addServer(`ns${i}`);
		mock.inject({
			path: "/dedicated/server/ns0",
			status: 403,
			body: {
				errorCode: "NOT_GRANTED_CALL",
				httpCode: "403 Forbidden",
				message: "This call has not been granted",
			},
		});
		const error = await listServers(client, { concurrency: 2 }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(OvhApiError);
		expect((error as Error).message).toBe(
			'OVH API GET /dedicated/server/ns0 failed with HTTP 403 NOT_GRANTED_CALL; OVH said: "This call has not been granted". Check OVH_APPLICATION_KEY and OVH_CONSUMER_KEY: the consumer key must be validated and grant the access rules listed in the README.',
		);
		expect(mock.requestsTo(/^\/dedicated\/server\/ns/).length).toBeLessThan(20);
	});

	it("refuses an answer that is not a list of names", async () => {
		const { mock, client } = ovhTestRig();
		mock.inject({ path: "/dedicated/server", status: 200, body: { servers: [] } });
		await expect(listServers(client)).rejects.toThrow(
			new ProtocolError("OVH API GET /dedicated/server did not answer a list of service names"),
		);
	});

	it("refuses a service name that is not well-formed Unicode (found by fuzzing)", async () => {
		const { mock, client } = ovhTestRig();
		mock.inject({ path: "/dedicated/server", status: 200, body: ["\udfff x", "ns1"] });
		await expect(listServers(client)).rejects.toThrow(
			new ProtocolError("OVH API GET /dedicated/server did not answer a list of service names"),
		);
	});

	it("refuses details with a field of the wrong type", async () => {
		const { mock, client } = ovhTestRig();
		mock.addServer("ns1");
		mock.inject({ path: "/dedicated/server/ns1", status: 200, body: { name: "ns1", ip: 42 } });
		await expect(listServers(client)).rejects.toThrow(
			'OVH API GET /dedicated/server/ns1: "ip" is not a string',
		);
	});
});
