import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.ts";
import {
	isIpv4,
	OvhIpmiUnavailableError,
	OvhTaskError,
	requestKvmViewerUrl,
	resolveIpToAllow,
} from "../../src/providers/ovh/index.ts";
import type { Progress } from "../../src/providers/types.ts";
import { ovhTestRig } from "../mocks/mock-ovh.ts";
import { hostileText, INVISIBLE } from "../support/hostile.ts";

const SERVER = "ns3001234.ip-51-75-1.eu";
const IP = "203.0.113.50";

describe("requestKvmViewerUrl", () => {
	it("asks for access, follows the task to done and answers the viewer URL", async () => {
		const { mock, client, clock } = ovhTestRig();
		mock.addServer(SERVER);
		mock.taskPlan = { pollsToFinish: 3, outcome: "done", comment: "" };
		const progress: Progress[] = [];
		const viewer = await requestKvmViewerUrl(client, SERVER, {
			ipToAllow: IP,
			ttl: 5,
			onProgress: (p) => progress.push(p),
		});

		const [access] = mock.requestsTo(`/dedicated/server/${SERVER}/features/ipmi/access`, "POST");
		expect(access.body).toEqual({ type: "kvmipHtml5URL", ttl: 5, ipToAllow: IP });
		const [task] = [...mock.tasks.values()];
		expect(viewer.url).toBe(`https://kvm.mock-bmc.example/${SERVER}/${task.taskId}/viewer`);
		// The mock's clock, in whole seconds an hour ahead, stamps ttl minutes from its now.
		const mockNowMs = (Math.floor(clock.ms / 1000) + 3600) * 1000;
		expect(viewer.expiresAt).toBe(new Date(mockNowMs + 5 * 60_000).toISOString());

		expect(mock.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
			"GET /auth/time",
			`GET /dedicated/server/${SERVER}/features/ipmi`,
			`POST /dedicated/server/${SERVER}/features/ipmi/access`,
			`GET /dedicated/server/${SERVER}/task/${task.taskId}`,
			`GET /dedicated/server/${SERVER}/task/${task.taskId}`,
			`GET /dedicated/server/${SERVER}/task/${task.taskId}`,
			`GET /dedicated/server/${SERVER}/features/ipmi/access?type=kvmipHtml5URL`,
		]);
		expect(progress).toEqual([
			{ message: `Checking the IPMI features of ${SERVER}`, progress: 1 },
			{
				message: `Asking OVH for a 5-minute HTML5 KVM session on ${SERVER} for ${IP}`,
				progress: 2,
			},
			{ message: `OVH task ${task.taskId} (requestAccessIPMI): todo`, progress: 3 },
			{ message: `OVH task ${task.taskId} (requestAccessIPMI): doing`, progress: 4 },
			{ message: `OVH task ${task.taskId} (requestAccessIPMI): done`, progress: 5 },
			{ message: `Fetching the KVM viewer URL of ${SERVER}`, progress: 6 },
		]);
	});

	it("polls with a growing, capped backoff", async () => {
		const { mock, client, sleeps } = ovhTestRig();
		mock.addServer(SERVER);
		mock.taskPlan = { pollsToFinish: 7, outcome: "done", comment: "" };
		await requestKvmViewerUrl(client, SERVER, { ipToAllow: IP });
		expect(sleeps).toEqual([1000, 1500, 2250, 3375, 5000, 5000, 5000]);
		expect(mock.requestsTo(/\/task\//)).toHaveLength(7);
	});

	it.each([
		["cancelled", "Task cancelled by operator"],
		["customerError", "IPMI is in an unknown state, please reset the interface"],
		["ovhError", "Internal error while creating the KVM session"],
	] as const)("fails with OVH's comment when the task ends %s", async (status, comment) => {
		const { mock, client } = ovhTestRig();
		mock.addServer(SERVER);
		mock.taskPlan = { pollsToFinish: 2, outcome: status, comment };
		const error = await requestKvmViewerUrl(client, SERVER, { ipToAllow: IP }).catch(
			(e: unknown) => e,
		);
		const [task] = [...mock.tasks.values()];
		expect(error).toBeInstanceOf(OvhTaskError);
		expect(error).toMatchObject({ taskId: task.taskId, status });
		expect((error as Error).message).toBe(
			`OVH task ${task.taskId} (requestAccessIPMI) on ${SERVER} ended ${status}; OVH said: "${comment}"`,
		);
		expect(mock.requestsTo(/features\/ipmi\/access\?/)).toHaveLength(0);
	});

	it("quotes a hostile task comment as OVH's, capped and cleaned", async () => {
		const { mock, client } = ovhTestRig();
		mock.addServer(SERVER);
		mock.taskPlan = { pollsToFinish: 1, outcome: "ovhError", comment: hostileText() };
		const error = (await requestKvmViewerUrl(client, SERVER, { ipToAllow: IP }).catch(
			(e: unknown) => e,
		)) as Error;
		expect(error).toBeInstanceOf(OvhTaskError);
		expect(error.message).toMatch(/ended ovhError; OVH said: "<script>alert\(1\)<\/script> /);
		expect(error.message).not.toMatch(INVISIBLE);
		expect(error.message.length).toBeLessThan(450);
	});

	it("gives up at its deadline, naming the task and its last status", async () => {
		const { mock, client, clock } = ovhTestRig();
		mock.addServer(SERVER);
		mock.taskPlan = { pollsToFinish: 1, outcome: "never", comment: "" };
		const start = clock.ms;
		const error = await requestKvmViewerUrl(client, SERVER, {
			ipToAllow: IP,
			deadlineMs: 30_000,
		}).catch((e: unknown) => e);
		const [task] = [...mock.tasks.values()];
		expect(error).toBeInstanceOf(OvhTaskError);
		expect((error as Error).message).toBe(
			`Timed out after 30 s waiting for OVH task ${task.taskId} (status: doing) to open the KVM of ${SERVER}`,
		);
		expect(clock.ms - start).toBe(30_000);
	});

	it("stops when the caller aborts between polls", async () => {
		const { mock, client } = ovhTestRig();
		mock.addServer(SERVER);
		mock.taskPlan = { pollsToFinish: 1, outcome: "never", comment: "" };
		const controller = new AbortController();
		const reason = new Error("cancelled by the user");
		let polls = 0;
		const error = await requestKvmViewerUrl(client, SERVER, {
			ipToAllow: IP,
			signal: controller.signal,
			onProgress: (p) => {
				if (p.message.endsWith("doing") && ++polls === 2) controller.abort(reason);
			},
		}).catch((e: unknown) => e);
		expect(error).toBe(reason);
		expect(mock.requestsTo(/\/task\//)).toHaveLength(3);
	});

	it("says so when IPMI is not activated", async () => {
		const { mock, client } = ovhTestRig();
		const server = mock.addServer(SERVER);
		server.ipmi.activated = false;
		const error = await requestKvmViewerUrl(client, SERVER, { ipToAllow: IP }).catch(
			(e: unknown) => e,
		);
		expect(error).toBeInstanceOf(OvhIpmiUnavailableError);
		expect((error as Error).message).toBe(
			`IPMI is not activated on ${SERVER}, so OVH offers no remote console for it`,
		);
		expect(mock.requestsTo(/features\/ipmi\/access/)).toHaveLength(0);
	});

	it("names the access types a server without HTML5 KVM does offer", async () => {
		const { mock, client } = ovhTestRig();
		const server = mock.addServer(SERVER);
		server.ipmi.supportedFeatures = {
			kvmipHtml5URL: false,
			kvmipJnlp: true,
			serialOverLanSshKey: false,
			serialOverLanURL: true,
		};
		const error = await requestKvmViewerUrl(client, SERVER, { ipToAllow: IP }).catch(
			(e: unknown) => e,
		);
		expect(error).toBeInstanceOf(OvhIpmiUnavailableError);
		expect(error).toMatchObject({ supportedTypes: ["kvmipJnlp", "serialOverLanURL"] });
		expect((error as Error).message).toBe(
			`The IPMI of ${SERVER} has no HTML5 KVM (kvmipHtml5URL); it offers only kvmipJnlp, serialOverLanURL`,
		);
	});

	it("says when a server offers no console type at all", async () => {
		const { mock, client } = ovhTestRig();
		const server = mock.addServer(SERVER);
		server.ipmi.supportedFeatures = {
			kvmipHtml5URL: false,
			kvmipJnlp: false,
			serialOverLanSshKey: false,
			serialOverLanURL: false,
		};
		await expect(requestKvmViewerUrl(client, SERVER, { ipToAllow: IP })).rejects.toThrow(
			`The IPMI of ${SERVER} has no HTML5 KVM (kvmipHtml5URL); it offers no console access type`,
		);
	});

	it("tries the HTML5 KVM when the IPMI features answer lists no supportedFeatures", async () => {
		const { mock, client } = ovhTestRig();
		const server = mock.addServer(SERVER);
		delete server.ipmi.supportedFeatures;
		const viewer = await requestKvmViewerUrl(client, SERVER, { ipToAllow: IP });
		expect(viewer.url).toMatch(/^https:\/\/kvm\.mock-bmc\.example\//);
		expect(mock.requestsTo(/features\/ipmi\/access$/, "POST")).toHaveLength(1);
	});

	it("keeps polling a task whose status it does not know, until done", async () => {
		const { mock, client } = ovhTestRig();
		mock.addServer(SERVER);
		mock.taskPlan = { pollsToFinish: 4, outcome: "done", comment: "", runningAs: "waitingForBmc" };
		const progress: string[] = [];
		const viewer = await requestKvmViewerUrl(client, SERVER, {
			ipToAllow: IP,
			onProgress: (p) => progress.push(p.message),
		});
		expect(viewer.url).toMatch(/\/viewer$/);
		expect(progress.filter((m) => m.endsWith(": waitingForBmc"))).toHaveLength(2);
	});

	it("keeps polling a task whose status it does not know until the deadline, then names that status", async () => {
		const { mock, client } = ovhTestRig();
		mock.addServer(SERVER);
		mock.taskPlan = { pollsToFinish: 1, outcome: "never", comment: "", runningAs: "stuck" };
		const error = await requestKvmViewerUrl(client, SERVER, {
			ipToAllow: IP,
			deadlineMs: 20_000,
		}).catch((e: unknown) => e);
		const [task] = [...mock.tasks.values()];
		expect(error).toBeInstanceOf(OvhTaskError);
		expect((error as Error).message).toBe(
			`Timed out after 20 s waiting for OVH task ${task.taskId} (status: stuck) to open the KVM of ${SERVER}`,
		);
	});

	it("refuses a bad ttl or ipToAllow before calling OVH", async () => {
		const { mock, client } = ovhTestRig();
		mock.addServer(SERVER);
		await expect(
			requestKvmViewerUrl(client, SERVER, { ipToAllow: IP, ttl: 7 as 5 }),
		).rejects.toThrow(new ConfigError("IPMI access ttl must be 1, 3, 5, 10 or 15 minutes, got 7"));
		await expect(
			requestKvmViewerUrl(client, SERVER, { ipToAllow: "2001:db8::1" }),
		).rejects.toThrow();
		expect(mock.requests).toHaveLength(0);
	});

	it("passes OVH's 404 through for an unknown server", async () => {
		const { client } = ovhTestRig();
		await expect(
			requestKvmViewerUrl(client, "ns404.example", { ipToAllow: IP }),
		).rejects.toMatchObject({
			status: 404,
			message:
				'OVH API GET /dedicated/server/ns404.example/features/ipmi failed with HTTP 404; OVH said: "The requested object (serviceName = ns404.example) does not exist"',
		});
	});
});

describe("resolveIpToAllow", () => {
	it("prefers an explicit IPMI_ALLOWED_IP, without calling OVH", async () => {
		const { mock, client } = ovhTestRig();
		expect(await resolveIpToAllow(client, " 192.0.2.77 ")).toBe("192.0.2.77");
		expect(mock.requests).toHaveLength(0);
	});

	it("rejects an explicit value that is not an IPv4 address", async () => {
		const { mock, client } = ovhTestRig();
		for (const bad of ["192.0.2", "192.0.2.256", "192.0.2.07", "2001:db8::1", "example.com"]) {
			await expect(resolveIpToAllow(client, bad)).rejects.toThrow(
				`IPMI_ALLOWED_IP must be an IPv4 address such as 203.0.113.7 (OVH limits IPMI sessions to one IPv4 address), got "${bad}"`,
			);
		}
		expect(mock.requests).toHaveLength(0);
	});

	it("falls back to the address OVH sees, asked without authentication", async () => {
		const { mock, client } = ovhTestRig();
		mock.geolocationIp = "198.51.100.99";
		expect(await resolveIpToAllow(client, "")).toBe("198.51.100.99");
		expect(await resolveIpToAllow(client)).toBe("198.51.100.99");
		const calls = mock.requestsTo("/me/geolocation", "POST");
		expect(calls).toHaveLength(2);
		expect(calls[0].headers["x-ovh-signature"]).toBeUndefined();
		expect(mock.requests.every((r) => r.path === "/me/geolocation")).toBe(true);
	});

	it("signs the call when OVH refuses it unsigned", async () => {
		const { mock, client } = ovhTestRig();
		mock.geolocationAuth = "signed";
		expect(await resolveIpToAllow(client)).toBe(mock.geolocationIp);
		const calls = mock.requestsTo("/me/geolocation", "POST");
		expect(calls.map((c) => c.headers["x-ovh-signature"] !== undefined)).toEqual([false, true]);
	});

	it("on a 401 says to grant POST /me/geolocation to the consumer key or to set IPMI_ALLOWED_IP", async () => {
		const { mock, client } = ovhTestRig();
		mock.geolocationAuth = "not-granted";
		const error = await resolveIpToAllow(client).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ConfigError);
		expect((error as Error).message).toBe(
			'OVH refused POST /me/geolocation (HTTP 401 NOT_GRANTED_CALL), which tells ikvm-mcp the IP to allow: add {"method": "POST", "path": "/me/geolocation"} to the consumer key\'s access rules, or set IPMI_ALLOWED_IP to the IPv4 address OVH should let open the KVM',
		);
		expect(mock.requestsTo("/me/geolocation", "POST")).toHaveLength(2);
	});

	it("explains when OVH sees an IPv6 address", async () => {
		const { mock, client } = ovhTestRig();
		mock.geolocationIp = "2001:db8::42";
		await expect(resolveIpToAllow(client)).rejects.toThrow(
			"OVH sees this Worker calling from 2001:db8::42, but OVH limits IPMI sessions to one IPv4 address; set IPMI_ALLOWED_IP",
		);
	});

	it("feeds the flow: the resolved address is the one OVH is asked to allow", async () => {
		const { mock, client } = ovhTestRig();
		mock.addServer(SERVER);
		mock.geolocationIp = "198.51.100.7";
		const ipToAllow = await resolveIpToAllow(client);
		await requestKvmViewerUrl(client, SERVER, { ipToAllow, ttl: 1 });
		const [access] = mock.requestsTo(/features\/ipmi\/access$/, "POST");
		expect(access.body).toEqual({ type: "kvmipHtml5URL", ttl: 1, ipToAllow: "198.51.100.7" });
	});
});

describe("isIpv4", () => {
	it("accepts dotted quads only", () => {
		expect(["0.0.0.0", "255.255.255.255", "10.1.20.199"].every(isIpv4)).toBe(true);
		expect(
			["", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.4 ", "256.1.1.1", "::1"].some(isIpv4),
		).toBe(false);
	});
});
