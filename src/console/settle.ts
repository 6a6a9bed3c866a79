/**
 * After input, the console takes a moment to redraw: a menu moves its
 * highlight, a shell echoes and answers. Settling captures until the screen
 * has looked the same for a short quiet period, or a cap passes, so the
 * agent sees the result of what it typed rather than the frame before it.
 */
import type { Framebuffer } from "../image/framebuffer.ts";

export interface SettleOptions {
	/** The screen counts as settled once it is unchanged this long (default 300 ms). */
	quietMs?: number;
	/** Returns the screen as it is after this long, settled or not (default 2 s). */
	maxMs?: number;
	signal: AbortSignal;
	/** What a screen looks like for comparison: equal keys, same screen. */
	key: (fb: Framebuffer) => string;
	now?: () => number;
}

export async function settle(
	capture: () => Promise<Framebuffer>,
	options: SettleOptions,
): Promise<Framebuffer> {
	const { quietMs = 300, maxMs = 2000, signal, key } = options;
	const now = options.now ?? Date.now;
	const start = now();
	let screen = await capture();
	let seen = key(screen);
	let sameSince = start;
	for (;;) {
		const elapsed = now() - start;
		const wait = Math.min(quietMs - (now() - sameSince), maxMs - elapsed);
		if (wait <= 0) return screen;
		await sleep(Math.min(wait, 100), signal);
		screen = await capture();
		const next = key(screen);
		if (next !== seen) {
			seen = next;
			sameSince = now();
		}
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
