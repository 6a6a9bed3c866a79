/**
 * The guard in front of every power and boot action but `power status`: the
 * token's console:power scope, a console that has power control at all, the
 * operator's ALLOW_POWER switch, and a confirmation (confirm: true, or the
 * user's answer through MCP elicitation). Each refusal says which one is
 * missing and happens before anything is sent; refusals are logged here,
 * since they never reach the console's Durable Object.
 */
import type { InputRequiredResult, ServerContext } from "@modelcontextprotocol/server";
import { errorMessage, UserFacingError } from "../errors.ts";
import { logEvent } from "../log.ts";
import type { Provider } from "../providers/types.ts";
import { requireScope } from "./caller.ts";
import { confirmAction } from "./confirm.ts";
import { type ConsoleApi, consoleOf } from "./console-call.ts";
import type { McpDeps } from "./server.ts";
import { errorResult, type ToolResult } from "./tool-result.ts";

export interface PowerGuard {
	/** The tool's name, for messages and log lines. */
	tool: string;
	/** The action, as the audit trail names it ("reset", "boot_rescue"). */
	action: string;
	/** Why this console cannot do the action at all, or null; checked before the switch. */
	unsupported: (provider: Provider, serverId: string) => string | null;
	/** What the action does, asked of the user: "Reset ns1… (hard)?" */
	question: string;
	howToConfirm: string;
}

export type Guarded =
	| { kind: "allowed"; provider: Provider; session: () => ConsoleApi }
	| { kind: "ask"; result: InputRequiredResult }
	| { kind: "refused"; result: ToolResult };

export async function guardPowerAction(
	deps: McpDeps,
	ctx: ServerContext,
	serverId: string,
	confirm: boolean | undefined,
	guard: PowerGuard,
): Promise<Guarded> {
	try {
		// The scope first: a token that may not control power learns nothing about the server.
		requireScope(deps.caller, "console:power", guard.tool);
		const { provider, session } = await consoleOf(deps, serverId, ctx);
		const unsupported = guard.unsupported(provider, serverId);
		if (unsupported !== null) throw new UserFacingError(`${unsupported} Nothing was sent.`);
		if (!deps.switches().power) {
			throw new UserFacingError(
				"Power and boot actions are turned off on this ikvm-mcp deployment, so nothing was sent. " +
					'The operator can turn them on with ALLOW_POWER = "on" under [vars] in wrangler.toml ' +
					"(or ALLOW_POWER=on in .dev.vars when running locally), then deploy or restart.",
			);
		}
		const confirmation = confirmAction(ctx, confirm, guard.question, guard.howToConfirm);
		if (confirmation.kind === "ask") return { kind: "ask", result: confirmation.result };
		if (confirmation.kind === "refused") throw new UserFacingError(confirmation.reason);
		return { kind: "allowed", provider, session };
	} catch (error) {
		logEvent("audit", {
			console: serverId,
			action: guard.action,
			who: deps.caller.id,
			outcome: "refused",
			error: errorMessage(error),
			time: new Date().toISOString(),
		});
		return { kind: "refused", result: errorResult(error) };
	}
}
