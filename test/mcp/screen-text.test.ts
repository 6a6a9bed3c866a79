/**
 * get_screen_text, wait_for_screen and get_screenshot's screenHash through
 * MCP, on the embedded demo BMC: a 720x400 VGA text console whose cursor
 * blinks through skip-coded ASPEED updates, as real BMCs send it.
 */
import { describe, expect, it } from "vitest";
import { connectClient } from "../support/mcp-client.ts";

type Block = { type: string; text?: string };
const blocks = (result: unknown) => (result as { content: Block[] }).content;
const DEMO = "demo-ami-bmc";

describe("screen text through MCP on the demo BMC", { timeout: 30_000 }, () => {
	it("get_screen_text returns exactly the screen's lines, a summary and the structure", async () => {
		const client = await connectClient();
		const result = await client.callTool({
			name: "get_screen_text",
			arguments: { serverId: DEMO },
		});
		expect(result.isError).toBeFalsy();
		const s = result.structuredContent as {
			isText: boolean;
			columns: number;
			rows: number;
			lines: string[];
			uncertain: unknown[];
			screenHash: string;
		};
		expect(s).toMatchObject({ isText: true, columns: 80, rows: 25 });
		expect(s.lines).toHaveLength(25);
		expect(s.uncertain).toEqual([]);
		// An 80-column console cuts the demo's longer kernel lines at the screen's edge.
		expect(s.lines).toContain(
			"[    1.627046] Kernel panic - not syncing: VFS: Unable to mount root fs on unkno",
		);
		const [textBlock, summary] = blocks(result);
		expect(textBlock.text).toBe(s.lines.join("\n"));
		expect(summary.text).toMatch(
			/^80x25 text screen in font .+; (cursor at row \d+, column \d+|no cursor seen); 0 uncertain cells\.$/,
		);
		for (const line of s.lines) expect(line).toBe(line.trimEnd());
		await client.close();
	});

	it("get_screenshot carries the same screenHash, and with sinceHash answers one line while nothing changed", async () => {
		const client = await connectClient();
		const text = await client.callTool({ name: "get_screen_text", arguments: { serverId: DEMO } });
		const hash = (text.structuredContent as { screenHash: string }).screenHash;
		const shot = await client.callTool({ name: "get_screenshot", arguments: { serverId: DEMO } });
		expect(shot.structuredContent).toEqual({ screenHash: hash });
		expect(blocks(shot)[0].type).toBe("image");
		const again = await client.callTool({
			name: "get_screenshot",
			arguments: { serverId: DEMO, sinceHash: hash },
		});
		expect(again.isError).toBeFalsy();
		expect(blocks(again)).toEqual([{ type: "text", text: `unchanged since ${hash}` }]);
		const stale = await client.callTool({
			name: "get_screenshot",
			arguments: { serverId: DEMO, sinceHash: "0000" },
		});
		expect(blocks(stale)[0].type).toBe("image");
		await client.close();
	});

	it("wait_for_screen: the blinking cursor is no change, so 'change' times out with met false and the screen", async () => {
		const client = await connectClient();
		const result = await client.callTool({
			name: "wait_for_screen",
			arguments: { serverId: DEMO, until: "change", timeoutSeconds: 2 },
		});
		expect(result.isError).toBeFalsy();
		const s = result.structuredContent as { met: boolean; waitedMs: number; screenHash: string };
		expect(s.met).toBe(false);
		expect(s.waitedMs).toBeGreaterThanOrEqual(2000);
		const [line, screen] = blocks(result);
		expect(line.text).toMatch(/^Not met after 2\.\d s \(timeout\): the screen did not change/);
		expect(screen.text).toMatch(/Kernel panic - not syncing/);
		await client.close();
	});

	it("wait_for_screen: text and /regex/ are met at once, stable after stableSeconds", async () => {
		const client = await connectClient();
		for (const text of ["Kernel panic - not syncing", "/not SYNCING: vfs: unable to mount/i"]) {
			const result = await client.callTool({
				name: "wait_for_screen",
				arguments: { serverId: DEMO, until: "text", text, timeoutSeconds: 5, then: "none" },
			});
			expect(result.isError).toBeFalsy();
			expect(result.structuredContent).toMatchObject({ met: true });
			expect(blocks(result)).toHaveLength(1);
		}
		const stable = await client.callTool({
			name: "wait_for_screen",
			arguments: {
				serverId: DEMO,
				until: "stable",
				stableSeconds: 1,
				timeoutSeconds: 10,
				then: "screenshot",
			},
		});
		const s = stable.structuredContent as { met: boolean; waitedMs: number };
		expect(s.met).toBe(true);
		expect(s.waitedMs).toBeGreaterThanOrEqual(1000);
		expect(blocks(stable)[1].type).toBe("image");
		await client.close();
	});

	it("wait_for_screen refuses a runaway regex, a missing text or a timeout past TOOL_TIMEOUT_SECONDS before waiting", async () => {
		const client = await connectClient({ TOOL_TIMEOUT_SECONDS: "20" });
		const cases: [Record<string, unknown>, RegExp][] = [
			[{ until: "text", text: "/(a+)+$/" }, /repeats a group that itself repeats or alternates/],
			[{ until: "text", text: "/(\\w)\\1/" }, /backreferences are not allowed/],
			[{ until: "text", text: "/[/" }, /not a valid regular expression/],
			[{ until: "text" }, /until "text" needs `text`/],
			[
				{ until: "change", timeoutSeconds: 30 },
				/more than this deployment's TOOL_TIMEOUT_SECONDS \(20\)/,
			],
		];
		for (const [args, message] of cases) {
			const result = await client.callTool({
				name: "wait_for_screen",
				arguments: { serverId: DEMO, ...args },
			});
			expect(result.isError).toBe(true);
			expect(blocks(result)[0].text).toMatch(message);
		}
		await client.close();
	});
});
