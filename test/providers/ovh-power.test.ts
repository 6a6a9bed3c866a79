/**
 * Power and boot through the OVH API, against the fake OVH API (signatures
 * checked) on a fake clock: the reboot task followed to done with progress,
 * the boot id found, set and restored, and OVH's refusals turned into
 * messages that say what to do.
 */
import { describe, expect, it } from "vitest";
import { bootServer, readPowerState, rebootServer } from "../../src/providers/ovh/power.ts";
import type { Progress } from "../../src/providers/types.ts";
import { ovhTestRig } from "../mocks/mock-ovh.ts";

const SERVER = "ns3001234.ip-51-75-1.eu";
const PATH = `/dedicated/server/${SERVER}`;

function rig() {
	const r = ovhTestRig();
	const server = r.mock.addServer(SERVER);
	const reboots: number[] = [];
	r.mock.onReboot = (s) => reboots.push(s.bootId);
	return { ...r, server, reboots };
}

const calls = (mock: ReturnType<typeof rig>["mock"]) =>
	mock.requests.filter((r) => r.path !== "/auth/time").map((r) => `${r.method} ${r.path}`);

describe("OVH power through the API", () => {
	it("status reads powerState from GET /dedicated/server/{name}", async () => {
		const { mock, client, server } = rig();
		expect((await readPowerState(client, SERVER)).state).toBe("on");
		server.powerState = "poweroff";
		const off = await readPowerState(client, SERVER);
		expect(off).toEqual({
			state: "off",
			detail: `The OVH API reports ${SERVER} powered off (no console is open; the BMC was not asked).`,
		});
		expect(calls(mock)).toEqual([`GET ${PATH}`, `GET ${PATH}`]);
	});

	it("reset: POST reboot, the task followed to done with progress, then the state read", async () => {
		const { mock, client, reboots } = rig();
		mock.taskPlan = { pollsToFinish: 3, outcome: "done", comment: "" };
		const progress: Progress[] = [];
		const report = await rebootServer(client, SERVER, { onProgress: (p) => progress.push(p) });
		const [task] = [...mock.tasks.values()];
		expect(task.function).toBe("hardReboot");
		expect(reboots).toEqual([1]);
		expect(calls(mock)).toEqual([
			`POST ${PATH}/reboot`,
			`GET ${PATH}/task/${task.taskId}`,
			`GET ${PATH}/task/${task.taskId}`,
			`GET ${PATH}/task/${task.taskId}`,
			`GET ${PATH}`,
		]);
		expect(mock.requestsTo(`${PATH}/reboot`, "POST")[0].body).toBeNull();
		expect(progress.map((p) => p.message)).toEqual([
			`Asking OVH to hard-reboot ${SERVER}`,
			`OVH task ${task.taskId} (hardReboot): init`,
			`OVH task ${task.taskId} (hardReboot): todo`,
			`OVH task ${task.taskId} (hardReboot): doing`,
			`OVH task ${task.taskId} (hardReboot): done`,
		]);
		expect(progress.map((p) => p.progress)).toEqual([1, 2, 3, 4, 5]);
		expect(report.state).toBe("on");
		expect(report.detail).toBe(
			`OVH hard-rebooted ${SERVER} (task ${task.taskId} done); the OVH API now reports it powered on. ` +
				"Call get_screenshot or wait_for_screen to watch it boot.",
		);
	});

	it("a reboot task that fails says so with OVH's comment", async () => {
		const { mock, client } = rig();
		mock.taskPlan = { pollsToFinish: 2, outcome: "ovhError", comment: "Server is not reachable" };
		const error = await rebootServer(client, SERVER).catch((e: Error) => e);
		expect((error as Error).message).toMatch(
			new RegExp(
				`OVH task \\d+ \\(hardReboot\\) on ${SERVER} ended ovhError; OVH said: \\"Server is not reachable\\"`,
			),
		);
	});

	it("403 (the consumer key lacks the rule) names the rule to add, and nothing else is tried", async () => {
		const { mock, client, reboots } = rig();
		mock.inject({
			method: "POST",
			path: `${PATH}/reboot`,
			status: 403,
			body: {
				errorCode: "NOT_GRANTED_CALL",
				httpCode: "403 Forbidden",
				message: "This call has not been granted",
			},
		});
		const error = (await rebootServer(client, SERVER).catch((e: Error) => e)) as Error;
		expect(error.message).toMatch(
			/HTTP 403 NOT_GRANTED_CALL; OVH said: "This call has not been granted"/,
		);
		expect(error.message).toContain(
			'add {"method": "POST", "path": "/dedicated/server/*/reboot"} to its access rules',
		);
		expect(mock.tasks.size).toBe(0);
		expect(reboots).toEqual([]);
	});

	it("409 while a reboot task runs says a task is already running", async () => {
		const { mock, client } = rig();
		mock.taskPlan = { pollsToFinish: 1, outcome: "never", comment: "" };
		// A first reboot whose task never ends, cut short by its deadline.
		await rebootServer(client, SERVER, { deadlineMs: 3000 }).catch(() => {});
		const error = (await rebootServer(client, SERVER).catch((e: Error) => e)) as Error;
		expect(error.message).toMatch(
			/HTTP 409; OVH said: "A reboot task is already running on this server"\. OVH is already running/,
		);
		expect(error.message).toContain(
			`OVH is already running a task on ${SERVER}; wait for it to finish`,
		);
		expect(mock.tasks.size).toBe(1);
	});
});

