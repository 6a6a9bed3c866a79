/**
 * boot_rescue and boot_normal: point an OVH server's next boot at OVH's
 * rescue system or back at its disk, reboot it, and watch its console until
 * the new system's login shows. Same guard as power.
 */
import type { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { UserFacingError } from "../errors.ts";
import type { BootRequest } from "../providers/types.ts";
import { progressReporter, ServerIdSchema, viewBlocks, withDeadline } from "./console-call.ts";
import { guardPowerAction } from "./power-gate.ts";
import type { McpDeps } from "./server.ts";
import { type ContentBlock, errorResult } from "./tool-result.ts";

const RESCUE_PASSWORD =
	"ikvm-mcp never asks for or shows the rescue system's password: OVH sends it by its own channel " +
	"(an e-mail to the account's contact, or the rescue SSH key set on the server).";

const TOOLS: Record<
	BootRequest["target"],
	{ name: string; title: string; description: string; question: (id: string) => string }
> = {
	rescue: {
		name: "boot_rescue",
		title: "Boot an OVH server into rescue mode",
		description:
			"Sets an OVH server to boot OVH's rescue system, hard-reboots it (following OVH's task), then " +
			"watches its console until the rescue system's login shows (or says what it shows at the deadline). " +
			"Use it to repair a server whose own system no longer boots; boot_normal goes back. " +
			`${RESCUE_PASSWORD} OVH servers only. Needs ALLOW_POWER, confirm: true (or the user's ` +
			"confirmation) and, for OAuth tokens, the console:power scope.",
		question: (id) =>
			`Hard-reboot ${id} into OVH's rescue system now? Running work and unsaved data are lost; the ` +
			"rescue password comes from OVH by e-mail.",
	},
	normal: {
		name: "boot_normal",
		title: "Boot an OVH server from its disk again",
		description:
			"Sets an OVH server to boot from its disk again (the boot it had before boot_rescue, else OVH's " +
			"hard-disk boot), hard-reboots it, and watches its console until a login shows (or says what it " +
			"shows at the deadline). OVH servers only. Needs ALLOW_POWER, confirm: true (or the user's " +
			"confirmation) and, for OAuth tokens, the console:power scope.",
		question: (id) =>
			`Set ${id} to boot from its disk and hard-reboot it now? Running work (the rescue system's too) is lost.`,
	},
};

export function registerBootTools(server: McpServer, deps: McpDeps): void {
	registerBoot(server, deps, "rescue");
	registerBoot(server, deps, "normal");
}

function registerBoot(server: McpServer, deps: McpDeps, target: BootRequest["target"]): void {
	const tool = TOOLS[target];
	server.registerTool(
		tool.name,
		{
			title: tool.title,
			description: tool.description,
			inputSchema: z.object({
				serverId: ServerIdSchema,
				confirm: z.boolean().optional().describe("true to change the boot and reboot"),
				timeoutSeconds: z
					.number()
					.int()
					.min(10)
					.max(600)
					.default(300)
					.describe("How long to watch the console for the login after the reboot (default 300)"),
			}),
			annotations: {
				readOnlyHint: false,
				destructiveHint: true,
				idempotentHint: false,
				openWorldHint: true,
			},
		},
		async ({ serverId, confirm, timeoutSeconds }, ctx) => {
			const guarded = await guardPowerAction(deps, ctx, serverId, confirm, {
				tool: tool.name,
				action: tool.name,
				unsupported: (provider) =>
					provider.boot
						? null
						: `${tool.name} works on OVH servers only: ${serverId} is a ${provider.name} console, whose boot ikvm-mcp cannot change.`,
				question: tool.question(serverId),
				howToConfirm: `Call ${tool.name} again with confirm: true to do it.`,
			});
			if (guarded.kind !== "allowed") return guarded.result;
			const { provider, session } = guarded;
			const timeoutMs = timeoutSeconds * 1000;
			try {
				const outcome = await withDeadline(
					deps,
					session().boot(
						{
							provider: provider.name,
							serverId,
							runtime: deps.runtime,
							target,
							who: deps.caller.id,
							timeoutMs,
						},
						progressReporter(ctx),
					),
					deps.toolTimeoutMs() + timeoutMs + 10_000,
				);
				if (!outcome.ok) throw new UserFacingError(outcome.error);
				const seconds = Math.round(outcome.waitedMs / 1000);
				const system = target === "rescue" ? "the rescue system's login" : "a login prompt";
				const watched = outcome.booted
					? `After ${seconds} s the console shows ${system}.`
					: outcome.view
						? `After ${seconds} s the console does not show ${system} yet; it shows the screen below.` +
							(outcome.screenError ? ` The last capture failed: ${outcome.screenError}` : "")
						: `The console could not be watched: ${outcome.screenError ?? "no capture succeeded"}.`;
				const content: ContentBlock[] = [{ type: "text", text: `${outcome.detail} ${watched}` }];
				if (target === "rescue") content.push({ type: "text", text: RESCUE_PASSWORD });
				if (outcome.view) content.push(...viewBlocks(outcome.view, serverId, provider.name, false));
				return {
					content,
					structuredContent: { target, booted: outcome.booted, waitedMs: outcome.waitedMs },
				};
			} catch (error) {
				return errorResult(error);
			}
		},
	);
}
