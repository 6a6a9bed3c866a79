/**
 * vitest globalSetup (runs in Node): runs `npm run screen-text` for the
 * workerd tests, which cannot start processes. POST {control}/run with a
 * file's bytes as the body runs the command on that file; ?file=missing
 * runs it on a path that does not exist, ?args=none with no argument.
 * Answers {status, stdout, stderr} as JSON. Nothing runs until a test asks.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { TestProject } from "vitest/node";

export interface CliRun {
	/** Exit code, or null when killed at the deadline. */
	status: number | null;
	stdout: string;
	stderr: string;
}

declare module "vitest" {
	export interface ProvidedContext {
		screenTextCli: string;
	}
}

const ROOT = resolve(import.meta.dirname, "../..");
const RUN_DEADLINE_MS = 60_000;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
	const dir = mkdtempSync(join(tmpdir(), "ikvm-screen-text-"));
	let runs = 0;
	const server = createServer((req, res) => {
		const url = new URL(req.url ?? "/", "http://localhost");
		if (req.method !== "POST" || url.pathname !== "/run") {
			res.writeHead(404).end();
			return;
		}
		void (async () => {
			const args: string[] = [];
			if (url.searchParams.get("file") === "missing") args.push(join(dir, "missing.png"));
			else if (url.searchParams.get("args") !== "none") {
				const file = join(dir, `input-${runs++}.png`);
				writeFileSync(file, await body(req));
				args.push(file);
			}
			const run = await screenText(args);
			res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(run));
		})().catch((e) => res.writeHead(500).end(String(e)));
	});
	await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
	project.provide("screenTextCli", `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
	return async () => {
		await new Promise<void>((done) => server.close(() => done()));
		rmSync(dir, { recursive: true, force: true });
	};
}

async function body(req: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

/** The package.json script exactly as a person runs it (--silent: no npm banner on stdout). */
function screenText(args: string[]): Promise<CliRun> {
	return new Promise((done, reject) => {
		const child = spawn("npm", ["run", "--silent", "screen-text", "--", ...args], {
			cwd: ROOT,
			stdio: ["ignore", "pipe", "pipe"],
			timeout: RUN_DEADLINE_MS,
		});
		let stdout = "";
		let stderr = "";
		child.stdout.setEncoding("utf8").on("data", (s: string) => {
			stdout += s;
		});
		child.stderr.setEncoding("utf8").on("data", (s: string) => {
			stderr += s;
		});
		child.once("error", reject);
		child.once("close", (status) => done({ status, stdout, stderr }));
	});
}
