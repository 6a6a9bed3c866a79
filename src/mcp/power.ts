import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import type { AuditEntry } from "../console/session.ts";
import { UserFacingError } from "../errors.ts";
import type { PowerAction } from "../providers/types.ts";
import { requireScope } from "./caller.ts";
import {
	consoleOf,
	progressReporter,
	ServerIdSchema,
	viewBlocks,
	withDeadline,
} from "./console-call.ts";
import { guardPowerAction } from "./power-gate.ts";
import type { McpDeps } from "./server.ts";
import { type ContentBlock, errorResult, type ToolResult } from "./tool-result.ts";

const ACTIONS = ["status", "on", "off", "soft_off", "cycle", "reset", "nmi"] as const;

/** What each action does, as the user is asked to confirm it. */
const QUESTIONS: Record<Exclude<PowerAction, "status">, (serverId: string) => string> = {
	on: (id) => `Power on ${id}?`,
	off: (id) =>
		`Power ${id} off at once (hard, like pulling the plug: running work and unsaved data are lost)?`,
	soft_off: (id) =>
		`Ask ${id} to shut down (ACPI power button: the system stops its services, or may ignore it)?`,
	cycle: (id) => `Power-cycle ${id} (hard off, then on: running work and unsaved data are lost)?`,
	reset: (id) => `Reset ${id} (hard reset: running work and unsaved data are lost)?`,
	nmi: (id) =>
		`Send ${id} a non-maskable interrupt (Linux usually panics or dumps, which stops the system)?`,
};

export function registerPower(server: McpServer, deps: McpDeps): void {
	server.registerTool(
		"power",
		{
			title: "Read or change a server's power",
			description:
				'Reads ("status") or changes a server\'s power: "on", "off" (hard), "soft_off" (ACPI power button), ' +
				'"cycle", "reset" (hard) or "nmi". status changes nothing and also lists the console\'s latest power ' +
				"actions. Every other action needs the deployment's ALLOW_POWER switch, confirm: true (or the " +
				"user's confirmation when the client can ask), and, for OAuth tokens, the console:power scope. " +
				"AMI BMC consoles act through the BMC and return the screen afterwards; OVH servers without an open " +
				"console answer status and reset through the OVH API; VNC consoles have no power control.",
			inputSchema: z.object({
				serverId: ServerIdSchema,
				action: z.enum(ACTIONS).describe("status, or what to do to the server's power"),
				confirm: z.boolean().optional().describe("true to carry out an action other than status"),
			}),
			annotations: {
				readOnlyHint: false,
				destructiveHint: true,
				idempotentHint: false,
				openWorldHint: true,
			},
		},
		async ({ serverId, action, confirm }, ctx) => {
			if (action === "status") return powerStatus(deps, ctx, serverId);
			const guarded = await guardPowerAction(deps, ctx, serverId, confirm, {
				tool: "power",
				action,
				unsupported: (provider, id) => provider.powerUnavailable(id),
				question: QUESTIONS[action](serverId),
				howToConfirm: `Call power again with action: "${action}" and confirm: true to do it.`,
			});
			if (guarded.kind !== "allowed") return guarded.result;
			const { provider, session } = guarded;
			try {
				const outcome = await powerOf(deps, ctx, { provider, session }, serverId, action);
				const content: ContentBlock[] = [
					{
						type: "text",
						text: `${outcome.detail} Power now: ${outcome.state} (${outcome.via === "api" ? `the ${provider.name} API` : "the console's BMC"}).`,
					},
				];
				if (outcome.noScreen) content.push({ type: "text", text: outcome.noScreen });
				if (outcome.view) content.push(...viewBlocks(outcome.view, serverId, provider.name, false));
				return {
					content,
					structuredContent: { action, state: outcome.state, via: outcome.via },
				} satisfies ToolResult;
			} catch (error) {
				return errorResult(error);
			}
		},
	);
}

/** `status` reads and changes nothing: it needs only the console:view scope. */
async function powerStatus(
	deps: McpDeps,
	ctx: Parameters<typeof consoleOf>[2],
	serverId: string,
): Promise<ToolResult> {
	try {
		requireScope(deps.caller, "console:view", "power status");
		const { provider, session } = await consoleOf(deps, serverId, ctx);
		const unavailable = provider.powerUnavailable(serverId);
		if (unavailable !== null) {
			return {
				content: [{ type: "text", text: `Power of ${serverId}: unknown. ${unavailable}` }],
				structuredContent: { action: "status", state: "unknown", via: "none", recent: [] },
			};
		}
		const outcome = await powerOf(deps, ctx, { provider, session }, serverId, "status");
		const recent = outcome.recent ?? [];
		return {
			content: [
				{ type: "text", text: `Power of ${serverId}: ${outcome.state}. ${outcome.detail}` },
				{ type: "text", text: auditLines(serverId, recent) },
			],
			structuredContent: { action: "status", state: outcome.state, via: outcome.via, recent },
		};
	} catch (error) {
		return errorResult(error);
	}
}

/** `action` by the console's session, within the tool deadline; a failed one throws its error for the user. */
async function powerOf(
	deps: McpDeps,
	ctx: Parameters<typeof consoleOf>[2],
	{ provider, session }: Awaited<ReturnType<typeof consoleOf>>,
	serverId: string,
	action: PowerAction,
) {
	const outcome = await withDeadline(
		deps,
		session().power(
			{ provider: provider.name, serverId, runtime: deps.runtime, action, who: deps.caller.id },
			progressReporter(ctx),
		),
	);
	if (!outcome.ok) throw new UserFacingError(outcome.error);
	return outcome;
}

function auditLines(serverId: string, recent: readonly AuditEntry[]): string {
	if (recent.length === 0) return `No power or boot actions recorded on ${serverId}'s console.`;
	return [
		`Latest power and boot actions on ${serverId} (oldest first):`,
		...recent.map((e) => `${e.time} ${e.action} by ${e.who}: ${e.outcome}`),
	].join("\n");
}
