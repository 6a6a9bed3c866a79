import { describe, expect, it } from "vitest";
import {
	KERNEL_PANIC_LINES,
	renderConsoleScreen,
} from "../../src/providers/demo/console-screen.ts";
import { connectClient } from "../support/mcp-client.ts";
import { screenshotPixels } from "../support/png.ts";

type Block = { type: string; text?: string; data?: string; mimeType?: string };

describe("get_screenshot of the embedded demo BMC", () => {
	it("returns the console's exact pixels with raw=true, through IVTP and the ASPEED codec", async () => {
		const client = await connectClient();
		const result = await client.callTool({
			name: "get_screenshot",
			arguments: { serverId: "demo-ami-bmc", raw: true },
		});
		expect(result.isError).toBeFalsy();
		const [image, text] = result.content as Block[];
		expect(image.type).toBe("image");
		expect(image.mimeType).toBe("image/png");
		const png = screenshotPixels(result);
		expect([png.width, png.height]).toEqual([720, 400]);
		// The demo BMC sends the panic screen with its cursor on, then an update turning it off.
		const screens = [true, false].map(
			(cursor) => renderConsoleScreen(KERNEL_PANIC_LINES, { cursor }).rgba,
		);
		expect(screens.some((s) => s.every((v, i) => v === png.rgba[i]))).toBe(true);
		expect(text.text).toMatch(
			/720x400, raw pixels; captured \d{4}-\d\d-\d\dT.*; power on; new console session/,
		);
		await client.close();
	});

	it("optimises for reading by default and reuses the warm session", async () => {
		const client = await connectClient();
		const first = await client.callTool({
			name: "get_screenshot",
			arguments: { serverId: "demo-ami-bmc" },
		});
		const second = await client.callTool({
			name: "get_screenshot",
			arguments: { serverId: "demo-ami-bmc" },
		});
		for (const result of [first, second]) {
			expect(result.isError).toBeFalsy();
			const png = screenshotPixels(result);
			expect([png.width, png.height]).toEqual([1440, 800]);
		}
		expect((second.content as Block[])[1].text).toMatch(
			/720x400 console, shown at 1440x800.*reused the open console session/,
		);
		await client.close();
	});

	it("sends progress notifications when the client asks for them", async () => {
		const client = await connectClient();
		const messages: string[] = [];
		const result = await client.callTool(
			{ name: "get_screenshot", arguments: { serverId: "demo-ami-bmc", raw: true } },
			undefined,
			{ onprogress: (p) => messages.push(p.message ?? "") },
		);
		expect(result.isError).toBeFalsy();
		expect(messages.length).toBeGreaterThan(0);
		await client.close();
	});
});
