import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { LAYOUTS, MAX_TEXT_LENGTH, typeText } from "../input/index.ts";
import { ServerIdSchema } from "./console-call.ts";
import { RawSchema, runInputTool, ThenSchema } from "./input-tool.ts";
import type { McpDeps } from "./server.ts";

export function registerTypeText(server: McpServer, deps: McpDeps): void {
	server.registerTool(
		"type_text",
		{
			title: "Type text on a server console",
			description:
				"Types literal text on the server's console keyboard, then returns the screen once it settles. " +
				'"\\n" presses Return and "\\t" Tab, so "root\\n" logs in as root at a login prompt. `layout` is ' +
				"the keyboard layout the server's console uses (us, uk, de, fr); a character that layout cannot " +
				"type fails the call before anything is typed. For special keys and combinations use send_keys. " +
				"Needs input enabled on the deployment (ALLOW_INPUT).",
			inputSchema: z.object({
				serverId: ServerIdSchema,
				text: z.string().min(1).max(MAX_TEXT_LENGTH),
				layout: z.enum(LAYOUTS).default("us").describe("The console's keyboard layout"),
				raw: RawSchema,
				then: ThenSchema,
			}),
			annotations: { readOnlyHint: false, openWorldHint: true },
		},
		async ({ serverId, text, layout, raw, then }, ctx) => {
			const characters = [...text].length;
			return runInputTool("type_text", deps, ctx, serverId, {
				prepare: () => ({
					events: typeText(text, layout),
					raw,
					then,
					// The text may be a password: the log gets its length only.
					audit: { characters, layout },
				}),
				describe: () =>
					`Typed ${characters} character${characters === 1 ? "" : "s"} (${layout} layout)`,
			});
		},
	);
}
