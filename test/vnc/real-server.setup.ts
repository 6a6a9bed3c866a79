/**
 * vitest globalSetup (runs in Node): a real VNC server nobody here wrote.
 * Starts TigerVNC's Xvnc with a VNC password and websockify in front of it,
 * both on free loopback ports, puts a known picture on the root window, and
 * hands the workerd tests the WebSocket URL, the password and the server's
 * own framebuffer dump (xwd) as ground truth. A small control endpoint lets a
 * test change the picture and get the new dump. Teardown kills both process
 * groups and checks nothing is left.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { type AddressInfo, connect, createServer as createTcpServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { recordSkipReason } from "../support/skip-reasons.ts";

export const MISSING =
	"install tigervnc-standalone-server websockify (CI installs them in .ci/run): the real VNC server test needs";

/** What the tests get: either a running server or why there is none. */
export type RealVncServer =
	/**
	 * `skip`: the tools are not installed and this is not CI, so a fresh
	 * clone's `npm test` passes and says what it skipped; CI must run it.
	 */
	| { error: string; skip: boolean }
	| {
			url: string;
			password: string;
			width: number;
			height: number;
			/** Base64 of the screen as RGB8 rows, dumped by xwd. */
			truth: string;
			/** GET {control}/show/{1|2} shows picture 1 or 2 and answers with the new dump. */
			control: string;
	  };

declare module "vitest" {
	export interface ProvidedContext {
		vncReal: RealVncServer;
	}
}

const WIDTH = 640;
const HEIGHT = 400;
// Debian paths: /usr/local/bin may hold a stand-in `convert` on developer machines.
const TOOLS = {
	Xvnc: "/usr/bin/Xvnc",
	vncpasswd: "/usr/bin/vncpasswd",
	websockify: "/usr/bin/websockify",
	xwd: "/usr/bin/xwd",
	convert: "/usr/bin/convert",
	display: "/usr/bin/display",
};

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
	const missing = Object.values(TOOLS).filter((p) => !existsSync(p));
	if (missing.length > 0) {
		const error = `${MISSING} ${missing.join(", ")} (Debian: tigervnc-standalone-server tigervnc-tools websockify x11-apps imagemagick fonts-dejavu-core)`;
		project.provide("vncReal", { error, skip: !process.env.CI });
		if (!process.env.CI) recordSkipReason(`real VNC server tests: ${error}`);
		return async () => {};
	}

	const dir = mkdtempSync(join(tmpdir(), "ikvm-vnc-"));
	const procs: ChildProcess[] = [];
	let control: Server | undefined;
	const teardown = async () => {
		control?.close();
		for (const p of procs) await killGroup(p);
		rmSync(dir, { recursive: true, force: true });
	};

	try {
		const password = randomBytes(6).toString("base64url").slice(0, 8);
		writeFileSync(
			join(dir, "passwd"),
			execFileSync(TOOLS.vncpasswd, ["-f"], { input: `${password}\n` }),
		);
		const display = freeDisplay();
		const rfbPort = await freePort();
		const wsPort = await freePort();
		const env = { ...process.env, DISPLAY: `:${display}` };

		procs.push(
			spawnGroup(TOOLS.Xvnc, [
				`:${display}`,
				"-rfbport",
				String(rfbPort),
				"-interface",
				"127.0.0.1",
				"-rfbauth",
				join(dir, "passwd"),
				"-SecurityTypes",
				"VncAuth",
				"-geometry",
				`${WIDTH}x${HEIGHT}`,
				"-depth",
				"24",
				"-desktop",
				"ikvm-mcp test",
				"-nolisten",
				"tcp",
			]),
		);
		await waitForPort(rfbPort);
		procs.push(spawnGroup(TOOLS.websockify, [`127.0.0.1:${wsPort}`, `127.0.0.1:${rfbPort}`]));
		await waitForPort(wsPort);

		// Picture 1: a plasma fractal (thousands of colours) over text and flat shapes.
		// Picture 2: the same kinds of content, rearranged.
		const pictures = [1, 2].map((n) => {
			const file = join(dir, `picture${n}.png`);
			const h = HEIGHT / 2;
			execFileSync(TOOLS.convert, [
				"-size",
				`${WIDTH}x${h}`,
				"-seed",
				String(40 + n),
				"plasma:fractal",
				"(",
				"-size",
				`${WIDTH}x${h}`,
				"xc:white",
				"-font",
				"DejaVu-Sans",
				"-pointsize",
				String(14 + 4 * n),
				"-fill",
				"black",
				"-annotate",
				`+${10 * n}+40`,
				`ikvm-mcp ${n}: The quick brown fox jumps over the lazy dog 0123456789`,
				"-fill",
				n === 1 ? "#c03020" : "#2040c0",
				"-draw",
				n === 1 ? "rectangle 300,80 600,180" : "circle 200,130 260,150",
				")",
				n === 1 ? "-append" : "+swap",
				...(n === 1 ? [] : ["-append"]),
				file,
			]);
			return file;
		});
		const show = (n: number): Buffer => {
			// ImageMagick 6's `display -window root` exits 1 even after setting the
			// background; the dump below and the test's detail check say whether it did.
			const shown = spawnSync(TOOLS.display, ["-window", "root", pictures[n - 1]], {
				env,
				stdio: "ignore",
			});
			if (shown.error) throw shown.error;
			// xwd's dump is the server's own framebuffer, the ground truth.
			const xwd = execFileSync(TOOLS.xwd, ["-root", "-silent"], { env, maxBuffer: 64 << 20 });
			return execFileSync(TOOLS.convert, ["xwd:-", "-depth", "8", "rgb:-"], {
				input: xwd,
				maxBuffer: 64 << 20,
			});
		};
		const truth = show(1);
		if (truth.length !== WIDTH * HEIGHT * 3) throw new Error(`xwd dump is ${truth.length} bytes`);

		control = createServer((req, res) => {
			const m = /^\/show\/([12])$/.exec(req.url ?? "");
			if (!m) {
				res.writeHead(404).end();
				return;
			}
			try {
				res
					.writeHead(200, { "content-type": "text/plain" })
					.end(show(Number(m[1])).toString("base64"));
			} catch (e) {
				res.writeHead(500).end(String(e));
			}
		});
		const controlServer = control;
		await new Promise<void>((resolve) => controlServer.listen(0, "127.0.0.1", resolve));
		const controlPort = (control.address() as AddressInfo).port;

		project.provide("vncReal", {
			url: `ws://127.0.0.1:${wsPort}/`,
			password,
			width: WIDTH,
			height: HEIGHT,
			truth: truth.toString("base64"),
			control: `http://127.0.0.1:${controlPort}`,
		});
	} catch (e) {
		await teardown();
		project.provide("vncReal", {
			error: `could not start the real VNC server: ${(e as Error).message}`,
			skip: false,
		});
		return async () => {};
	}
	return teardown;
}

/** Each in its own process group, so teardown also ends whatever it forked. */
export function spawnGroup(cmd: string, args: string[]): ChildProcess {
	const p = spawn(cmd, args, { detached: true, stdio: "ignore" });
	p.on("error", () => {});
	return p;
}

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

/** The first display from :40 with neither lock nor socket; `tried` are skipped (taken without a lock). */
export function freeDisplay(tried: ReadonlySet<number> = new Set()): number {
	for (let n = 40; n < 100; n++) {
		if (tried.has(n)) continue;
		if (!existsSync(`/tmp/.X${n}-lock`) && !existsSync(`/tmp/.X11-unix/X${n}`)) return n;
	}
	throw new Error("no free X display between :40 and :99");
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

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
