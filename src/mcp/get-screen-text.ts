import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { UserFacingError } from "../errors.ts";
import { requireScope } from "./caller.ts";
import {
	consoleOf,
	progressReporter,
	ServerIdSchema,
	screenTextBlocks,
	textStructure,
	withDeadline,
} from "./console-call.ts";
import type { McpDeps } from "./server.ts";
import { errorResult, type ToolResult } from "./tool-result.ts";

const Cell = { row: z.number().int(), col: z.number().int() };

export const ScreenTextSchema = z.object({
	isText: z.boolean().describe("false for a graphical screen: then lines is empty"),
	columns: z.number().int(),
	rows: z.number().int(),
	lines: z.array(z.string()).describe("One per text row, top to bottom, trailing spaces removed"),
	cursor: z.object(Cell).nullable().describe("Where the text cursor is, counting from 0"),
	// Described inside .nullable(), so that zod writes anyOf rather than a type array (see list-servers.ts).
	font: z
		.string()
		.describe("Id of the font the text is drawn in; null on a graphical screen")
		.nullable(),
	uncertain: z
		.array(z.object({ ...Cell, best: z.string(), second: z.string() }))
		.describe("Cells read with doubt: the best and second-best reading"),
	screenHash: z.string().describe("Changes when the text, its colours or the cursor move"),
});

export function registerGetScreenText(server: McpServer, deps: McpDeps): void {
	server.registerTool(
		"get_screen_text",
		{
			title: "Read a server console's text",
			description:
				"Reads the text on the server's console screen (BIOS, GRUB menus, kernel panics, login prompts, " +
				"shell output) exactly, by matching the console's bitmap font, with no OCR guesswork and no image " +
				"tokens. The first block is the screen's text, one line per row; the second summarises the grid, " +
				"font, cursor and uncertain cells. A graphical screen (desktop, splash image) has no text: the " +
				"answer says so, and get_screenshot shows it.",
			inputSchema: z.object({ serverId: ServerIdSchema }),
			outputSchema: ScreenTextSchema,
			annotations: { readOnlyHint: true, openWorldHint: true },
		},
		async ({ serverId }, ctx): Promise<ToolResult> => {
			try {
				requireScope(deps.caller, "console:view", "get_screen_text");
				const { provider, session } = await consoleOf(deps, serverId, ctx);
				const outcome = await withDeadline(
					deps,
					session().screenText(
						{ provider: provider.name, serverId, runtime: deps.runtime },
						progressReporter(ctx),
					),
				);
				if (!outcome.ok) throw new UserFacingError(outcome.error);
				const text = outcome.view.text;
				if (!text) throw new Error("the console's Durable Object returned no text");
				return { content: screenTextBlocks(text), structuredContent: textStructure(text) };
			} catch (error) {
				return errorResult(error);
			}
		},
	);
}
