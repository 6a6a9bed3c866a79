/**
 * One Durable Object per console, named "<provider>:<serverId>". It owns the
 * console's connection: it opens it, keeps it warm between calls (so a
 * second screenshot costs one frame request), makes concurrent callers share
 * one capture (the BMC's KVM token is single-use; parallel handshakes would
 * break each other) and one rendering of it per `raw` setting, runs one
 * operation on the console at a time, and closes the connection from an
 * alarm once idle, because outbound WebSockets keep a Durable Object from
 * hibernating. No alarm is stored while nothing is open.
 */
import { DurableObject } from "cloudflare:workers";
import { parseLimits } from "../config.ts";
import { ConfigError, ConsoleExpiredError, errorMessage, UserFacingError } from "../errors.ts";
import type { Framebuffer } from "../image/framebuffer.ts";
import { nativePoint, visionSize } from "../image/optimise.ts";
import type { InputEvent } from "../input/events.ts";
import { type MouseAction, type MouseButton, mouseEvents } from "../input/mouse.ts";
import { type LogFields, logEvent, StageTimer } from "../log.ts";
import { createProviders } from "../providers/index.ts";
import type {
	BootRequest,
	CallContext,
	ConsoleLink,
	PowerAction,
	PowerReport,
	PowerState,
	Progress,
	Provider,
} from "../providers/types.ts";
import type { Runtime } from "../runtime.ts";
import {
	newTextCache,
	readScreenText,
	type ScreenText,
	ScreenWatcher,
	type TextCache,
} from "../text/index.ts";
import { compileScreenPattern, type ScreenPattern } from "./screen-pattern.ts";
import { type Observed, settle, sleep, type Until, waitUntil } from "./settle.ts";
import { Capture, type Screenshot, type ScreenView, type Show } from "./view.ts";

export type { Screenshot, ScreenView, Show } from "./view.ts";

/** Which console: the Durable Object checks it is the one it serves. */
export interface ConsoleRequest {
	provider: string;
	serverId: string;
	/** Where the calling Worker runs: errors from opening the console are worded for it. */
	runtime: Runtime;
}

export interface ScreenshotRequest extends ConsoleRequest {
	raw: boolean;
	/** A screenHash from an earlier call: when the screen still has it, no image is made. */
	sinceHash?: string;
}

export interface InputRequest extends ConsoleRequest {
	tool: "send_keys" | "type_text" | "mouse";
	/** Key events, in order (send_keys, type_text). */
	events: InputEvent[];
	/** A mouse action at a point of the image get_screenshot returns with the same `raw`. */
	pointer?: { action: MouseAction; x: number; y: number; button: MouseButton; amount: number };
	raw: boolean;
	/** How to show the screen once it settles ("none": no waiting). */
	then: Show;
	/** What the log line may say of the input: chord names or a character count, never typed text. */
	audit: LogFields;
}

export interface WaitRequest extends ConsoleRequest {
	until: "change" | "stable" | "text";
	/** For until "text": text the screen must contain, or "/regex/flags". */
	text?: string;
	timeoutMs: number;
	stableMs: number;
	/** How to show the screen at the end; by default its text on a text console, else a screenshot. */
	then?: Show;
	raw: boolean;
}

export interface PowerRequest extends ConsoleRequest {
	action: PowerAction;
	/** Who asked, for the audit trail: the Caller's id (token kind or OAuth client). */
	who: string;
}

export interface BootCallRequest extends ConsoleRequest {
	target: BootRequest["target"];
	who: string;
	/** How long to watch the console for the new system after the reboot. */
	timeoutMs: number;
}

/** One power or boot action, as the console's audit trail keeps it. */
export interface AuditEntry {
	time: string;
	action: string;
	who: string;
	/** "done", or "failed: <why>". */
	outcome: string;
}

/** RPC drops error classes, so failures travel as their user-facing message. */
type Outcome<T> = ({ ok: true } & T) | { ok: false; error: string };

