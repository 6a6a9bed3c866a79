import type { McpServer, ServerContext } from "@modelcontextprotocol/server";
import { z } from "zod";
import type { ScreenshotOutcome, ScreenshotRequest } from "../console/session.ts";
import { UserFacingError } from "../errors.ts";
import type { Progress, Provider } from "../providers/types.ts";
import { errorResult, type ToolResult } from "./tool-result.ts";

export interface ScreenshotDeps {
	providers: () => Provider[];
	toolTimeoutMs: () => number;
	/** The ConsoleSession that owns "<provider>:<serverId>". */
	console: (name: string) => {
		screenshot(
			request: ScreenshotRequest,
			onProgress?: (p: Progress) => void,
		): Promise<ScreenshotOutcome>;
	};
}

export const ServerIdSchema = z
	.string()
	.trim()
	.min(1, "serverId is empty: pass an id from list_servers")
	.max(128, "serverId is longer than 128 characters: pass an id from list_servers")
	.regex(
		/^[A-Za-z0-9][A-Za-z0-9._:@-]*$/,
		"serverId has characters no server id uses: pass an id from list_servers",
	);

export function registerGetScreenshot(server: McpServer, deps: ScreenshotDeps): void {
	server.registerTool(
		"get_screenshot",
		{
			title: "Screenshot a server console",
			description:
				"Captures what the server's physical console shows right now (BIOS/UEFI, GRUB, kernel panic, " +
				"login prompt, installer) through its BMC iKVM or VNC, and returns it as a PNG image plus a line " +
				"of text with the resolution, capture time and power state. By default the image is scaled and " +
				"contrast-stretched to be easy to read; raw=true returns the exact pixels at native size. The first " +
				"capture of a server can take 10-40 s while the provider opens a console session; later ones reuse it.",
			inputSchema: z.object({
				serverId: ServerIdSchema.describe("A server id exactly as list_servers returned it"),
				raw: z
					.boolean()
					.default(false)
					.describe(
						"true: the console's exact pixels, unscaled; false (default): optimised for reading",
					),
			}),
			annotations: { readOnlyHint: true, openWorldHint: true },
		},
		async ({ serverId, raw }, ctx): Promise<ToolResult> => {
			try {
				const provider = deps.providers().find((p) => p.owns(serverId));
				if (!provider) {
					throw new UserFacingError(
						`No configured provider has a server "${serverId}". Call list_servers for valid ids.`,
					);
				}
				const session = deps.console(`${provider.name}:${serverId}`);
				const outcome = await withDeadline(
					session.screenshot({ provider: provider.name, serverId, raw }, progressReporter(ctx)),
					// The session enforces the same deadline per stage with a sharper message; this one is the backstop.
					deps.toolTimeoutMs() + 5000,
				);
				if (!outcome.ok) throw new UserFacingError(outcome.error);
				const sizeNote =
					outcome.width === outcome.sourceWidth && outcome.height === outcome.sourceHeight
						? `${outcome.width}x${outcome.height}`
						: `${outcome.sourceWidth}x${outcome.sourceHeight} console, shown at ${outcome.width}x${outcome.height}`;
				const text =
					`Console of ${serverId} (${provider.name}): ${sizeNote}${raw ? ", raw pixels" : ", optimised for reading"}; ` +
					`captured ${outcome.capturedAt}; power ${outcome.powerState}; ${outcome.warm ? "reused the console session" : "new console session"}.`;
				return {
					content: [
						{ type: "image", data: toBase64(outcome.png), mimeType: "image/png" },
						{ type: "text", text },
					],
				};
			} catch (error) {
				return errorResult(error);
			}
		},
	);
}

/** Turns provider progress into MCP progress notifications when the client asked for them. */
function progressReporter(ctx: ServerContext): ((p: Progress) => void) | undefined {
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

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const deadline = new Promise<never>((_, reject) => {
		timer = setTimeout(
			() =>
				reject(
					new UserFacingError(
						`No screenshot within ${Math.round(ms / 1000)} s. The console may be unreachable; try again.`,
					),
				),
			ms,
		);
	});
	return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

function toBase64(bytes: Uint8Array): string {
	let binary = "";
	for (let i = 0; i < bytes.length; i += 0x8000) {
		binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
	}
	return btoa(binary);
}
