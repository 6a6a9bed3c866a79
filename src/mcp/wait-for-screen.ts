import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { compileScreenPattern, MAX_PATTERN_LENGTH } from "../console/screen-pattern.ts";
import { UserFacingError } from "../errors.ts";
import { requireScope } from "./caller.ts";
import {
	consoleOf,
	progressReporter,
	ServerIdSchema,
	viewBlocks,
	withDeadline,
} from "./console-call.ts";
import type { McpDeps } from "./server.ts";
import { errorResult, type ToolResult } from "./tool-result.ts";

export function registerWaitForScreen(server: McpServer, deps: McpDeps): void {
	server.registerTool(
		"wait_for_screen",
		{
			title: "Wait for a server console to change, settle or show text",
			description:
				"Watches the server's console until something happens, without spending a screenshot per look: " +
				'until "change" (anything differs from the screen when the call began), "stable" (unchanged for ' +
				'stableSeconds) or "text" (the screen text contains `text`, or matches it when written ' +
				"/regex/flags). A blinking cursor is not a change. Use it to wait for a boot, a command or an " +
				"installer step. A timeout is an answer, not an error: met is false and the screen is returned as " +
				"it is. Returns the screen as text on text consoles and as a screenshot otherwise, or per `then`.",
			inputSchema: z.object({
				serverId: ServerIdSchema,
				until: z.enum(["change", "stable", "text"]),
				text: z
					.string()
					.max(MAX_PATTERN_LENGTH)
					.optional()
					.describe(
						'With until "text": text to find, or a regular expression written /source/flags',
					),
				timeoutSeconds: z
					.number()
					.min(1)
					.optional()
					.describe("How long to wait at most (default 30; at most TOOL_TIMEOUT_SECONDS)"),
				stableSeconds: z
					.number()
					.min(0.2)
					.max(60)
					.default(1)
					.describe('With until "stable": how long the screen must hold still (default 1)'),
				then: z
					.enum(["text", "screenshot", "both", "none"])
					.optional()
					.describe(
						"How to return the screen at the end (default: text on text consoles, else screenshot)",
					),
				raw: z
					.boolean()
					.default(false)
					.describe("For a returned screenshot, as get_screenshot's raw"),
			}),
			outputSchema: z.object({
				met: z.boolean(),
				waitedMs: z.number(),
				screenHash: z.string(),
			}),
			annotations: { readOnlyHint: true, openWorldHint: true },
		},
		async (
			{ serverId, until, text, timeoutSeconds, stableSeconds, then, raw },
			ctx,
		): Promise<ToolResult> => {
			try {
				requireScope(deps.caller, "console:view", "wait_for_screen");
				const limitSeconds = deps.toolTimeoutMs() / 1000;
				const seconds = timeoutSeconds ?? Math.min(30, limitSeconds);
				if (seconds > limitSeconds) {
					throw new UserFacingError(
						`timeoutSeconds ${seconds} is more than this deployment's TOOL_TIMEOUT_SECONDS (${limitSeconds}): wait at most ${limitSeconds} s per call, and call again to wait longer.`,
					);
				}
				if (until === "text") {
					if (text === undefined)
						throw new UserFacingError('until "text" needs `text`: the text to wait for');
					compileScreenPattern(text); // refuses a bad pattern before the console is asked
				}
				const { provider, session } = await consoleOf(deps, serverId, ctx);
				const outcome = await withDeadline(
					{ ...deps, toolTimeoutMs: () => Math.max(deps.toolTimeoutMs(), seconds * 1000 + 10_000) },
					session().waitForScreen(
						{
							provider: provider.name,
							serverId,
							runtime: deps.runtime,
							until,
							text,
							timeoutMs: seconds * 1000,
							stableMs: stableSeconds * 1000,
							then,
							raw,
						},
						progressReporter(ctx),
					),
				);
				if (!outcome.ok) throw new UserFacingError(outcome.error);
				const { met, waitedMs, view } = outcome;
				const waited = `${(waitedMs / 1000).toFixed(1)} s`;
				const line = met
					? `Met after ${waited}: ${describe(until, text, stableSeconds)}.`
					: `Not met after ${waited} (timeout): the screen did not ${describe(until, text, stableSeconds, true)}. Here it is as it is now.`;
				return {
					content: [
						{ type: "text", text: line },
						...viewBlocks(view, serverId, provider.name, raw),
					],
					structuredContent: { met, waitedMs, screenHash: view.screenHash },
				};
			} catch (error) {
				return errorResult(error);
			}
		},
	);
}

function describe(
	until: string,
	text: string | undefined,
	stableSeconds: number,
	negated = false,
): string {
	if (until === "text") return negated ? `show ${text}` : `the screen shows ${text}`;
	if (until === "stable")
		return negated
			? `hold still for ${stableSeconds} s`
			: `the screen held still for ${stableSeconds} s`;
	return negated ? "change" : "the screen changed";
}
