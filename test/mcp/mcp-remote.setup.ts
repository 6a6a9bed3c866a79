/**
 * vitest globalSetup (runs in Node): mcp-remote, the stdio bridge Claude
 * Desktop users run, against the project's Worker under `wrangler dev`'s
 * engine (unstable_startWorker). workerd tests cannot start processes, so
 * they drive it through a small control endpoint; the Worker and the bridge
 * start only when a test asks, so other test files pay nothing.
 *
 *   POST {control}/start  starts mcp-remote for {origin}/mcp without a token and
 *                         answers once its log shows the authorization URL and it
 *                         has handed that URL to "the browser";
 *   POST {control}/rpc    body: JSON-RPC messages, written to its stdin one at a
 *                         time once it reports the proxy up; answers the responses;
 *   POST {control}/stop   ends it; answers its whole log.
 *
 * "The browser" is a script in $BROWSER that records the URL it was given: with
 * no DISPLAY and no desktop in its environment, xdg-open uses $BROWSER alone,
 * so no real browser starts. Its config and HOME are a temporary directory.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { TestProject } from "vitest/node";
import {
	type DevWorker,
	freePort,
	listenOnLoopback,
	readBody,
	startDevWorker,
} from "../support/node-setup.ts";
import { ADMIN_SECRET } from "../support/oauth.ts";

const PROXY = resolve(import.meta.dirname, "../../node_modules/mcp-remote/dist/proxy.js");
/** From start to the authorization URL: discovery, registration, a browser helper. */
const START_DEADLINE_MS = 20_000;
/** For the proxy to come up after the callback, and for each JSON-RPC answer. */
const RPC_DEADLINE_MS = 15_000;

export type McpRemoteRig = { error: string } | { control: string };

export interface McpRemoteStart {
	/** The Worker under wrangler dev, e.g. http://localhost:41234 */
	origin: string;
	/** The port mcp-remote was told to take its OAuth callback on. */
	callbackPort: number;
	/** Everything it wrote to stderr so far. */
	log: string;
	/** The URL after "Please authorize this client by visiting:", or null. */
	authorizationUrl: string | null;
	/** The URLs $BROWSER was called with. */
	opened: string[];
	/** Why it did not get there: it exited, or was ended at the deadline (with its log). */
	failure: string | null;
}

export interface McpRemoteRpc {
	/** The answers, in the order of the messages that had an id. */
	responses: unknown[];
	log: string;
}

declare module "vitest" {
	export interface ProvidedContext {
		mcpRemote: McpRemoteRig;
	}
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
	if (!existsSync(PROXY)) {
		project.provide("mcpRemote", { error: `mcp-remote is not installed (npm ci): ${PROXY}` });
		return async () => {};
	}
	const dir = mkdtempSync(join(tmpdir(), "ikvm-mcp-remote-"));
	let worker: DevWorker | undefined;
	let bridge: Bridge | undefined;

	const control = createServer(async (req, res) => {
		try {
			if (req.method === "POST" && req.url === "/start") {
				await bridge?.stop();
				worker ??= await startDevWorker(ADMIN_SECRET, dir);
				bridge = new Bridge(dir, worker.origin, await freePort());
				return json(res, await bridge.start());
			}
			if (req.method === "POST" && req.url === "/rpc" && bridge) {
				return json(res, await bridge.rpc(JSON.parse(await readBody(req)) as Message[]));
			}
			if (req.method === "POST" && req.url === "/stop" && bridge) {
				return json(res, { log: await bridge.stop() });
			}
			res.writeHead(404).end();
		} catch (e) {
			res.writeHead(500).end(String((e as Error).stack ?? e));
		}
	});
	project.provide("mcpRemote", { control: await listenOnLoopback(control) });
	return async () => {
		await bridge?.stop();
		await worker?.dispose();
		await new Promise((r) => control.close(r));
		rmSync(dir, { recursive: true, force: true });
	};
}

interface Message {
	id?: number | string;
	method: string;
}

/** One mcp-remote process, spoken to over its stdio as Claude Desktop would. */
class Bridge {
	private readonly child: ChildProcessWithoutNullStreams;
	private readonly opened: string;
	private log = "";
	private stdout = "";
	private exit: string | null = null;
	private readonly changed = new Set<() => void>();

	private readonly origin: string;
	private readonly callbackPort: number;

