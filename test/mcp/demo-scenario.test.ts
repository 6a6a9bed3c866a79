/**
 * The demo scenario end to end, as an agent plays it with the MCP SDK's
 * client: read the kernel panic, reboot with a confirmed Ctrl+Alt+Delete
 * (refused, sending nothing, until confirmed), wait for GRUB, pick the older
 * kernel under Advanced options, wait for the login, log in as root and ask
 * `uname -a`. The demo accepts input without ALLOW_INPUT: it is a simulation.
 * Real time throughout (firmware 1.5 s, boot 2 s; the menu's countdown stops
 * at the first key), every wait bounded by wait_for_screen's timeout.
 */
import { describe, expect, it } from "vitest";
import { connectClient } from "../support/mcp-client.ts";

const DEMO = "demo-ami-bmc";
type Block = { type: string; text?: string };
const blocks = (result: unknown) => (result as { content: Block[] }).content;
const texts = (result: unknown) =>
	blocks(result)
		.filter((b) => b.type === "text")
		.map((b) => b.text)
		.join("\n");

describe("the demo scenario through MCP", () => {
	it("panic -> confirmed reboot -> GRUB -> older kernel -> login -> uname -a", {
		timeout: 120_000,
	}, async () => {
		const client = await connectClient();
		const call = async (name: string, args: object) => {
			const result = await client.callTool({ name, arguments: { serverId: DEMO, ...args } });
			expect(result.isError, texts(result)).toBeFalsy();
			return result;
		};
		const waitFor = async (text: string) => {
			const result = await call("wait_for_screen", { until: "text", text, timeoutSeconds: 30 });
			expect(result.structuredContent, texts(result)).toMatchObject({ met: true });
			return texts(result);
		};
		try {
			const lines = async () =>
				((await call("get_screen_text", {})).structuredContent as { lines: string[] }).lines;
			const panic = (await lines()).join("\n");
			expect(panic).toMatch(/Kernel panic - not syncing: VFS: Unable to mount root fs/);

			// Unconfirmed: refused, saying what it would do, and the machine still shows the panic.
			const refused = await client.callTool({
				name: "send_keys",
				arguments: { serverId: DEMO, keys: "ctrl+alt+Delete", then: "none" },
			});
			expect(refused.isError).toBe(true);
			expect(texts(refused)).toMatch(/reboots the server/);
			expect(texts(refused)).toMatch(/Nothing was sent\. Call send_keys again with confirm: true/);
			// (The lines, not the summary: the cursor blinks.)
			expect((await lines()).join("\n")).toBe(panic);

			const reboot = await call("send_keys", {
				keys: "ctrl+alt+Delete",
				confirm: true,
				then: "none",
			});
			expect(texts(reboot)).toBe("Pressed Ctrl+Alt+Delete on demo-ami-bmc.");

			const menu = await waitFor("GNU GRUB");
			expect(menu).toMatch(/\*Debian GNU\/Linux\s/);
			expect(menu).toMatch(/Advanced options for Debian GNU\/Linux/);

			// Down to Advanced options, Enter; then the third entry: the older kernel, not its recovery mode.
			const submenu = texts(await call("send_keys", { keys: "Down Return", then: "text" }));
			expect(submenu).toMatch(/\*Debian GNU\/Linux, with Linux 6\.1\.0-18-amd64\s/);
			const chosen = texts(await call("send_keys", { keys: "Down Down", then: "text" }));
			expect(chosen).toMatch(/\*Debian GNU\/Linux, with Linux 6\.1\.0-17-amd64\s*│/);
			await call("send_keys", { keys: "Return", then: "none" });

			const login = await waitFor("demo login:");
			expect(login).toMatch(/Log in as root, no password\./);

			await call("type_text", { text: "root\n", then: "none" });
			await waitFor("root@demo:~#");
			await call("type_text", { text: "uname -a\n", then: "none" });
			// The login banner already says GNU/Linux; only uname's line ends in "x86_64 GNU/Linux" (wrapped at column 80).
			const answer = await waitFor("6_64 GNU/Linux");
			expect(answer.replace(/\n/g, "")).toContain(
				"Linux demo 6.1.0-17-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.69-1 (2023-12-30) x86_64 GNU/Linux",
			);
			expect(texts(await call("get_screen_text", {}))).toMatch(/root@demo:~# uname -a/);
		} finally {
			await client.close();
		}
	});
});