export type ScreenshotOutcome = Outcome<
	| ({ unchanged: false; screenHash: string } & Screenshot)
	| { unchanged: true; screenHash: string; capturedAt: string }
>;

export type InputOutcome = Outcome<{
	/** Events the console took. */
	sent: number;
	/** Where a mouse action landed, in console pixels. */
	at?: { x: number; y: number };
	view?: ScreenView;
}>;

export type ScreenTextOutcome = Outcome<{ view: ScreenView; capturedAt: string }>;

export type WaitOutcome = Outcome<{ met: boolean; waitedMs: number; view: ScreenView }>;

export type PowerOutcome = Outcome<{
	state: PowerState;
	detail: string;
	/** Who answered: the console's BMC, or the provider's API (no console was open). */
	via: "console" | "api";
	/** The screen after the action, once it settled; absent when none was captured. */
	view?: ScreenView;
	/** Why no screen is shown: the server is off, or the capture failed (a reboot blanks it). */
	noScreen?: string;
	/** For status: the console's latest power and boot actions, newest last. */
	recent?: AuditEntry[];
}>;

export type BootOutcome = Outcome<{
	detail: string;
	/** Whether the console showed the new system's login before the timeout. */
	booted: boolean;
	waitedMs: number;
	/** What the console showed last, when a capture succeeded. */
	view?: ScreenView;
	/** Why the console could not be watched, or what its last capture said. */
	screenError?: string;
}>;

export class ConsoleSession extends DurableObject<Env> {
	private link: ConsoleLink | undefined;
	private lastUsed = 0;
	private inflight: Promise<Capture> | undefined;
	/** The tail of the work queued on this console; see run(). */
	private queue: Promise<unknown> = Promise.resolve();
	/** Operations queued or running: the idle alarm leaves a busy console alone. */
	private busy = 0;
	/** The last screen captured: its size maps mouse points. */
	private screen: Framebuffer | undefined;
	/** The console's text grid and cell memo, kept between reads. */
	private readonly textCache: TextCache = newTextCache();
	private readonly listeners = new Set<(p: Progress) => void>();

	async screenshot(
		request: ScreenshotRequest,
		onProgress?: (p: Progress) => void,
	): Promise<ScreenshotOutcome> {
		return this.answer(onProgress, "screenshot", request, { raw: request.raw }, async (timer) => {
			const capture = await this.sharedCapture(request);
			const screenHash = capture.text.screenHash;
			timer.done("captured", {
				warm: capture.warm,
				width: capture.framebuffer.width,
				height: capture.framebuffer.height,
			});
			if (request.sinceHash === screenHash) {
				return { unchanged: true, screenHash, capturedAt: capture.capturedAt.toISOString() };
			}
			const shared = capture.rendered(request.raw);
			const shot = capture.screenshot(request.raw);
			if (shared) timer.done("shared rendering");
			else timer.done("rendered", { pngBytes: shot.png.length });
			return { unchanged: false, screenHash, ...shot };
		});
	}

	/**
	 * Sends keyboard or mouse input, then (unless `then` is "none") waits for
	 * the screen to settle and returns it, so an agent acts and looks in one
	 * round trip. Gates are the tool's: this sends what it is given.
	 */
	async input(request: InputRequest, onProgress?: (p: Progress) => void): Promise<InputOutcome> {
		const fields = { tool: request.tool, ...request.audit };
		const outcome = await this.answer(onProgress, "input", request, fields, async () => {
			const done = await this.run(request, INPUT, async (link, ctx, warm) => {
				let events: readonly InputEvent[] = request.events;
				let at: { x: number; y: number } | undefined;
				if (request.pointer) {
					const { action, x, y, button, amount } = request.pointer;
					this.screen ??= await link.capture(ctx);
					at = consolePoint(x, y, this.screen, request.raw);
					events = mouseEvents(action, at.x, at.y, button, amount);
				}
				ctx.onProgress?.({ message: "Sending input to the console" });
				await link.sendInput(events, ctx);
				if (request.then === "none") return { sent: events.length, at };
				ctx.onProgress?.({ message: "Waiting for the screen to settle" });
				const last = await settle(this.observer(link, ctx, new ScreenWatcher(this.textCache)), {
					signal: ctx.signal,
				});
				return {
					sent: events.length,
					at,
					capture: this.captured(last.framebuffer, last.step.text, link, warm),
				};
			});
			return { sent: done.sent, at: done.at, view: done.capture?.view(request.then, request.raw) };
		});
		logEvent("input", {
			console: `${request.provider}:${request.serverId}`,
			...fields,
			...(outcome.ok
				? { sent: outcome.sent, outcome: "sent" }
				: { outcome: "failed", error: outcome.error }),
		});
		return outcome;
	}

