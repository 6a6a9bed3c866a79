import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { MAX_SCROLL } from "../input/mouse.ts";
import { ServerIdSchema } from "./console-call.ts";
import { RawSchema, runInputTool, ThenSchema } from "./input-tool.ts";
import type { McpDeps } from "./server.ts";

const Coordinate = z.number().int().min(0).max(100_000);

export function registerMouse(server: McpServer, deps: McpDeps): void {
	server.registerTool(
		"mouse",
		{
			title: "Move, click or scroll the console's mouse",
			description:
				"Moves the console's mouse to a point and clicks, double-clicks or scrolls there. x and y are " +
				"pixels of the image get_screenshot returns with the same raw setting (by default the optimised " +
				"image; with raw: true the console's own pixels), mapped back to the console exactly. Returns the " +
				"screen once it settles. Needs input enabled on the deployment (ALLOW_INPUT).",
			inputSchema: z.object({
				serverId: ServerIdSchema,
				action: z.enum(["move", "click", "double_click", "scroll"]),
				x: Coordinate.describe("Pixels from the image's left edge"),
				y: Coordinate.describe("Pixels from the image's top edge"),
				button: z.enum(["left", "middle", "right"]).default("left"),
				amount: z
					.number()
					.int()
					.min(-MAX_SCROLL)
					.max(MAX_SCROLL)
					.default(3)
					.describe("For scroll: wheel clicks, positive down, negative up"),
				raw: RawSchema,
				then: ThenSchema,
			}),
			annotations: { readOnlyHint: false, openWorldHint: true },
		},
		async ({ serverId, action, x, y, button, amount, raw, then }, ctx) =>
			runInputTool("mouse", deps, ctx, serverId, {
				prepare: () => ({
					events: [],
					pointer: { action, x, y, button, amount },
					raw,
					then,
					audit: { action, button },
				}),
				describe: ({ at }) => {
					const where = `(${x}, ${y})${at && (at.x !== x || at.y !== y) ? `, console pixel (${at.x}, ${at.y})` : ""}`;
					if (action === "scroll")
						return `Scrolled ${amount > 0 ? "down" : "up"} ${Math.abs(amount)} at ${where}`;
					if (action === "move") return `Moved the mouse to ${where}`;
					return `${action === "click" ? "Clicked" : "Double-clicked"} ${button} at ${where}`;
				},
			}),
	);
}
