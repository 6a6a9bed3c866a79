/**
 * What the three input tools share: the gate, the call into the console's
 * Durable Object, and the answer, a confirmation line followed, unless
 * `then` is "none", by the settled screen as get_screenshot shows it.
 */
import type { InputRequiredResult, ServerContext } from "@modelcontextprotocol/server";
import { z } from "zod";
import type { InputRequest } from "../console/session.ts";
import { errorMessage, UserFacingError } from "../errors.ts";
import { logEvent } from "../log.ts";
import type { Provider } from "../providers/types.ts";
import { requireScope } from "./caller.ts";
import type { Confirmation } from "./confirm.ts";
import {
	type ConsoleApi,
	consoleOf,
	progressReporter,
	viewBlocks,
	withDeadline,
} from "./console-call.ts";
import { requireInput } from "./input-gate.ts";
import type { McpDeps } from "./server.ts";
import { errorResult, type ToolResult } from "./tool-result.ts";

export const ThenSchema = z
	.enum(["screenshot", "text", "both", "none"])
	.default("screenshot")
	.describe(
		'"screenshot" (default): wait until the screen settles (unchanged ~300 ms, 2 s at most) and return it ' +
			'as get_screenshot does; "text": its text as get_screen_text returns it; "both"; "none": return at ' +
			"once with a one-line confirmation",
	);

export const RawSchema = z
	.boolean()
	.default(false)
	.describe(
		"The returned screenshot's form, as get_screenshot's raw (and, for mouse, the coordinates' space)",
	);

type Input = Omit<InputRequest, "provider" | "serverId" | "runtime" | "tool">;

export interface InputTool {
	/** Turns the arguments into input; throws, before anything is sent, on what it cannot send. */
	prepare: () => Input;
	/** Asks for confirmation when the input needs it; undefined when it does not. */
	confirm?: (input: Input) => Confirmation | undefined;
	/** Words what was done, once the console took it. */
	describe: (sent: { at?: { x: number; y: number } }) => string;
}

/**
 * Runs an input tool. Every refusal (unknown key, input off, no scope, no
 * confirmation) happens before the console is asked to do anything.
 */
export async function runInputTool(
	name: InputRequest["tool"],
	deps: McpDeps,
	ctx: ServerContext,
	serverId: string,
	tool: InputTool,
): Promise<ToolResult | InputRequiredResult> {
	let provider: Provider;
	let session: () => ConsoleApi;
	let input: Input;
	try {
		input = tool.prepare();
		// The scope first: a token that may not type learns nothing about the server.
		requireScope(deps.caller, "console:input", name);
		({ provider, session } = await consoleOf(deps, serverId, ctx));
		requireInput(name, deps.caller, deps.switches(), provider, serverId);
		const confirmation = tool.confirm?.(input);
		if (confirmation?.kind === "ask") return confirmation.result;
		if (confirmation?.kind === "refused") throw new UserFacingError(confirmation.reason);
	} catch (error) {
		// Sent input is logged by the console's Durable Object; a refusal never reaches it.
		logEvent("input", {
			console: serverId,
			tool: name,
			outcome: "refused",
			error: errorMessage(error),
		});
		return errorResult(error);
	}
	try {
		const outcome = await withDeadline(
			deps,
			session().input(
				{ ...input, tool: name, provider: provider.name, serverId, runtime: deps.runtime },
				progressReporter(ctx),
			),
		);
		if (!outcome.ok) throw new UserFacingError(outcome.error);
		const line = `${tool.describe(outcome)} on ${serverId}.`;
		return {
			content: [
				{ type: "text", text: line },
				...(outcome.view ? viewBlocks(outcome.view, serverId, provider.name, input.raw) : []),
			],
		};
	} catch (error) {
		return errorResult(error);
	}
}
