/**
 * Power and boot through the OVH API, for when no console is open or the
 * console cannot do it: the power state (GET /dedicated/server/{name},
 * powerState), a hard reboot (POST …/reboot, an OVH task), and the boot
 * target (GET …/boot?bootType=…, PUT /dedicated/server/{name} {bootId}).
 */

import { ProtocolError } from "../../errors.ts";
import type { BootChange, BootRequest, PowerReport, PowerState, Progress } from "../types.ts";
import type { HttpMethod, OvhClient, OvhRequestOptions } from "./client.ts";
import { OvhApiError, OvhError } from "./errors.ts";
import { asObject } from "./shape.ts";
import { followTask, parseTask } from "./tasks.ts";

export interface OvhCallOptions {
	signal?: AbortSignal;
	onProgress?: (progress: Progress) => void;
	/** Budget for following the reboot task, by the client's clock. */
	deadlineMs?: number;
}

/** What OVH's rescue system prints on its console once up: "rescue-customer-eu login:" (older: "rescue login:"). */
export const RESCUE_LOGIN = "/rescue[\\w.-]* login:/i";
/** What a server's own system prints once up, wherever it is installed from. */
const ANY_LOGIN = "/login:/i";

/** dedicated.server.PowerStateEnum. */
const POWER_STATES: Record<string, PowerState> = { poweron: "on", poweroff: "off" };

/** The power state OVH reports (GET /dedicated/server/{name}, powerState). */
export async function readPowerState(
	client: OvhClient,
	serverId: string,
	signal?: AbortSignal,
): Promise<PowerReport> {
	const { powerState } = await readServer(client, serverId, signal);
	const state: PowerState =
		powerState !== null && Object.hasOwn(POWER_STATES, powerState)
			? (POWER_STATES[powerState] as PowerState)
			: "unknown";
	return {
		state,
		detail:
			state === "unknown"
				? `The OVH API did not give the power state of ${serverId}${powerState ? ` ("${powerState}")` : ""}.`
				: `The OVH API reports ${serverId} powered ${state} (no console is open; the BMC was not asked).`,
	};
}

/** Hard-reboots the server through OVH (POST /dedicated/server/{name}/reboot) and follows the task. */
export async function rebootServer(
	client: OvhClient,
	serverId: string,
	options: OvhCallOptions = {},
): Promise<PowerReport> {
	const report = reporter(options);
	const taskId = await reboot(client, serverId, options, report);
	const after = await readPowerState(client, serverId, options.signal);
	return {
		state: after.state,
		detail:
			`OVH hard-rebooted ${serverId} (task ${taskId} done); the OVH API now reports it powered ${after.state}. ` +
			"Call get_screenshot or wait_for_screen to watch it boot.",
	};
}

/**
 * Points the server's next boot at OVH's rescue system or back at its disk
 * (the boot id given, else OVH's harddisk boot), then hard-reboots it.
 */
export async function bootServer(
	client: OvhClient,
	serverId: string,
	request: BootRequest,
	options: OvhCallOptions = {},
): Promise<BootChange> {
	const { signal } = options;
	const report = reporter(options);
	const server = path(serverId);
	report(`Reading the current boot of ${serverId}`);
	const previousBootId = (await readServer(client, serverId, signal)).bootId;
	let bootId: number;
	if (request.target === "normal" && request.restoreBootId !== undefined) {
		bootId = request.restoreBootId;
	} else {
		const bootType = request.target === "rescue" ? "rescue" : "harddisk";
		report(`Finding the ${bootType} boot of ${serverId}`);
		const route = `${server}/boot?bootType=${bootType}`;
		const call = `GET ${route}`;
		const ids = await granted(client, serverId, "GET", route, { signal });
		if (!Array.isArray(ids) || !ids.every((id) => Number.isSafeInteger(id))) {
			throw new ProtocolError(`OVH API ${call} did not answer a list of boot ids`);
		}
		if (ids.length === 0) {
			throw new OvhError(`OVH offers no ${bootType} boot for ${serverId} (${call} is empty).`);
		}
		bootId = ids[0] as number;
	}
	if (bootId !== previousBootId) {
		report(`Setting the next boot of ${serverId} to ${bootId}`);
		await granted(client, serverId, "PUT", server, { body: { bootId }, signal });
	}
	const taskId = await reboot(client, serverId, options, report);
	const what = request.target === "rescue" ? "OVH's rescue system" : "its disk";
	return {
		previousBootId,
		bootId,
		detail:
			`Set ${serverId} to boot ${what} (boot id ${bootId}${previousBootId === null ? "" : `, was ${previousBootId}`}) ` +
			`and OVH hard-rebooted it (task ${taskId} done).`,
		bootedWhen: request.target === "rescue" ? RESCUE_LOGIN : ANY_LOGIN,
	};
}

