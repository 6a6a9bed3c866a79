/**
 * Following an OVH task (dedicated.server.Task) until it is done: the IPMI
 * access flow, reboots and boot changes all hand one back and finish later.
 */

import { ProtocolError } from "../../errors.ts";
import { quoteServerText, serverTextLiteral } from "../../server-text.ts";
import type { OvhClient } from "./client.ts";
import { OvhTaskError } from "./errors.ts";
import { asObject, optionalString } from "./shape.ts";

export interface OvhTask {
	taskId: number;
	function: string;
	status: string;
	comment: string | null;
}

/**
 * dedicated.TaskStatusEnum's failures. Any other status but "done" (the
 * pending init, todo, doing, or one OVH adds later) keeps us polling until
 * the deadline.
 */
const FAILED_STATUSES = new Set(["cancelled", "customerError", "ovhError"]);

const FIRST_POLL_DELAY_MS = 1000;
const MAX_POLL_DELAY_MS = 5000;

export interface FollowOptions {
	/** When to give up, by the client's clock (client.now()). */
	deadline: number;
	/** The whole flow's budget, which the timeout message names. */
	budgetMs: number;
	/** What the task does, for messages: "open the KVM of ns1…". */
	purpose: string;
	/** Called after each poll with the task's status. */
	report: (message: string) => void;
	signal?: AbortSignal;
}

/**
 * Polls `task` (backing off from 1 s to 5 s) until it is done; throws an
 * OvhTaskError when it fails or the deadline passes first.
 */
export async function followTask(
	client: OvhClient,
	serverId: string,
	task: OvhTask,
	options: FollowOptions,
): Promise<OvhTask> {
	const { deadline, budgetMs, purpose, report, signal } = options;
	for (let delay = FIRST_POLL_DELAY_MS; task.status !== "done"; ) {
		if (FAILED_STATUSES.has(task.status)) {
			const comment = task.comment
				? quoteServerText("OVH", client.redact(task.comment))
				: "OVH gave no comment";
			throw new OvhTaskError(
				`OVH task ${task.taskId} (${word(task.function)}) on ${serverId} ended ${word(task.status)}; ${comment}`,
				task.taskId,
				task.status,
			);
		}
		const remaining = deadline - client.now();
		if (remaining <= 0) {
			throw new OvhTaskError(
				`Timed out after ${Math.round(budgetMs / 1000)} s waiting for OVH task ${task.taskId} (status: ${word(task.status)}) to ${purpose}`,
				task.taskId,
				task.status,
			);
		}
		await client.sleep(Math.min(delay, remaining), signal);
		delay = Math.min(delay * 1.5, MAX_POLL_DELAY_MS);
		const path = `/dedicated/server/${encodeURIComponent(serverId)}/task/${task.taskId}`;
		task = parseTask(await client.get(path, { signal }), `GET ${path}`);
		report(`OVH task ${task.taskId} (${word(task.function)}): ${word(task.status)}`);
	}
	return task;
}

export function parseTask(answer: unknown, call: string): OvhTask {
	const what = `OVH API ${call}`;
	const task = asObject(answer, what);
	const { taskId, status } = task;
	if (typeof taskId !== "number" || !Number.isSafeInteger(taskId)) {
		throw new ProtocolError(`${what}: the task has no numeric taskId`);
	}
	if (typeof status !== "string") {
		throw new ProtocolError(`${what}: task ${taskId} has no status`);
	}
	return {
		taskId,
		status,
		function: optionalString(task, "function", what) ?? "task",
		comment: optionalString(task, "comment", what),
	};
}

/** A name OVH chose (a task status or function, an address): shown as is when it is one word, else quoted. */
export function word(text: string): string {
	return /^[A-Za-z0-9_.:-]{1,64}$/.test(text) ? text : serverTextLiteral(text, 60);
}