	/** The screen's text (and its hash), read from a fresh capture. */
	async screenText(
		request: ConsoleRequest,
		onProgress?: (p: Progress) => void,
	): Promise<ScreenTextOutcome> {
		return this.answer(onProgress, "screen-text", request, {}, async () => {
			const capture = await this.sharedCapture(request);
			return { view: capture.view("text", false), capturedAt: capture.capturedAt.toISOString() };
		});
	}

	/**
	 * Polls the console until the screen changes, holds still, or shows some
	 * text, deciding from hashes (no PNG is made while waiting), then shows it.
	 */
	async waitForScreen(
		request: WaitRequest,
		onProgress?: (p: Progress) => void,
	): Promise<WaitOutcome> {
		const fields = { until: request.until, timeoutMs: request.timeoutMs };
		return this.answer(onProgress, "wait", request, fields, async () => {
			const until: Until =
				request.until === "text"
					? { kind: "text", pattern: compileScreenPattern(request.text ?? "") }
					: request.until === "stable"
						? { kind: "stable", stableMs: request.stableMs }
						: { kind: "change" };
			const waiting: Operation = { ...WAIT, deadlineMs: request.timeoutMs + WAIT_SLACK_MS };
			const done = await this.run(request, waiting, async (link, ctx, warm) => {
				const watch = this.observer(link, ctx, new ScreenWatcher(this.textCache));
				const what = waitingFor(request);
				const result = await waitUntil(watch, until, {
					signal: ctx.signal,
					timeoutMs: request.timeoutMs,
					onTick: (ms) =>
						ctx.onProgress?.({
							message: `Waiting for ${what}: ${Math.round(ms / 1000)} s of ${request.timeoutMs / 1000} s`,
							progress: ms,
							total: request.timeoutMs,
						}),
				});
				const { framebuffer, step } = result.last;
				return { ...result, capture: this.captured(framebuffer, step.text, link, warm) };
			});
			const show = request.then ?? (done.capture.text.isText ? "text" : "screenshot");
			return { met: done.met, waitedMs: done.waitedMs, view: done.capture.view(show, request.raw) };
		});
	}

	/**
	 * Reads or changes host power. With no console open, a provider whose API
	 * can do the action does it (OVH: status and reset); otherwise the
	 * console's BMC does, and the screen is shown once it settles. Gates are
	 * the tool's; every action but status lands in the audit trail.
	 */
	async power(request: PowerRequest, onProgress?: (p: Progress) => void): Promise<PowerOutcome> {
		const fields = { action: request.action, who: request.who };
		const outcome = await this.answer(onProgress, "power", request, fields, async () => {
			const provider = this.provider(request);
			const done = await this.queued(request, POWER, async (ctx) => {
				if (!this.link?.isOpen) {
					const byApi = provider.powerWithoutConsole?.(request.serverId, request.action, ctx);
					if (byApi) return { report: await byApi, via: "api" as const };
				}
				return this.onLink(request, ctx, (link, ctx, warm) =>
					this.powerOnConsole(request.action, link, ctx, warm),
				);
			});
			const { report, via } = done;
			const shown = "capture" in done ? done.capture : undefined;
			const view = shown?.view(shown.text.isText ? "text" : "screenshot", false);
			const noScreen = "noScreen" in done ? done.noScreen : undefined;
			const recent = request.action === "status" ? (await this.auditTrail()).slice(-5) : undefined;
			return { state: report.state, detail: report.detail, via, view, noScreen, recent };
		});
		if (request.action !== "status") {
			await this.audit(request, request.action, outcome.ok ? "done" : `failed: ${outcome.error}`);
		}
		return outcome;
	}

