/**
 * One Durable Object per console, named "<provider>:<serverId>". It owns the
 * console's connection: it opens it, keeps it warm between screenshots (so a
 * second screenshot costs one frame request), makes concurrent callers share
 * one capture (the BMC's KVM token is single-use; parallel handshakes would
 * break each other) and one rendering of it per `raw` setting, and closes it
 * from an alarm once idle, because outbound WebSockets keep a Durable Object
 * from hibernating. No alarm is stored while nothing is open.
 */
import { DurableObject } from "cloudflare:workers";
import { parseLimits } from "../config.ts";
import { ConfigError, ConsoleExpiredError, errorMessage, UserFacingError } from "../errors.ts";
import type { Framebuffer } from "../image/framebuffer.ts";
import { nativePoint, optimiseForVision, visionSize } from "../image/optimise.ts";
import { encodePng } from "../image/png.ts";
import type { InputEvent } from "../input/events.ts";
import { type MouseAction, type MouseButton, mouseEvents } from "../input/mouse.ts";
import { type LogFields, logEvent, StageTimer } from "../log.ts";
import { createProviders } from "../providers/index.ts";
import type {
	CallContext,
	ConsoleLink,
	PowerState,
	Progress,
	Provider,
} from "../providers/types.ts";
import { settle } from "./settle.ts";

/** Which console: the Durable Object checks it is the one it serves. */
export interface ConsoleRequest {
	provider: string;
	serverId: string;
}

export interface ScreenshotRequest extends ConsoleRequest {
	raw: boolean;
}

export interface Screenshot {
	png: Uint8Array;
	/** Size of the returned image. */
	width: number;
	height: number;
	/** Size of the console as the BMC sent it. */
	sourceWidth: number;
	sourceHeight: number;
	capturedAt: string;
	powerState: PowerState;
	/** True when the console connection that served the capture was already open before it. */
	warm: boolean;
}

/** What an input tool returns besides its confirmation: the screen once settled, or nothing. */
export type Then = "screenshot" | "none";

export interface InputRequest extends ConsoleRequest {
	tool: "send_keys" | "type_text" | "mouse";
	/** Key events, in order (send_keys, type_text). */
	events: InputEvent[];
	/** A mouse action at a point of the image get_screenshot returns with the same `raw`. */
	pointer?: { action: MouseAction; x: number; y: number; button: MouseButton; amount: number };
	raw: boolean;
	then: Then;
	/** What the log line may say of the input: chord names or a character count, never typed text. */
	audit: LogFields;
}

export type InputOutcome =
	| {
			ok: true;
			/** Events the console took. */
			sent: number;
			/** Where a mouse action landed, in console pixels. */
			at?: { x: number; y: number };
			screenshot?: Screenshot;
	  }
	| { ok: false; error: string };

/** RPC drops error classes, so failures travel as their user-facing message. */
export type ScreenshotOutcome = ({ ok: true } & Screenshot) | { ok: false; error: string };

/** One look at the screen, shared by every caller that waited for it. */
interface Capture {
	framebuffer: Framebuffer;
	powerState: PowerState;
	capturedAt: Date;
	/** The connection that served it was open before the operation began. */
	warm: boolean;
	/** Screenshots made of it, per `raw` setting: callers sharing the capture share these bytes. */
	readonly renders: Map<boolean, Screenshot>;
}

export class ConsoleSession extends DurableObject<Env> {
	private link: ConsoleLink | undefined;
	private lastUsed = 0;
	private inflight: Promise<Capture> | undefined;
	/** The tail of the work queued on this console; see run(). */
	private queue: Promise<unknown> = Promise.resolve();
	/** The last screen captured: its size maps mouse points. */
	private screen: Framebuffer | undefined;
	/** Operations queued or running: the idle alarm leaves a busy console alone. */
	private busy = 0;
	private readonly listeners = new Set<(p: Progress) => void>();

	async screenshot(
		request: ScreenshotRequest,
		onProgress?: (p: Progress) => void,
	): Promise<ScreenshotOutcome> {
		const listener = this.listen(onProgress);
		const timer = new StageTimer("screenshot", {
			console: `${request.provider}:${request.serverId}`,
			raw: request.raw,
		});
		try {
			const capture = await this.sharedCapture(request);
			timer.done("captured", {
				warm: capture.warm,
				width: capture.framebuffer.width,
				height: capture.framebuffer.height,
			});
			let screenshot = capture.renders.get(request.raw);
			if (screenshot) {
				timer.done("shared rendering");
			} else {
				screenshot = render(capture, request.raw);
				capture.renders.set(request.raw, screenshot);
				timer.done("rendered", { pngBytes: screenshot.png.length });
			}
			return { ok: true, ...screenshot };
		} catch (error) {
			const message = errorMessage(error);
			timer.done("failed", { error: message });
			return { ok: false, error: message };
		} finally {
			if (listener) this.listeners.delete(listener);
		}
	}

