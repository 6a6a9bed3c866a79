/**
 * send_keys, type_text and mouse through an MCP client into TigerVNC's Xvnc
 * (real-input.setup.ts), read back from the program on its screen: an xterm
 * whose raw terminal copies every byte it gets into a file, mouse buttons and
 * wheel included (SGR-pixels reports: ESC [ < button ; x ; y M on press, m on
 * release, x and y 1-based pixels). What xterm makes of each key is its own
 * doing (ESC [ A for Up, 0x03 for Ctrl+C, CR for Return), so the bytes
 * prove which keys arrived. Fails, never skips, when the tools are installed
 * or in CI.
 */
import { describe, expect, inject, it } from "vitest";
import { connectClient } from "../support/mcp-client.ts";

const real = inject("vncInput");

function server() {
	if ("error" in real) throw new Error(real.error);
	return real;
}

/** Everything the terminal has received so far, one character per byte. */
async function received(): Promise<string> {
	const response = await fetch(`${server().control}/received`);
	if (!response.ok) throw new Error(`control /received: HTTP ${response.status}`);
	return atob(await response.text());
}

/**
 * What arrives after `before` characters, once there are as many as
 * `expected` has or the deadline passes (a loaded machine delivers late, not
 * differently): then whatever came, for the assertion to show.
 */
async function arrival(before: number, expected: string, deadlineMs = 15_000): Promise<string> {
	const end = Date.now() + deadlineMs;
	let all = await received();
	while (all.length < before + expected.length && Date.now() < end) {
		await new Promise((r) => setTimeout(r, 100));
		all = await received();
	}
	return all.slice(before);
}

const ESC = "\x1b";
/** xterm's SGR-pixels report of a button press (M) or release (m) at native pixel (x, y). */
const sgr = (button: number, x: number, y: number, press: boolean) =>
	`${ESC}[<${button};${x + 1};${y + 1}${press ? "M" : "m"}`;
const click = (button: number, x: number, y: number) =>
	sgr(button, x, y, true) + sgr(button, x, y, false);

const text = (result: unknown) =>
	(result as { content: { type: string; text?: string }[] }).content
		.filter((c) => c.type === "text")
		.map((c) => c.text)
		.join("\n");

const skipped = "error" in real && real.skip;
if (skipped) it.skip(`real VNC input test skipped: ${real.error}`, () => {});

describe.skipIf(skipped)(
	"input into TigerVNC, read back from an xterm",
	{ timeout: 90_000 },
	() => {
		async function client() {
			const s = server();
			return connectClient({
				VNC_TARGETS: JSON.stringify([
					{ id: "xterm", name: "xterm on Xvnc", url: s.url, password: s.password },
				]),
				ALLOW_INPUT: "on",
			});
		}

		async function call(mcp: Awaited<ReturnType<typeof client>>, name: string, args: object) {
			const result = await mcp.callTool({
				name,
				arguments: { serverId: "xterm", then: "none", ...args },
			});
			expect(result.isError, text(result)).toBeFalsy();
			return result;
		}

		it("type_text: letters, digits, shifted symbols, Tab and Return arrive as typed", async () => {
			const mcp = await client();
			try {
				const before = (await received()).length;
				const typed = "Hello, World 42! ~`@#$%^&*()_+{}|:\"<>? -=[]\\;',./\tend\n";
				await call(mcp, "type_text", { text: typed });
				// Raw mode: Tab stays 0x09, Return is CR.
				expect(await arrival(before, typed)).toBe(typed.replace("\n", "\r"));
			} finally {
				await mcp.close();
			}
		});

		it("send_keys: arrows, Tab, shift+Tab, Return, Escape and Ctrl chords arrive as xterm encodes them", async () => {
			const mcp = await client();
			try {
				const before = (await received()).length;
				await call(mcp, "send_keys", { keys: "Up Down Right Left Tab shift+Tab Return ctrl+c" });
				await call(mcp, "send_keys", { keys: ["Escape", "ctrl+a", "shift+x", "F1"] });
				const expected = `${ESC}[A${ESC}[B${ESC}[C${ESC}[D\t${ESC}[Z\r\x03` + `${ESC}\x01X${ESC}OP`;
				expect(await arrival(before, expected)).toBe(expected);
			} finally {
				await mcp.close();
			}
		});

		it("mouse: move, clicks and wheel land at the native pixel the image point maps to", async () => {
			const s = server();
			const mcp = await client();
			try {
				// The optimised image of a 640x400 console is twice its size: (201, 101) covers (100, 50).
				const before = (await received()).length;
				const moved = await call(mcp, "mouse", { action: "move", x: 401, y: 201 });
				expect(text(moved)).toMatch(/console pixel \(200, 100\)/);
				const pointer = await (await fetch(`${s.control}/pointer`)).text();
				expect(pointer).toBe("200 100");

				await call(mcp, "mouse", { action: "click", x: 201, y: 101 });
				await call(mcp, "mouse", { action: "click", x: 400, y: 300, button: "right" });
				await call(mcp, "mouse", { action: "double_click", x: 1000, y: 700, button: "middle" });
				await call(mcp, "mouse", { action: "scroll", x: 600, y: 400, amount: 2 });
				await call(mcp, "mouse", { action: "scroll", x: 600, y: 400, amount: -1 });
				// raw: true takes native pixels as they are.
				await call(mcp, "mouse", { action: "click", x: 37, y: 333, raw: true });
				const expected =
					click(0, 100, 50) +
					click(2, 200, 150) +
					click(1, 500, 350).repeat(2) +
					sgr(65, 300, 200, true).repeat(2) +
					sgr(64, 300, 200, true) +
					click(0, 37, 333);
				expect(await arrival(before, expected)).toBe(expected);
				expect(await (await fetch(`${s.control}/pointer`)).text()).toBe("37 333");
			} finally {
				await mcp.close();
			}
		});

		it("then: screenshot (the default) answers with the settled screen after the keys", async () => {
			const mcp = await client();
			try {
				const before = (await received()).length;
				const result = await mcp.callTool({
					name: "send_keys",
					arguments: { serverId: "xterm", keys: "z" },
				});
				expect(result.isError, text(result)).toBeFalsy();
				const content = result.content as { type: string; mimeType?: string }[];
				expect(content.some((c) => c.type === "image" && c.mimeType === "image/png")).toBe(true);
				expect(await arrival(before, "z")).toBe("z");
			} finally {
				await mcp.close();
			}
		});
	},
);