describe("OVH boot", () => {
	it("rescue: finds the rescue boot, sets it, reboots, and reports the boot it replaced", async () => {
		const { mock, client, server, reboots } = rig();
		server.bootId = 7;
		mock.taskPlan = { pollsToFinish: 2, outcome: "done", comment: "" };
		const progress: string[] = [];
		const change = await bootServer(
			client,
			SERVER,
			{ target: "rescue" },
			{ onProgress: (p) => progress.push(p.message) },
		);
		const [task] = [...mock.tasks.values()];
		expect(calls(mock)).toEqual([
			`GET ${PATH}`,
			`GET ${PATH}/boot?bootType=rescue`,
			`PUT ${PATH}`,
			`POST ${PATH}/reboot`,
			`GET ${PATH}/task/${task.taskId}`,
			`GET ${PATH}/task/${task.taskId}`,
		]);
		expect(mock.requestsTo(PATH, "PUT")[0].body).toEqual({ bootId: 1122 });
		expect(reboots).toEqual([1122]);
		expect(change).toMatchObject({ previousBootId: 7, bootId: 1122 });
		expect(change.detail).toBe(
			`Set ${SERVER} to boot OVH's rescue system (boot id 1122, was 7) and OVH hard-rebooted it (task ${task.taskId} done).`,
		);
		expect(change.bootedWhen).toBe("/rescue[\\w.-]* login:/i");
		expect(progress).toContain(`OVH task ${task.taskId} (hardReboot): done`);
	});

	it("normal with the saved boot id restores it without looking for a disk boot", async () => {
		const { mock, client, server, reboots } = rig();
		server.bootId = 1122;
		const change = await bootServer(client, SERVER, { target: "normal", restoreBootId: 7 });
		expect(mock.requestsTo(/bootType=/)).toEqual([]);
		expect(mock.requestsTo(PATH, "PUT")[0].body).toEqual({ bootId: 7 });
		expect(reboots).toEqual([7]);
		expect(change).toMatchObject({ previousBootId: 1122, bootId: 7, bootedWhen: "/login:/i" });
	});

	it("normal without a saved id takes OVH's first hard-disk boot", async () => {
		const { mock, client, server } = rig();
		server.bootId = 1122;
		await bootServer(client, SERVER, { target: "normal" });
		expect(mock.requestsTo(`${PATH}/boot?bootType=harddisk`, "GET").length).toBe(1);
		expect(server.bootId).toBe(1);
	});

	it("a boot already set is not set again; the server is still rebooted", async () => {
		const { mock, client, server, reboots } = rig();
		server.bootId = 1122;
		await bootServer(client, SERVER, { target: "rescue" });
		expect(mock.requestsTo(PATH, "PUT")).toEqual([]);
		expect(reboots).toEqual([1122]);
	});

	it("no rescue boot offered, or PUT refused without the rule: clear errors, no reboot", async () => {
		const { mock, client, reboots } = rig();
		mock.boots = mock.boots.filter((b) => b.bootType !== "rescue");
		const none = (await bootServer(client, SERVER, { target: "rescue" }).catch((e) => e)) as Error;
		expect(none.message).toBe(
			`OVH offers no rescue boot for ${SERVER} (GET ${PATH}/boot?bootType=rescue is empty).`,
		);
		const { mock: m2, client: c2 } = rig();
		m2.inject({
			method: "PUT",
			path: PATH,
			status: 403,
			body: { message: "This call has not been granted" },
		});
		const refused = (await bootServer(c2, SERVER, { target: "rescue" }).catch((e) => e)) as Error;
		expect(refused.message).toContain(
			'add {"method": "PUT", "path": "/dedicated/server/*"} to its access rules',
		);
		expect(m2.requestsTo(`${PATH}/reboot`)).toEqual([]);
		expect(reboots).toEqual([]);
	});
});
