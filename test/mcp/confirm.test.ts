import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpServer } from "@modelcontextprotocol/server";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { confirmAction } from "../../src/mcp/confirm.ts";
import { connectAskingClient, mcpServerFetch } from "../support/mcp-handler.ts";

/** A server with one guarded tool that counts how often its action really ran. */
function guardedServer() {
	const done: string[] = [];
	const fetch = mcpServerFetch(() => {
		const server = new McpServer({ name: "confirm-test", version: "1.0.0" });
		server.registerTool(
			"reboot",
			{ inputSchema: z.object({ confirm: z.boolean().optional() }) },
			async ({ confirm }, ctx) => {
				const c = confirmAction(
					ctx,
					confirm,
					"Reboot the test server?",
					"Call reboot again with confirm: true.",
				);
				if (c.kind === "ask") return c.result;
				if (c.kind === "refused")
					return { isError: true, content: [{ type: "text", text: c.reason }] };
				done.push(c.by);
				return { content: [{ type: "text", text: `rebooted (confirmed by the ${c.by})` }] };
			},
		);
		return server;
	});
	return { done, fetch };
}

const text = (result: unknown) => (result as { content: { text: string }[] }).content[0].text;

describe("confirmAction", () => {
	it("refuses a legacy client without confirm: true, saying how, and runs nothing", async () => {
		const { done, fetch } = guardedServer();
		const client = new Client(
			{ name: "legacy", version: "1" },
			{ capabilities: { elicitation: {} } },
		);
		await client.connect(
			new StreamableHTTPClientTransport(new URL("http://localhost/mcp"), { fetch }),
		);
		const refused = await client.callTool({ name: "reboot", arguments: {} });
		expect(refused.isError).toBe(true);
		expect(text(refused)).toBe(
			"Reboot the test server? Nothing was sent. Call reboot again with confirm: true.",
		);
		expect(done).toEqual([]);
		const confirmed = await client.callTool({ name: "reboot", arguments: { confirm: true } });
		expect(text(confirmed)).toBe("rebooted (confirmed by the agent)");
		expect(done).toEqual(["agent"]);
		await client.close();
	});

	for (const [answer, expected] of [
		[{ action: "accept", content: { confirm: true } }, "rebooted (confirmed by the user)"],
		[
			{ action: "accept", content: { confirm: false } },
			"The user declined when asked to confirm. Nothing was sent.",
		],
		[{ action: "decline" }, "The user declined when asked to confirm. Nothing was sent."],
	] as const) {
		it(`asks a modern client's user through elicitation (${JSON.stringify(answer)})`, async () => {
			const { done, fetch } = guardedServer();
			const { client, asked } = await connectAskingClient(fetch, answer);
			const result = await client.callTool({ name: "reboot", arguments: {} });
			expect(asked).toEqual(["Reboot the test server?"]);
			expect(text(result)).toBe(expected);
			expect(done).toEqual(answer.action === "accept" && answer.content.confirm ? ["user"] : []);
			await client.close();
		});
	}
});