	/**
	 * Points the server's next boot at the provider's rescue system or back
	 * at its disk, reboots it, then watches the console until the new
	 * system's login shows or `timeoutMs` passes. The boot id in force before
	 * boot_rescue is kept in storage for boot_normal to restore.
	 */
	async boot(request: BootCallRequest, onProgress?: (p: Progress) => void): Promise<BootOutcome> {
		const fields = { target: request.target, who: request.who };
		const outcome = await this.answer(onProgress, "boot", request, fields, async () => {
			const provider = this.provider(request);
			const boot = provider.boot?.bind(provider);
			if (!boot) {
				throw new UserFacingError(
					`${request.serverId} cannot change its boot: only OVH servers can.`,
				);
			}
			const change = await this.queued(request, BOOT, async (ctx) => {
				const saved = await this.ctx.storage.get<number>(BOOT_BEFORE_RESCUE);
				const restoreBootId = request.target === "normal" ? saved : undefined;
				const change = await boot(request.serverId, { target: request.target, restoreBootId }, ctx);
				if (request.target === "normal") {
					await this.ctx.storage.delete(BOOT_BEFORE_RESCUE);
				} else if (
					saved === undefined &&
					change.previousBootId !== null &&
					change.previousBootId !== change.bootId
				) {
					// A second boot_rescue keeps the disk boot the first one saved.
					await this.ctx.storage.put(BOOT_BEFORE_RESCUE, change.previousBootId);
				}
				return change;
			});
			const pattern = compileScreenPattern(change.bootedWhen);
			const watching: Operation = { ...BOOT_WATCH, deadlineMs: request.timeoutMs + WAIT_SLACK_MS };
			try {
				const seen = await this.run(request, watching, (link, ctx) =>
					this.watchBoot(link, ctx, pattern, request.timeoutMs),
				);
				const view = seen.capture?.view(seen.capture.text.isText ? "text" : "screenshot", false);
				return {
					detail: change.detail,
					booted: seen.met,
					waitedMs: seen.waitedMs,
					view,
					screenError: seen.error,
				};
			} catch (error) {
				// The boot happened; only watching it failed (no console access, say).
				return {
					detail: change.detail,
					booted: false,
					waitedMs: 0,
					screenError: errorMessage(error),
				};
			}
		});
		await this.audit(
			request,
			`boot_${request.target}`,
			outcome.ok ? "done" : `failed: ${outcome.error}`,
		);
		return outcome;
	}

	override async alarm(): Promise<void> {
		const { idleMs } = parseLimits(this.settings());
		const idleFor = Date.now() - this.lastUsed;
		if (this.busy > 0 || idleFor < idleMs) {
			await this.ctx.storage.setAlarm(Date.now() + Math.max(idleMs - idleFor, 1000));
			return;
		}
		// Closing the sockets lets the object hibernate; the link keeps its credentials for a quick reopen.
		this.link?.suspend();
	}

	private async powerOnConsole(
		action: PowerAction,
		link: ConsoleLink,
		ctx: CallContext,
		warm: boolean,
	): Promise<{ report: PowerReport; via: "console"; capture?: Capture; noScreen?: string }> {
		const report = await link.power(action, ctx);
		if (action === "status") return { report, via: "console" };
		if (report.state === "off") {
			return {
				report,
				via: "console",
				noScreen: "No signal: the server is off, so there is no picture.",
			};
		}
		ctx.onProgress?.({ message: "Waiting for the screen to settle" });
		try {
			const last = await settle(this.observer(link, ctx, new ScreenWatcher(this.textCache)), {
				signal: ctx.signal,
			});
			return {
				report,
				via: "console",
				capture: this.captured(last.framebuffer, last.step.text, link, warm),
			};
		} catch (error) {
			if (ctx.signal.aborted) throw error;
			// The action was taken; a screen blanked by the reboot is no failure of it.
			return { report, via: "console", noScreen: `No picture yet: ${errorMessage(error)}` };
		}
	}

