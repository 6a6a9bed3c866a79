import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import {
	type Chord,
	chordEvents,
	destructiveEffect,
	LAYOUTS,
	MAX_CHORDS,
	parseKeys,
} from "../input/index.ts";
import { confirmAction } from "./confirm.ts";
import { ServerIdSchema } from "./console-call.ts";
import { RawSchema, runInputTool, ThenSchema } from "./input-tool.ts";
import type { McpDeps } from "./server.ts";

const ChordsSchema = z.string().max(4000);

export function registerSendKeys(server: McpServer, deps: McpDeps): void {
	server.registerTool(
		"send_keys",
		{
			title: "Press keys on a server console",
			description:
				"Presses keys and key combinations on the server's console keyboard, in order, then returns the " +
				'screen once it settles. `keys` is space-separated chords in xdotool syntax: "Return", ' +
				'"Down Down Return", "ctrl+alt+Delete", "F2", "shift+Tab", "ctrl+c" (or an array of such ' +
				"strings). Names are case-insensitive; Enter, Esc, Del, BackSpace, PgUp/Page_Up, arrows (Up, " +
				"ArrowUp), Ctrl, Alt, Shift, Super/Win, F1-F24, Home/End/Insert, KP_* keypad keys, SysRq, Pause, " +
				"space and single characters work. To type text, use type_text. Ctrl+Alt+Delete, " +
				"Ctrl+Alt+Backspace, Alt+SysRq chords and the Power key need confirm: true. Needs input enabled " +
				"on the deployment (ALLOW_INPUT).",
			inputSchema: z.object({
				serverId: ServerIdSchema,
				keys: z
					.union([ChordsSchema, z.array(ChordsSchema).min(1).max(MAX_CHORDS)])
					.describe('Chords such as "Down Down Return" or ["ctrl+alt+Delete"]'),
				confirm: z
					.boolean()
					.optional()
					.describe("true to send a destructive chord (reboot, magic SysRq, power key)"),
				layout: z
					.enum(LAYOUTS)
					.default("us")
					.describe("The console's keyboard layout, for single-character keys (default us)"),
				raw: RawSchema,
				then: ThenSchema,
			}),
			annotations: { readOnlyHint: false, destructiveHint: true, openWorldHint: true },
		},
		async ({ serverId, keys, confirm, layout, raw, then }, ctx) => {
			let chords: Chord[] = [];
			return runInputTool("send_keys", deps, ctx, serverId, {
				prepare: () => {
					chords = parseKeys(keys, layout);
					return {
						events: chordEvents(chords),
						raw,
						then,
						audit: { chords: chords.map((c) => c.name).join(" ") },
					};
				},
				confirm: () => {
					const effects = chords.map(destructiveEffect).filter((e) => e !== null);
					if (effects.length === 0) return undefined;
					return confirmAction(
						ctx,
						confirm,
						`${effects.join(". ")}. Send it to ${serverId}?`,
						"Call send_keys again with confirm: true to send it.",
					);
				},
				describe: () => `Pressed ${chords.map((c) => c.name).join(" ")}`,
			});
		},
	);
}