async function reboot(
	client: OvhClient,
	serverId: string,
	options: OvhCallOptions,
	report: (message: string) => void,
): Promise<number> {
	const { signal, deadlineMs = 120_000 } = options;
	const deadline = client.now() + deadlineMs;
	const route = `${path(serverId)}/reboot`;
	report(`Asking OVH to hard-reboot ${serverId}`);
	const task = parseTask(
		await granted(client, serverId, "POST", route, { signal }),
		`POST ${route}`,
	);
	report(`OVH task ${task.taskId} (${task.function}): ${task.status}`);
	await followTask(client, serverId, task, {
		deadline,
		budgetMs: deadlineMs,
		purpose: `reboot ${serverId}`,
		report,
		signal,
	});
	return task.taskId;
}

/** The fields of dedicated.server.Dedicated we use. */
async function readServer(
	client: OvhClient,
	serverId: string,
	signal?: AbortSignal,
): Promise<{ bootId: number | null; powerState: string | null }> {
	const route = path(serverId);
	const server = asObject(
		await granted(client, serverId, "GET", route, { signal }),
		`OVH API GET ${route}`,
	);
	const { bootId, powerState } = server;
	return {
		bootId: typeof bootId === "number" && Number.isSafeInteger(bootId) ? bootId : null,
		powerState: typeof powerState === "string" ? powerState : null,
	};
}

/**
 * One OVH API call about `serverId`, its refusals saying what to do: a
 * consumer key without the rule for this call (403), or a task already
 * running on the server (409).
 */
async function granted(
	client: OvhClient,
	serverId: string,
	method: HttpMethod,
	route: string,
	options: OvhRequestOptions,
): Promise<unknown> {
	try {
		return await client.request(method, route, options);
	} catch (error) {
		if (!(error instanceof OvhApiError)) throw error;
		if (error.status === 403 || (error.status === 401 && error.errorCode === "NOT_GRANTED_CALL")) {
			const rule = `{"method": "${method}", "path": "${ruleFor(route)}"}`;
			throw new OvhApiError(
				`${error.message} The consumer key may lack the rule for this call: add ${rule} to its access rules ` +
					"(README: OVH credentials, optional rules for power and rescue).",
				error.status,
				error.errorCode,
				error.queryId,
			);
		}
		if (error.status === 409) {
			throw new OvhApiError(
				`${error.message}. OVH is already running a task on ${serverId}; wait for it to finish ` +
					"(power status shows the server's state), then try again.",
				error.status,
				error.errorCode,
				error.queryId,
			);
		}
		throw error;
	}
}

/** The access-rule path of a call: the server name and the query become wildcards. */
function ruleFor(route: string): string {
	return route.replace(/\?.*$/, "").replace(/^\/dedicated\/server\/[^/]+/, "/dedicated/server/*");
}

function path(serverId: string): string {
	return `/dedicated/server/${encodeURIComponent(serverId)}`;
}

function reporter(options: OvhCallOptions): (message: string) => void {
	let step = 0;
	return (message) => options.onProgress?.({ message, progress: ++step });
}