	/**
	 * Captures every few seconds until the screen's text matches `pattern` or
	 * `timeoutMs` passes. A rebooting server has no picture for a while, so a
	 * failed capture is noted and tried again rather than ending the wait.
	 */
	private async watchBoot(
		link: ConsoleLink,
		ctx: CallContext,
		pattern: ScreenPattern,
		timeoutMs: number,
	): Promise<{ met: boolean; waitedMs: number; capture?: Capture; error?: string }> {
		const watcher = new ScreenWatcher(this.textCache);
		const start = Date.now();
		let capture: Capture | undefined;
		let error: string | undefined;
		for (;;) {
			try {
				const framebuffer = await link.capture(ctx);
				const step = watcher.observe(framebuffer, Date.now());
				capture = this.captured(framebuffer, step.text, link, true);
				error = undefined;
				if (step.text.isText && pattern.test(step.text.lines.join("\n"))) {
					return { met: true, waitedMs: Date.now() - start, capture };
				}
			} catch (failure) {
				if (ctx.signal.aborted) throw failure;
				error = errorMessage(failure);
			}
			const waitedMs = Date.now() - start;
			if (waitedMs >= timeoutMs) return { met: false, waitedMs, capture, error };
			ctx.onProgress?.({
				message: `Waiting for the console to show ${pattern.source}: ${Math.round(waitedMs / 1000)} s of ${timeoutMs / 1000} s`,
			});
			await sleep(Math.min(BOOT_POLL_MS, timeoutMs - waitedMs), ctx.signal);
		}
	}

	/** Appends to the console's audit trail (the last AUDIT_KEEP entries) and logs one line. */
	private async audit(request: ConsoleRequest & { who: string }, action: string, outcome: string) {
		const entry: AuditEntry = { time: new Date().toISOString(), action, who: request.who, outcome };
		logEvent("audit", { console: `${request.provider}:${request.serverId}`, ...entry });
		const trail = [...(await this.auditTrail()), entry].slice(-AUDIT_KEEP);
		await this.ctx.storage.put(AUDIT_TRAIL, trail);
	}

	private async auditTrail(): Promise<AuditEntry[]> {
		return (await this.ctx.storage.get<AuditEntry[]>(AUDIT_TRAIL)) ?? [];
	}

	/**
	 * The frame of every public method: forwards the caller's progress, logs
	 * the call's stages, and turns a failure into its user-facing message.
	 */
	private async answer<T>(
		onProgress: ((p: Progress) => void) | undefined,
		event: string,
		request: ConsoleRequest,
		fields: LogFields,
		work: (timer: StageTimer) => Promise<T>,
	): Promise<Outcome<T>> {
		const listener = onProgress
			? (p: Progress) => void Promise.resolve(onProgress(p)).catch(() => {})
			: undefined;
		if (listener) this.listeners.add(listener);
		const timer = new StageTimer(event, {
			console: `${request.provider}:${request.serverId}`,
			...fields,
		});
		try {
			const result = await work(timer);
			return { ok: true, ...result };
		} catch (error) {
			const message = errorMessage(error);
			timer.done("failed", { error: message });
			return { ok: false, error: message };
		} finally {
			if (listener) this.listeners.delete(listener);
		}
	}

