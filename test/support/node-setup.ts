/**
 * For the vitest global setups, which run in Node (workerd tests cannot start
 * processes): process groups, free loopback ports, the project's Worker under
 * `wrangler dev`'s engine, small HTTP control endpoints, and the value a setup
 * provides when its tools are missing.
 */
import { type ChildProcess, spawn } from "node:child_process";
import type { IncomingMessage, Server } from "node:http";
import { type AddressInfo, connect, createServer as createTcpServer } from "node:net";
import { join, resolve } from "node:path";
import { unstable_startWorker } from "wrangler";
import { recordSkipReason } from "./skip-reasons.ts";

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Each in its own process group, so teardown also ends whatever it forked. */
export function spawnGroup(cmd: string, args: string[], env?: NodeJS.ProcessEnv): ChildProcess {
	const p = spawn(cmd, args, { detached: true, stdio: "ignore", env });
	p.on("error", () => {});
	return p;
}

/** SIGTERM to the group, SIGKILL if it lingers; throws if anything in it survives. */
export async function killGroup(p: ChildProcess): Promise<void> {
	const pgid = p.pid;
	if (pgid === undefined) return;
	const alive = () => {
		try {
			process.kill(-pgid, 0);
			return true;
		} catch {
			return false;
		}
	};
	const exited = new Promise<void>((resolve) => {
		if (p.exitCode !== null || p.signalCode !== null) resolve();
		else p.once("exit", () => resolve());
	});
	if (alive()) process.kill(-pgid, "SIGTERM");
	for (let i = 0; i < 50 && alive(); i++) await sleep(100);
	if (alive()) process.kill(-pgid, "SIGKILL");
	await Promise.race([exited, sleep(2000)]);
	for (let i = 0; i < 20 && alive(); i++) await sleep(100);
	if (alive()) throw new Error(`process group ${pgid} (${p.spawnfile}) survived SIGKILL`);
}

export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const s = createTcpServer();
		s.once("error", reject);
		s.listen(0, "127.0.0.1", () => {
			const { port } = s.address() as AddressInfo;
			s.close(() => resolve(port));
		});
	});
}

export async function waitForPort(port: number): Promise<void> {
	for (let i = 0; i < 100; i++) {
		const ok = await new Promise<boolean>((resolve) => {
			const c = connect(port, "127.0.0.1");
			c.once("connect", () => {
				c.destroy();
				resolve(true);
			});
			c.once("error", () => resolve(false));
		});
		if (ok) return;
		await sleep(100);
	}
	throw new Error(`nothing listens on 127.0.0.1:${port} after 10 s`);
}

/** Listens on a free loopback port; answers its http:// origin. */
export async function listenOnLoopback(server: Server): Promise<string> {
	await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
	return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		let data = "";
		req.setEncoding("utf8");
		req.on("data", (c) => {
			data += c;
		});
		req.on("end", () => resolve(data));
		req.on("error", reject);
	});
}

export interface DevWorker {
	/**
	 * http://localhost:{port}: the name a user's config would have. Chromium keeps a page's
	 * Secure (__Host-) cookie over plain http only for localhost, and the OAuth library
	 * accepts loopback http.
	 */
	origin: string;
	dispose(): Promise<void>;
}

/** The project's Worker under wrangler dev (simulated KV and Durable Objects kept in `stateDir`). */
export async function startDevWorker(bearerToken: string, stateDir: string): Promise<DevWorker> {
	process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";
	const worker = await unstable_startWorker({
		config: resolve(import.meta.dirname, "../../wrangler.toml"),
		bindings: { MCP_BEARER_TOKEN: { type: "plain_text", value: bearerToken } },
		dev: {
			server: { hostname: "127.0.0.1", port: 0 },
			inspector: false,
			watch: false,
			logLevel: "warn",
			persist: join(stateDir, "wrangler-state"),
		},
	});
	try {
		return {
			origin: `http://localhost:${(await worker.url).port}`,
			dispose: () => worker.dispose(),
		};
	} catch (e) {
		await worker.dispose();
		throw e;
	}
}

/**
 * What a setup provides when `error` (the tools it needs are missing): outside
 * CI the tests skip and the skipped-tests reporter says why under `what`; CI must run them.
 */
export function toolsMissing(what: string, error: string): { error: string; skip: boolean } {
	if (!process.env.CI) recordSkipReason(`${what}: ${error}`);
	return { error, skip: !process.env.CI };
}
