/**
 * Confirmation for actions that can hurt a server (Ctrl+Alt+Delete, power).
 * `confirm: true` from the agent is enough. Otherwise, when the client can
 * ask its human (MCP elicitation on the stateless 2026-07-28 protocol, where
 * the call returns "input required" and the client retries with the answer),
 * we ask; when it cannot, the call is refused and says how to confirm.
 * Legacy-protocol clients cannot be asked: our stateless handler has no
 * channel for server-to-client requests.
 */
import {
	acceptedContent,
	CLIENT_CAPABILITIES_META_KEY,
	type InputRequiredResult,
	inputRequired,
	inputResponse,
	type ServerContext,
} from "@modelcontextprotocol/server";
import { z } from "zod";

export type Confirmation =
	| { kind: "confirmed"; by: "agent" | "user" }
	/** Return `result` from the tool: the client asks its user and retries the call. */
	| { kind: "ask"; result: InputRequiredResult }
	| { kind: "refused"; reason: string };

const ANSWER_KEY = "confirm";
const AnswerSchema = z.object({ confirm: z.boolean() });

/**
 * Decides whether an action may proceed. `question` is shown to the user by
 * clients that support elicitation; `howToConfirm` ends the refusal for the
 * others (e.g. "Call send_keys again with confirm: true.").
 */
export function confirmAction(
	ctx: ServerContext,
	confirm: boolean | undefined,
	question: string,
	howToConfirm: string,
): Confirmation {
	if (confirm === true) return { kind: "confirmed", by: "agent" };
	const answer = inputResponse(ctx.mcpReq.inputResponses, ANSWER_KEY);
	if (answer.kind === "elicit") {
		if (acceptedContent(ctx.mcpReq.inputResponses, ANSWER_KEY, AnswerSchema)?.confirm === true) {
			return { kind: "confirmed", by: "user" };
		}
		return {
			kind: "refused",
			reason: "The user declined when asked to confirm. Nothing was sent.",
		};
	}
	if (canElicit(ctx)) {
		return {
			kind: "ask",
			result: inputRequired({
				inputRequests: {
					[ANSWER_KEY]: inputRequired.elicit({
						message: question,
						requestedSchema: AnswerSchema,
					}),
				},
			}),
		};
	}
	return { kind: "refused", reason: `${question} Nothing was sent. ${howToConfirm}` };
}

/** Modern-protocol requests carry the client's capabilities in their envelope. */
function canElicit(ctx: ServerContext): boolean {
	const envelope = ctx.mcpReq.envelope as Record<string, unknown> | undefined;
	const capabilities = envelope?.[CLIENT_CAPABILITIES_META_KEY] as
		| { elicitation?: { form?: unknown } }
		| undefined;
	const elicitation = capabilities?.elicitation;
	// An empty elicitation capability means form mode, as the spec keeps it for older clients.
	return elicitation !== undefined && elicitation !== null;
}