	/** Callers that arrive while a capture runs wait for that capture instead of starting their own. */
	private sharedCapture(request: ConsoleRequest): Promise<Capture> {
		this.inflight ??= this.run(request, CAPTURE, async (link, ctx, warm) => {
			const framebuffer = await link.capture(ctx);
			return this.captured(framebuffer, readScreenText(framebuffer, this.textCache), link, warm);
		}).finally(() => {
			this.inflight = undefined;
		});
		return this.inflight;
	}

	/** Captures through `link` and judges each capture with `watcher`. */
	private observer(
		link: ConsoleLink,
		ctx: CallContext,
		watcher: ScreenWatcher,
	): () => Promise<Observed> {
		return async () => {
			const framebuffer = await link.capture(ctx);
			return { framebuffer, step: watcher.observe(framebuffer, Date.now()) };
		};
	}

	/**
	 * Runs `work` on this console's link under one deadline, opening the link
	 * first when there is none and starting over once when the BMC has
	 * forgotten the session behind it. Work on one console runs one at a
	 * time: a KVM socket serves one exchange at a time.
	 */
	private run<T>(
		request: ConsoleRequest,
		what: Operation,
		work: (link: ConsoleLink, ctx: CallContext, warm: boolean) => Promise<T>,
	): Promise<T> {
		return this.queued(request, what, (ctx) => this.onLink(request, ctx, work));
	}

	/** Runs `work` in this console's queue under one deadline; it opens the link itself if it needs one. */
	private queued<T>(
		request: ConsoleRequest,
		what: Operation,
		work: (ctx: CallContext) => Promise<T>,
	): Promise<T> {
		this.busy++;
		const turn = this.queue
			.then(() => this.runNow(request, what, work))
			.finally(() => {
				this.busy--;
			});
		this.queue = turn.catch(() => {});
		return turn;
	}

	private async runNow<T>(
		request: ConsoleRequest,
		what: Operation,
		work: (ctx: CallContext) => Promise<T>,
	): Promise<T> {
		const limits = parseLimits(this.settings());
		const deadlineMs = Math.max(limits.toolTimeoutMs, what.deadlineMs ?? 0);
		const timer = new StageTimer(what.event, {
			console: `${request.provider}:${request.serverId}`,
		});
		let stage = "Starting";
		// A bare TimeoutError says nothing; the user learns which stage ran out of time.
		const deadline = new AbortController();
		const deadlineTimer = setTimeout(
			() => deadline.abort(new UserFacingError(timeoutMessage(what, deadlineMs, stage))),
			deadlineMs,
		);
		const ctx: CallContext = {
			signal: deadline.signal,
			onProgress: (p) => {
				stage = p.message;
				timer.begin(p.message);
				for (const listener of this.listeners) listener(p);
			},
		};
		this.lastUsed = Date.now();
		try {
			return await work(ctx);
		} catch (error) {
			// Kept suspended, a link reopens in a second next time (a powered-off server, a dropped socket).
			this.link?.suspend();
			throw error;
		} finally {
			clearTimeout(deadlineTimer);
			timer.finish();
			this.lastUsed = Date.now();
			// Only an open connection needs closing later; an alarm stored for nothing outlives any use.
			if (this.link?.isOpen) await this.ctx.storage.setAlarm(this.lastUsed + limits.idleMs);
			else await this.ctx.storage.deleteAlarm();
		}
	}

	/** `work` on the link, opened first when there is none, and again once when the BMC forgot it. */
	private async onLink<T>(
		request: ConsoleRequest,
		ctx: CallContext,
		work: (link: ConsoleLink, ctx: CallContext, warm: boolean) => Promise<T>,
	): Promise<T> {
		if (this.link) {
			try {
				// Warm only when this very connection is open now; a suspended or dropped one reopens.
				return await work(this.link, ctx, this.link.isOpen);
			} catch (error) {
				if (!(error instanceof ConsoleExpiredError)) throw error;
				// The BMC forgot the session behind the link: start over with the provider.
				this.closeLink();
			}
		}
		this.link = await this.open(request, ctx);
		return await work(this.link, ctx, false);
	}