	/**
	 * Sends keyboard or mouse input, then (unless `then` is "none") waits for
	 * the screen to settle and returns it, so an agent acts and looks in one
	 * round trip. Gates are the tool's: this sends what it is given.
	 */
	async input(request: InputRequest, onProgress?: (p: Progress) => void): Promise<InputOutcome> {
		const listener = this.listen(onProgress);
		const fields = { console: `${request.provider}:${request.serverId}`, tool: request.tool };
		try {
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
				const framebuffer = await settle(() => link.capture(ctx), {
					signal: ctx.signal,
					key: pixelKey,
				});
				this.screen = framebuffer;
				return { sent: events.length, at, capture: this.captured(framebuffer, link, warm) };
			});
			logEvent("input", { ...fields, ...request.audit, sent: done.sent, outcome: "sent" });
			return {
				ok: true,
				sent: done.sent,
				at: done.at,
				screenshot: done.capture && render(done.capture, request.raw),
			};
		} catch (error) {
			const message = errorMessage(error);
			logEvent("input", { ...fields, ...request.audit, outcome: "failed", error: message });
			return { ok: false, error: message };
		} finally {
			if (listener) this.listeners.delete(listener);
		}
	}

	/** Forwards this call's progress while it waits; the caller removes the listener. */
	private listen(onProgress?: (p: Progress) => void): ((p: Progress) => void) | undefined {
		if (!onProgress) return undefined;
		const listener = (p: Progress) => void Promise.resolve(onProgress(p)).catch(() => {});
		this.listeners.add(listener);
		return listener;
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

	/** Callers that arrive while a capture runs wait for that capture instead of starting their own. */
	private sharedCapture(request: ConsoleRequest): Promise<Capture> {
		this.inflight ??= this.run(request, CAPTURE, async (link, ctx, warm) =>
			this.captured(await link.capture(ctx), link, warm),
		).finally(() => {
			this.inflight = undefined;
		});
		return this.inflight;
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
		work: (link: ConsoleLink, ctx: CallContext, warm: boolean) => Promise<T>,
	): Promise<T> {
		const limits = parseLimits(this.settings());
		const timer = new StageTimer(what.event, {
			console: `${request.provider}:${request.serverId}`,
		});
		let stage = "Starting";
		// A bare TimeoutError says nothing; the user learns which stage ran out of time.
		const deadline = new AbortController();
		const deadlineTimer = setTimeout(
			() => deadline.abort(new UserFacingError(timeoutMessage(what, limits.toolTimeoutMs, stage))),
			limits.toolTimeoutMs,
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

	private captured(framebuffer: Framebuffer, link: ConsoleLink, warm: boolean): Capture {
		this.screen = framebuffer;
		return {
			framebuffer,
			powerState: link.powerState,
			capturedAt: new Date(),
			warm,
			renders: new Map(),
		};
	}

	private open(request: ConsoleRequest, ctx: CallContext): Promise<ConsoleLink> {
		const expectedName = `${request.provider}:${request.serverId}`;
		if (this.ctx.id.name !== undefined && this.ctx.id.name !== expectedName) {
			throw new ConfigError(`console session ${this.ctx.id.name} cannot serve ${expectedName}`);
		}
		const provider = this.providers().find((p) => p.name === request.provider);
		if (!provider) throw new ConfigError(`provider "${request.provider}" is not configured`);
		return provider.openConsole(request.serverId, ctx);
	}

	/** This deployment's settings and secrets; tests override it with their own. */
	protected settings(): Env {
		return this.env;
	}

	/** The providers this deployment has; tests override it to inject transports. */
	protected providers(): Provider[] {
		return createProviders(this.settings());
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
}

const CAPTURE: Operation = { event: "capture", late: "No screenshot" };
const INPUT: Operation = { event: "input", late: "The input was not sent and settled" };

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

/** Pixel equality, as settling compares screens. */
function pixelKey(fb: Framebuffer): string {
	const bytes = fb.rgba.byteOffset % 4 === 0 ? fb.rgba : fb.rgba.slice();
	const words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 2);
	let h = 0x811c9dc5;
	for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i], 0x01000193);
	return `${fb.width}x${fb.height}:${(h >>> 0).toString(16)}`;
}

function timeoutMessage(what: Operation, ms: number, stage: string): string {
	return (
		`${what.late} within ${ms / 1000} s (TOOL_TIMEOUT_SECONDS); this stage did not finish: ${stage}. ` +
		"Try again; if it keeps timing out, the console is unreachable or slow, and a larger TOOL_TIMEOUT_SECONDS gives it longer."
	);
}

function render(capture: Capture, raw: boolean): Screenshot {
	const source = capture.framebuffer;
	const image = raw ? source : optimiseForVision(source);
	return {
		png: encodePng(image),
		width: image.width,
		height: image.height,
		sourceWidth: source.width,
		sourceHeight: source.height,
		capturedAt: capture.capturedAt.toISOString(),
		powerState: capture.powerState,
		warm: capture.warm,
	};
}
