import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { UserFacingError } from "../errors.ts";
import { type Caller, requireScope } from "./caller.ts";
import {
	type ConsoleDeps,
	consoleOf,
	progressReporter,
	ServerIdSchema,
	screenshotBlocks,
	withDeadline,
} from "./console-call.ts";
import { errorResult, type ToolResult } from "./tool-result.ts";

export function registerGetScreenshot(
	server: McpServer,
	deps: ConsoleDeps & { caller: Caller },
): void {
	server.registerTool(
		"get_screenshot",
		{
			title: "Screenshot a server console",
			description:
				"Captures what the server's physical console shows right now (BIOS/UEFI, GRUB, kernel panic, " +
				"login prompt, installer) through its BMC iKVM or VNC, and returns it as a PNG image plus a line " +
				"of text with the resolution, capture time and power state. By default the image is scaled and " +
				"contrast-stretched to be easy to read; raw=true returns the exact pixels at native size. The first " +
				"capture of a server can take 10-40 s while the provider opens a console session; later ones reuse it. " +
				"structuredContent.screenHash identifies the screen: pass it back as sinceHash to get one line instead " +
				"of an image while nothing has changed. For the screen's text, get_screen_text is cheaper and exact.",
			inputSchema: z.object({
				serverId: ServerIdSchema,
				raw: z
					.boolean()
					.default(false)
					.describe(
						"true: the console's exact pixels, unscaled; false (default): optimised for reading",
					),
				sinceHash: z
					.string()
					.max(64)
					.optional()
					.describe("A screenHash from an earlier call: no image while the screen still has it"),
			}),
			annotations: { readOnlyHint: true, openWorldHint: true },
		},
		async ({ serverId, raw, sinceHash }, ctx): Promise<ToolResult> => {
			try {
				requireScope(deps.caller, "console:view", "get_screenshot");
				const { provider, session } = await consoleOf(deps, serverId, ctx);
				const outcome = await withDeadline(
					deps,
					session().screenshot(
						{ provider: provider.name, serverId, runtime: deps.runtime, raw, sinceHash },
						progressReporter(ctx),
					),
				);
				if (!outcome.ok) throw new UserFacingError(outcome.error);
				const structuredContent = { screenHash: outcome.screenHash };
				if (outcome.unchanged) {
					return {
						content: [{ type: "text", text: `unchanged since ${outcome.screenHash}` }],
						structuredContent,
					};
				}
				return {
					content: screenshotBlocks(outcome, serverId, provider.name, raw),
					structuredContent,
				};
			} catch (error) {
				return errorResult(error);
			}
		},
	);
}