	constructor(dir: string, origin: string, callbackPort: number) {
		this.origin = origin;
		this.callbackPort = callbackPort;
		const run = mkdtempSync(join(dir, "run-"));
		this.opened = join(run, "opened");
		const browser = join(run, "browser");
		writeFileSync(browser, `#!/bin/sh\nprintf '%s\\n' "$1" >> '${this.opened}'\n`);
		chmodSync(browser, 0o755);
		this.child = spawn(process.execPath, [PROXY, `${origin}/mcp`, String(callbackPort)], {
			// Only what it needs: no DISPLAY, desktop or D-Bus, so nothing but $BROWSER opens a URL.
			env: {
				PATH: process.env.PATH ?? "/usr/bin:/bin",
				HOME: run,
				MCP_REMOTE_CONFIG_DIR: join(run, "config"),
				BROWSER: browser,
				// ProcessEnv also requires the Worker's vars (wrangler types); the bridge gets none of them.
			} as unknown as NodeJS.ProcessEnv,
			stdio: ["pipe", "pipe", "pipe"],
		});
		this.child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
			this.log += chunk;
			this.notify();
		});
		this.child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
			this.stdout += chunk;
			this.notify();
		});
		this.child.on("error", (e) => {
			this.exit = `could not start: ${e.message}`;
			this.notify();
		});
		this.child.on("exit", (code, signal) => {
			this.exit ??= `exited with ${signal ?? `code ${code}`}`;
			this.notify();
		});
	}

	async start(): Promise<McpRemoteStart> {
		let failure: string | null = null;
		try {
			// The URL is printed, then the browser helper runs, then one of these lines says how it went.
			await this.until(
				() => /Browser opened automatically|Could not open a browser/.test(this.log),
				START_DEADLINE_MS,
				"the authorization URL",
			);
		} catch (e) {
			failure = (e as Error).message;
			await this.stop();
		}
		const url = /Please authorize this client by visiting:\s*\n(\S+)/.exec(this.log);
		return {
			origin: this.origin,
			callbackPort: this.callbackPort,
			log: this.log,
			authorizationUrl: url ? url[1] : null,
			opened: existsSync(this.opened)
				? readFileSync(this.opened, "utf8").split("\n").filter(Boolean)
				: [],
			failure,
		};
	}

	async rpc(messages: Message[]): Promise<McpRemoteRpc> {
		await this.until(
			() => /Proxy established successfully/.test(this.log),
			RPC_DEADLINE_MS,
			"the proxy to come up",
		);
		const responses: unknown[] = [];
		for (const message of messages) {
			this.child.stdin.write(`${JSON.stringify(message)}\n`);
			if (message.id === undefined) continue;
			let answer: unknown;
			await this.until(
				() => {
					// Whole lines only: the last one may still be arriving.
					answer = this.stdout
						.split("\n")
						.slice(0, -1)
						.filter((line) => line.startsWith("{"))
						.map((line) => JSON.parse(line) as { id?: unknown })
						.find((m) => m.id === message.id);
					return answer !== undefined;
				},
				RPC_DEADLINE_MS,
				`the answer to ${message.method}`,
			);
			responses.push(answer);
		}
		return { responses, log: this.log };
	}

	/** Ends the process (SIGKILL if it lingers) and returns its log. */
	async stop(): Promise<string> {
		if (this.child.exitCode === null && this.child.signalCode === null && !this.exit) {
			this.child.kill("SIGTERM");
			const lingering = setTimeout(() => this.child.kill("SIGKILL"), 3000);
			await this.until(() => this.exit !== null, 5000, "mcp-remote to exit").finally(() =>
				clearTimeout(lingering),
			);
		}
		return this.log;
	}

	/** Resolves when `done()` holds; rejects with the log so far if the process ends or time runs out. */
	private until(done: () => boolean, ms: number, what: string): Promise<void> {
		return new Promise((resolve, reject) => {
			const check = () => {
				if (done()) finish(resolve);
				else if (this.exit)
					finish(() => reject(new Error(`mcp-remote ${this.exit} before ${what}:\n${this.log}`)));
			};
			const timer = setTimeout(
				() => finish(() => reject(new Error(`no ${what} within ${ms} ms:\n${this.log}`))),
				ms,
			);
			const finish = (then: () => void) => {
				clearTimeout(timer);
				this.changed.delete(check);
				then();
			};
			this.changed.add(check);
			check();
		});
	}

	private notify() {
		for (const check of [...this.changed]) check();
	}
}

function json(res: ServerResponse, body: unknown) {
	res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(body));
}
