/**
 * vitest globalSetup (runs in Node): a real VNC server with a program on its
 * screen that records what it receives, for the input tests. Its own Xvnc
 * (the picture tests compare the whole framebuffer, so they keep theirs)
 * behind websockify, and one xterm filling the screen with keyboard focus,
 * running `cat` on a raw terminal into a file: every key arrives as the bytes
 * xterm makes of it (letters, ESC [ A for Up, 0x03 for Ctrl+C, since raw mode
 * turns off the signal keys). xterm also reports mouse buttons and the wheel
 * there, with pixel coordinates (SGR-pixels mode 1016, 1-based). A control
 * endpoint hands the tests the file and the pointer position (xdotool).
 */
import { type ChildProcess, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import {
	killGroup,
	listenOnLoopback,
	sleep,
	spawnGroup,
	toolsMissing,
} from "../support/node-setup.ts";
import { startXvnc, writeVncPassword } from "./xvnc.ts";

export type RealInputServer =
	| { error: string; skip: boolean }
	| {
			url: string;
			password: string;
			width: number;
			height: number;
			/** GET {control}/received: base64 of every byte the terminal has taken; /pointer: "x y". */
			control: string;
	  };

declare module "vitest" {
	export interface ProvidedContext {
		vncInput: RealInputServer;
	}
}

const WIDTH = 640;
const HEIGHT = 400;
/** The X server's built-in "fixed" font: 6x13 cells, so 106x30 cells cover the screen but 4x10 pixels. */
const COLUMNS = 106;
const ROWS = 30;
/** Mouse reporting (1000: press and release, wheel), SGR encoding (1006) in pixels (1016). */
const MOUSE_MODES = "\\033[?1000h\\033[?1006h\\033[?1016h";
const READY_MS = 20_000;
const TOOLS = {
	Xvnc: "/usr/bin/Xvnc",
	vncpasswd: "/usr/bin/vncpasswd",
	websockify: "/usr/bin/websockify",
	xterm: "/usr/bin/xterm",
	xdotool: "/usr/bin/xdotool",
};

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
	const missing = Object.values(TOOLS).filter((p) => !existsSync(p));
	if (missing.length > 0) {
		const error = `install tigervnc-standalone-server tigervnc-tools websockify xterm xdotool (CI installs them in .ci/run): the real VNC input test needs ${missing.join(", ")}`;
		project.provide("vncInput", toolsMissing("real VNC input tests", error));
		return async () => {};
	}

	const dir = mkdtempSync(join(tmpdir(), "ikvm-vnc-input-"));
	const procs: ChildProcess[] = [];
	let control: Server | undefined;
	const teardown = async () => {
		control?.close();
		for (const p of procs.reverse()) await killGroup(p);
		rmSync(dir, { recursive: true, force: true });
	};

	try {
		const password = writeVncPassword(TOOLS.vncpasswd, join(dir, "passwd"));
		const { url, env } = await startXvnc(procs, {
			tools: TOOLS,
			passwd: join(dir, "passwd"),
			width: WIDTH,
			height: HEIGHT,
			desktop: "ikvm-mcp input test",
		});
		const xdotool = (...args: string[]) =>
			execFileSync(TOOLS.xdotool, args, { env, timeout: 10_000 }).toString().trim();

		const received = join(dir, "received");
		const recorder = `printf '${MOUSE_MODES}'; stty raw -echo; exec cat > '${received}'`;
		procs.push(
			spawnGroup(
				TOOLS.xterm,
				[
					...["-geometry", `${COLUMNS}x${ROWS}+0+0`, "-b", "0", "-bw", "0"],
					// The core "fixed" font Xvnc has built in: no font package, the same cells everywhere.
					...["-fa", "", "-fn", "fixed", "-e", "sh", "-c", recorder],
				],
				env,
			),
		);

		// Ready once the window is mapped and the shell has set the terminal raw and started cat.
		const end = Date.now() + READY_MS;
		let window = "";
		while (Date.now() < end && !(window && existsSync(received))) {
			await sleep(100);
			if (!window) {
				try {
					window = xdotool("search", "--onlyvisible", "--class", "xterm").split("\n")[0];
				} catch {
					// Not mapped yet: xdotool exits 1 when it finds nothing.
				}
			}
		}
		if (!window || !existsSync(received)) {
			throw new Error(`xterm with its recorder did not start within ${READY_MS / 1000} s`);
		}
		// No window manager: give the terminal the keyboard whatever the pointer does.
		xdotool("windowfocus", "--sync", window);

		control = createServer((req, res) => {
			try {
				if (req.url === "/received") {
					res.writeHead(200).end(readFileSync(received).toString("base64"));
				} else if (req.url === "/pointer") {
					const at = /x:(\d+) y:(\d+)/.exec(xdotool("getmouselocation"));
					res.writeHead(200).end(at ? `${at[1]} ${at[2]}` : "");
				} else {
					res.writeHead(404).end();
				}
			} catch (e) {
				res.writeHead(500).end(String(e));
			}
		});
		project.provide("vncInput", {
			url,
			password,
			width: WIDTH,
			height: HEIGHT,
			control: await listenOnLoopback(control),
		});
	} catch (e) {
		await teardown();
		project.provide("vncInput", {
			error: `could not start the real VNC input server: ${(e as Error).message}`,
			skip: false,
		});
		return async () => {};
	}
	return teardown;
}