	private captured(
		framebuffer: Framebuffer,
		text: ScreenText,
		link: ConsoleLink,
		warm: boolean,
	): Capture {
		this.screen = framebuffer;
		return new Capture(framebuffer, text, link.powerState, warm);
	}

	private open(request: ConsoleRequest, ctx: CallContext): Promise<ConsoleLink> {
		return this.provider(request).openConsole(request.serverId, ctx);
	}

	/** The provider of the console this object serves, checked against its name. */
	private provider(request: ConsoleRequest): Provider {
		const expectedName = `${request.provider}:${request.serverId}`;
		if (this.ctx.id.name !== undefined && this.ctx.id.name !== expectedName) {
			throw new ConfigError(`console session ${this.ctx.id.name} cannot serve ${expectedName}`);
		}
		const provider = this.providers(request.runtime).find((p) => p.name === request.provider);
		if (!provider) throw new ConfigError(`provider "${request.provider}" is not configured`);
		return provider;
	}

	/** This deployment's settings and secrets; tests override it with their own. */
	protected settings(): Env {
		return this.env;
	}

	/** The providers this deployment has; tests override it to inject transports. */
	protected providers(runtime: Runtime): Provider[] {
		return createProviders(this.settings(), runtime);
	}

	private closeLink(): void {
		this.link?.close();
		this.link = undefined;
	}
}

/** What run() is doing, for its log lines and its deadline's message. */
interface Operation {
	event: string;
	/** Starts the deadline's message: "<late> within 60 s (TOOL_TIMEOUT_SECONDS); …". */
	late: string;
	/** A deadline longer than TOOL_TIMEOUT_SECONDS, for waits that ask for one. */
	deadlineMs?: number;
}

const CAPTURE: Operation = { event: "capture", late: "No screenshot" };
const INPUT: Operation = { event: "input", late: "The input was not sent and settled" };
const WAIT: Operation = { event: "wait", late: "The wait did not finish" };
const POWER: Operation = { event: "power", late: "The power action did not finish" };
const BOOT: Operation = { event: "boot", late: "The boot change and reboot did not finish" };
const BOOT_WATCH: Operation = {
	event: "boot-watch",
	late: "The server was rebooted, but watching its console did not finish",
};
/** How often a boot watch captures the console. */
const BOOT_POLL_MS = 2000;
/** Storage keys: the power and boot audit trail, and the boot id boot_rescue replaced. */
const AUDIT_TRAIL = "power-audit";
const BOOT_BEFORE_RESCUE = "boot-before-rescue";
/** How many audit entries each console keeps. */
export const AUDIT_KEEP = 50;
/** Time a wait's deadline leaves for its last capture and rendering after `timeoutSeconds`. */
const WAIT_SLACK_MS = 10_000;

function waitingFor(request: WaitRequest): string {
	if (request.until === "text") return `the screen to show ${request.text}`;
	if (request.until === "stable")
		return `the screen to hold still for ${request.stableMs / 1000} s`;
	return "the screen to change";
}

/** Maps a point of the image the agent was shown to the console pixel under it. */
function consolePoint(x: number, y: number, screen: Framebuffer, raw: boolean) {
	const shown = raw ? screen : visionSize(screen.width, screen.height);
	if (x >= shown.width || y >= shown.height) {
		throw new UserFacingError(
			`(${x}, ${y}) is outside the ${shown.width}x${shown.height} image get_screenshot returns ` +
				`${raw ? "with raw: true" : "by default"}: pick a point inside it.`,
		);
	}
	return raw ? { x, y } : nativePoint(x, y, screen);
}

function timeoutMessage(what: Operation, ms: number, stage: string): string {
	return (
		`${what.late} within ${ms / 1000} s (TOOL_TIMEOUT_SECONDS); this stage did not finish: ${stage}. ` +
		"Try again; if it keeps timing out, the console is unreachable or slow, and a larger TOOL_TIMEOUT_SECONDS gives it longer."
	);
}
