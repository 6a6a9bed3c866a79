/**
 * Watching a console over successive captures: settling after input (a
 * menu moves its highlight, a shell echoes and answers, so the agent should
 * see the result rather than the frame before it) and waiting for a change,
 * for stillness or for text. Change is judged by a ScreenWatcher, so a
 * blinking cursor is no change. Every loop ends at its own deadline.
 */
import type { Framebuffer } from "../image/framebuffer.ts";
import type { WatchStep } from "../text/index.ts";
import type { ScreenPattern } from "./screen-pattern.ts";

/** One capture, as the watcher judged it. */
export interface Observed {
	framebuffer: Framebuffer;
	step: WatchStep;
}

export interface WatchOptions {
	signal: AbortSignal;
	now?: () => number;
}

/**
 * Observes until the screen has not changed for `quietMs` (default 300), or
 * `maxMs` (default 2 s) has passed; returns the last observation.
 */
export async function settle(
	observe: () => Promise<Observed>,
	options: WatchOptions & { quietMs?: number; maxMs?: number },
): Promise<Observed> {
	const { quietMs = 300, maxMs = 2000, signal } = options;
	const now = options.now ?? Date.now;
	const start = now();
	let last = await observe();
	let sameSince = start;
	for (;;) {
		const wait = Math.min(quietMs - (now() - sameSince), maxMs - (now() - start));
		if (wait <= 0) return last;
		await sleep(Math.min(wait, 100), signal);
		last = await observe();
		if (last.step.changedFromLast) sameSince = now();
	}
}

export type Until =
	| { kind: "change" }
	| { kind: "stable"; stableMs: number }
	| { kind: "text"; pattern: ScreenPattern };

export interface WaitOutcome {
	met: boolean;
	waitedMs: number;
	last: Observed;
}

/**
 * Observes every `pollMs` until `until` holds or `timeoutMs` passes. A
 * timeout is an answer (met: false), not an error.
 */
export async function waitUntil(
	observe: () => Promise<Observed>,
	until: Until,
	options: WatchOptions & {
		timeoutMs: number;
		pollMs?: number;
		onTick?: (waitedMs: number) => void;
	},
): Promise<WaitOutcome> {
	const { timeoutMs, pollMs = 500, signal, onTick } = options;
	const now = options.now ?? Date.now;
	const start = now();
	let last = await observe();
	let sameSince = start;
	for (;;) {
		const waitedMs = now() - start;
		if (last.step.changedFromLast) sameSince = now();
		if (holds(until, last, now() - sameSince)) return { met: true, waitedMs, last };
		const left = timeoutMs - waitedMs;
		if (left <= 0) return { met: false, waitedMs, last };
		onTick?.(waitedMs);
		await sleep(Math.min(pollMs, left), signal);
		last = await observe();
	}
}

function holds(until: Until, last: Observed, stillMs: number): boolean {
	switch (until.kind) {
		case "change":
			return last.step.changedFromStart;
		case "stable":
			return stillMs >= until.stableMs;
		case "text":
			return last.step.text.isText && until.pattern.test(last.step.text.lines.join("\n"));
	}
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		if (signal.aborted) return reject(signal.reason);
		const onAbort = () => {
			clearTimeout(timer);
			reject(signal.reason);
		};
		const timer = setTimeout(() => {
			signal.removeEventListener("abort", onAbort);
			resolve();
		}, ms);
		signal.addEventListener("abort", onAbort, { once: true });
	});
}
