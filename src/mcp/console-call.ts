/**
 * What every console tool does around its own work: find the console's
 * provider and Durable Object, call it with the tool deadline as a backstop
 * and progress forwarded to the client, and show a screen the same way.
 */
import type { ServerContext } from "@modelcontextprotocol/server";
import { z } from "zod";
import type { ConsoleSession, Screenshot, ScreenView } from "../console/session.ts";
import { UserFacingError } from "../errors.ts";
import type { Progress, Provider } from "../providers/types.ts";
import type { Runtime } from "../runtime.ts";
import { type ScreenText, screenTextContents } from "../text/index.ts";
import { resolveConsole } from "./resolve-console.ts";
import type { ContentBlock } from "./tool-result.ts";

/** The ConsoleSession methods the tools call (over RPC, or directly in tests). */
export type ConsoleApi = Pick<
	ConsoleSession,
	"screenshot" | "input" | "screenText" | "waitForScreen" | "power" | "boot"
>;

export interface ConsoleDeps {
	/** Where the Worker runs, for the consoles' error hints. */
	runtime: Runtime;
	providers: () => Provider[];
	toolTimeoutMs: () => number;
	/** The ConsoleSession that owns "<provider>:<serverId>". */
	console: (name: string) => ConsoleApi;
}

export const ServerIdSchema = z
	.string()
	.trim()
	.min(1, "serverId is empty: pass an id from list_servers")
	.max(128, "serverId is longer than 128 characters: pass an id from list_servers")
	.regex(
		/^[A-Za-z0-9][A-Za-z0-9._:@-]*$/,
		"serverId has characters no server id uses: pass an id from list_servers",
	)
	.describe("A server id exactly as list_servers returned it");

/**
 * The provider serving `serverId` and its console's Durable Object, once
 * resolveConsole has checked the id: a made-up one creates no object.
 */
export async function consoleOf(
	deps: ConsoleDeps,
	serverId: string,
	ctx: ServerContext,
): Promise<{ provider: Provider; session: () => ConsoleApi }> {
	const signal = AbortSignal.any([ctx.mcpReq.signal, AbortSignal.timeout(deps.toolTimeoutMs())]);
	const { provider, name } = await resolveConsole(deps, serverId, signal);
	return { provider, session: () => deps.console(name) };
}

/**
 * The session enforces the same deadline per stage with a sharper message;
 * this one is the backstop. `extraMs` is for calls whose session work runs
 * longer than one tool deadline (a boot followed by a watch of the console).
 */
export function withDeadline<T>(deps: ConsoleDeps, work: Promise<T>, extraMs = 0): Promise<T> {
	const ms = deps.toolTimeoutMs() + 5000 + extraMs;
	let timer: ReturnType<typeof setTimeout> | undefined;
	const deadline = new Promise<never>((_, reject) => {
		timer = setTimeout(
			() =>
				reject(
					new UserFacingError(
						`No answer from the console within ${Math.round(ms / 1000)} s. It may be unreachable; try again.`,
					),
				),
			ms,
		);
	});
	return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** Turns console progress into MCP progress notifications when the client asked for them. */
export function progressReporter(ctx: ServerContext): ((p: Progress) => void) | undefined {
	const token = ctx.mcpReq._meta?.progressToken;
	if (token === undefined) return undefined;
	// Stages report their own counters; MCP wants one that only grows, so count notifications.
	let step = 0;
	return (p) => {
		step += 1;
		void ctx.mcpReq
			.notify({
				method: "notifications/progress",
				params: { progressToken: token, progress: step, message: p.message },
			})
			.catch(() => {});
	};
}

/** The image block and the line describing it, as get_screenshot returns them. */
export function screenshotBlocks(
	shot: Screenshot,
	serverId: string,
	provider: string,
	raw: boolean,
): ContentBlock[] {
	const size =
		shot.width === shot.sourceWidth && shot.height === shot.sourceHeight
			? `${shot.width}x${shot.height}`
			: `${shot.sourceWidth}x${shot.sourceHeight} console, shown at ${shot.width}x${shot.height}`;
	const text =
		`Console of ${serverId} (${provider}): ${size}${raw ? ", raw pixels" : ", optimised for reading"}; ` +
		`captured ${shot.capturedAt}; power ${shot.powerState}; ${shot.warm ? "reused the open console session" : "new console session"}.`;
	return [
		{ type: "image", data: toBase64(shot.png), mimeType: "image/png" },
		{ type: "text", text },
	];
}

/** A screen's text as the text tools return it (see screenTextContents). */
export function screenTextBlocks(text: ScreenText): ContentBlock[] {
	return screenTextContents(text).map((t) => ({ type: "text", text: t }));
}

/** A view's blocks: the screenshot's, then the text's, whichever it holds. */
export function viewBlocks(
	view: ScreenView,
	serverId: string,
	provider: string,
	raw: boolean,
): ContentBlock[] {
	return [
		...(view.screenshot ? screenshotBlocks(view.screenshot, serverId, provider, raw) : []),
		...(view.text ? screenTextBlocks(view.text) : []),
	];
}

/** The structured form of a screen's text, as get_screen_text returns it. */
export function textStructure(text: ScreenText) {
	return {
		isText: text.isText,
		columns: text.columns,
		rows: text.rows,
		lines: text.lines,
		cursor: text.cursor,
		font: text.font,
		uncertain: text.uncertain,
		screenHash: text.screenHash,
	};
}

function toBase64(bytes: Uint8Array): string {
	let binary = "";
	for (let i = 0; i < bytes.length; i += 0x8000) {
		binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
	}
	return btoa(binary);
}
