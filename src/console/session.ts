/**
 * One Durable Object per console, named "<provider>:<serverId>". It owns the
 * console's connection: it opens it, keeps it warm between screenshots (so a
 * second screenshot costs one frame request), makes concurrent callers share
 * one capture (the BMC's KVM token is single-use; parallel handshakes would
 * break each other), and closes it from an alarm once idle, because outbound
 * WebSockets keep a Durable Object from hibernating.
 */
import { DurableObject } from "cloudflare:workers";
import { parseLimits } from "../config.ts";
import { ConfigError, ConsoleExpiredError, errorMessage, UserFacingError } from "../errors.ts";
import type { Framebuffer } from "../image/framebuffer.ts";
import { optimiseForVision } from "../image/optimise.ts";
import { encodePng } from "../image/png.ts";
import { StageTimer } from "../log.ts";
import { createProviders } from "../providers/index.ts";
import type {
	CallContext,
	ConsoleLink,
	PowerState,
	Progress,
	Provider,
} from "../providers/types.ts";

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
	/** True when an already open console session served the capture. */
	warm: boolean;
}

/** RPC drops error classes, so failures travel as their user-facing message. */
export type ScreenshotOutcome = ({ ok: true } & Screenshot) | { ok: false; error: string };

interface Capture {
	framebuffer: Framebuffer;
	powerState: PowerState;
	capturedAt: Date;
	warm: boolean;
}

export class ConsoleSession extends DurableObject<Env> {
	private link: ConsoleLink | undefined;
	private lastUsed = 0;
	private inflight: Promise<Capture> | undefined;
	/** The tail of the work queued on this console; see run(). */
	private queue: Promise<unknown> = Promise.resolve();
	/** Operations queued or running: the idle alarm leaves a busy console alone. */
	private busy = 0;
	private readonly listeners = new Set<(p: Progress) => void>();

	async screenshot(
		request: ScreenshotRequest,
		onProgress?: (p: Progress) => void,
	): Promise<ScreenshotOutcome> {
		const listener = onProgress
			? (p: Progress) => void Promise.resolve(onProgress(p)).catch(() => {})
			: undefined;
		if (listener) this.listeners.add(listener);
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
			const screenshot = render(capture, request.raw);
			timer.done("rendered", { pngBytes: screenshot.png.length });
			return { ok: true, ...screenshot };
		} catch (error) {
			const message = errorMessage(error);
			timer.done("failed", { error: message });
			return { ok: false, error: message };
		} finally {
			if (listener) this.listeners.delete(listener);
		}
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
					return await work(this.link, ctx, true);
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
			await this.ctx.storage.setAlarm(this.lastUsed + limits.idleMs);
		}
	}

	private captured(framebuffer: Framebuffer, link: ConsoleLink, warm: boolean): Capture {
		return { framebuffer, powerState: link.powerState, capturedAt: new Date(), warm };
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
