/** What every hardening test does around its calls: capture logs, call tools, check results and leaks. */
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterEach, beforeEach, expect } from "vitest";
import type { Framebuffer } from "../../src/image/framebuffer.ts";
import { samePixels, screenshotPixels } from "../support/png.ts";
import { testWorld } from "../support/test-worker.ts";
import { captureLogs, leakedSecrets, resultTexts } from "./rig.ts";

export interface ToolCallResult {
	content?: unknown;
	isError?: boolean;
}

/** Every tool result text and progress message a test saw, to search for secrets. */
export class Transcript {
	readonly texts: string[] = [];

	async shoot(client: Client, serverId: string, raw = true): Promise<ToolCallResult> {
		const result = (await client.callTool(
			{ name: "get_screenshot", arguments: { serverId, raw } },
			undefined,
			{ onprogress: (p) => this.texts.push(p.message ?? ""), timeout: 120_000 },
		)) as ToolCallResult;
		this.texts.push(...resultTexts(result));
		return result;
	}

	/** The error text of a failed call (and that it failed as a tool error, not a transport one). */
	async failure(client: Client, serverId: string): Promise<string> {
		const result = await this.shoot(client, serverId);
		expect(result.isError, JSON.stringify(result.content)).toBe(true);
		return resultTexts(result).join("\n");
	}

	/** The pixels of a successful call. */
	async image(client: Client, serverId: string): Promise<Framebuffer> {
		const result = await this.shoot(client, serverId);
		expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
		return screenshotPixels(result);
	}

	expectNoLeaks(secrets: Iterable<string>, logLines: readonly string[]): void {
		const list = [...secrets];
		expect(list.length).toBeGreaterThan(0);
		expect(leakedSecrets(list, [...this.texts, ...logLines])).toEqual([]);
	}
}

export { samePixels };

/** Captures console output during each test of the file; afterwards restores it and forgets injected providers. */
export function capturedLogsPerTest(): { readonly lines: string[] } {
	let logs: ReturnType<typeof captureLogs> | undefined;
	beforeEach(() => {
		logs = captureLogs();
	});
	afterEach(() => {
		logs?.restore();
		testWorld.sessionProviders.clear();
	});
	return {
		get lines() {
			return logs?.lines ?? [];
		},
	};
}
