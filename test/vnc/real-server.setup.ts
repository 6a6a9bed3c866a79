/**
 * vitest globalSetup (runs in Node): a real VNC server nobody here wrote.
 * Starts TigerVNC's Xvnc with a VNC password and websockify in front of it,
 * both on free loopback ports, puts a known picture on the root window, and
 * hands the workerd tests the WebSocket URL, the password and the server's
 * own framebuffer dump (xwd) as ground truth. A small control endpoint lets a
 * test change the picture and get the new dump. For screen text, a second
 * Xvnc shows a console in xterm, drawn in one of our 8x16 fonts served to
 * the X server as a bitmap font (bdf-font.ts): the glyph bits are ours, the
 * layout, colours, cursor and drawing are xterm's and the X server's.
 * Teardown kills every process group and checks nothing is left.
 */
import { type ChildProcess, execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import type { FontTable } from "../../src/text/fonts/font-table.ts";
import { FONT_TABLES } from "../../src/text/fonts/tables.ts";
import {
	killGroup,
	listenOnLoopback,
	sleep,
	spawnGroup,
	toolsMissing,
} from "../support/node-setup.ts";
import { toBdf, xlfdName } from "./bdf-font.ts";
import { startXvnc, writeVncPassword } from "./xvnc.ts";

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
			/**
			 * GET {control}/show/{1|2} shows picture 1 or 2; GET {control}/text/{font} shows
			 * the text console in xterm in that font (TEXT_FONTS) on the text server,
			 * {control}/text/off closes it (a black screen). Each answers with the new dump.
			 */
			control: string;
			/**
			 * The text server (same password), and what its console shows:
			 * the lines, trailing spaces removed, and xterm's cursor.
			 */
			text: { url: string; lines: string[]; cursor: { row: number; col: number } };
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
	xterm: "/usr/bin/xterm",
};

/** Our 8x16 fonts the text console can be drawn in: 80x25 cells fill the 640x400 screen. */
export const TEXT_FONTS = ["vga", "fixed", "ter"] as const;

const BLUE_BAR = "GNU GRUB  version 2.06".padStart(47).padEnd(80);
/**
 * The console: [what the terminal is sent, the row it shows]. A blue title
 * bar (written to the last column: no newline), a menu box with an
 * inverse-video highlight, coloured systemd status, every printable ASCII
 * character, Latin-1, shades and line graphics, and a login prompt with
 * xterm's steady underline cursor (DECSCUSR 4) after it.
 */
const TEXT_ROWS: [string, string][] = [
	[`\x1b[4 q\x1b[44;97m${BLUE_BAR}\x1b[0m`, BLUE_BAR.trimEnd()],
	["╔══════════════════════════════════════╗\n", "╔══════════════════════════════════════╗"],
	[
		"║ \x1b[7m*Debian GNU/Linux                   \x1b[27m ║\n",
		"║ *Debian GNU/Linux                    ║",
	],
	["║  Advanced options for Debian         ║\n", "║  Advanced options for Debian         ║"],
	["╚══════════════════════════════════════╝\n", "╚══════════════════════════════════════╝"],
	["[  \x1b[32mOK\x1b[0m  ] Started Journal Service.\n", "[  OK  ] Started Journal Service."],
	["[\x1b[31mFAILED\x1b[0m] Failed to mount /boot.\n", "[FAILED] Failed to mount /boot."],
	[
		"The quick brown fox jumps over the lazy dog 0123456789\n",
		"The quick brown fox jumps over the lazy dog 0123456789",
	],
	[
		"!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ ABCDEFGHIJKLMNOPQRSTUVWXYZ\n",
		"!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ ABCDEFGHIJKLMNOPQRSTUVWXYZ",
	],
	[
		"abcdefghijklmnopqrstuvwxyz Ä é ñ ß ° ± ½ « » ░▒▓▀▄■ ┌┬┐├┼┤└┴┘│─\n",
		"abcdefghijklmnopqrstuvwxyz Ä é ñ ß ° ± ½ « » ░▒▓▀▄■ ┌┬┐├┼┤└┴┘│─",
	],
	["debian login: ", "debian login:"],
];
const TEXT_LINES = Array.from({ length: 25 }, (_, r) => TEXT_ROWS[r]?.[1] ?? "");
const TEXT_CURSOR = { row: TEXT_ROWS.length - 1, col: "debian login: ".length };

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
	const missing = Object.values(TOOLS).filter((p) => !existsSync(p));
	if (missing.length > 0) {
		const error = `${MISSING} ${missing.join(", ")} (Debian: tigervnc-standalone-server tigervnc-tools websockify x11-apps imagemagick fonts-dejavu-core xterm)`;
		project.provide("vncReal", toolsMissing("real VNC server tests", error));
		return async () => {};
	}

	const dir = mkdtempSync(join(tmpdir(), "ikvm-vnc-"));
	const procs: ChildProcess[] = [];
	let control: Server | undefined;
	let stopXterm = async () => {};
	const teardown = async () => {
		control?.close();
		await stopXterm();
		for (const p of procs) await killGroup(p);
		rmSync(dir, { recursive: true, force: true });
	};

	try {
		const password = writeVncPassword(TOOLS.vncpasswd, join(dir, "passwd"));
		const fonts = join(dir, "fonts");
		mkdirSync(fonts);
		const fontsDir = TEXT_FONTS.map((id) => {
			const font = textFont(id);
			writeFileSync(join(fonts, `${id}.bdf`), toBdf(font));
			return `${id}.bdf ${xlfdName(font)}`;
		});
		writeFileSync(join(fonts, "fonts.dir"), `${fontsDir.length}\n${fontsDir.join("\n")}\n`);
		writeFileSync(join(dir, "console.txt"), TEXT_ROWS.map(([sent]) => sent).join(""));
		const startServer = (desktop: string, extra: string[]) =>
			startXvnc(procs, {
				tools: TOOLS,
				passwd: join(dir, "passwd"),
				width: WIDTH,
				height: HEIGHT,
				desktop,
				extra,
			});
		const pictureServer = await startServer("ikvm-mcp test", []);
		const env = pictureServer.env;
		// A server of its own for the text console: xterm's mouse pointer would
		// otherwise leave the X server's root cursor drawn over the pictures
		// (Xvnc draws the pointer into frames for clients, like ours, that do not
		// take it as a pseudo-encoding). Fonts: the server's own fixed and cursor, and ours.
		const textServer = await startServer("ikvm-mcp text console", ["-fp", `built-ins,${fonts}`]);

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
		const dump = (xEnv: NodeJS.ProcessEnv = env): Buffer => {
			// xwd's dump is the server's own framebuffer, the ground truth.
			const xwd = execFileSync(TOOLS.xwd, ["-root", "-silent"], {
				env: xEnv,
				maxBuffer: 64 << 20,
			});
			return execFileSync(TOOLS.convert, ["xwd:-", "-depth", "8", "rgb:-"], {
				input: xwd,
				maxBuffer: 64 << 20,
			});
		};
		let xterm: ChildProcess | undefined;
		const closeXterm = async () => {
			if (xterm) await killGroup(xterm);
			xterm = undefined;
		};
		stopXterm = closeXterm;
		const showText = async (font: string | undefined): Promise<Buffer> => {
			await closeXterm();
			if (font === undefined) return dump(textServer.env);
			const ready = join(dir, "console.ready");
			rmSync(ready, { force: true });
			// No window manager: a borderless 80x25 window at 0,0 covers the 640x400 screen.
			// The pointer rests mid-screen on a blank cell: black, it shows nothing there.
			xterm = spawnGroup(
				TOOLS.xterm,
				[
					...["-u8", "-fn", xlfdName(textFont(font))],
					...["-geometry", "80x25+0+0", "-b", "0", "-w", "0", "+sb"],
					...["-fg", "#aaaaaa", "-bg", "#000000", "-cr", "#aaaaaa"],
					...["-xrm", "XTerm*pointerColor: black", "-xrm", "XTerm*pointerColorBackground: black"],
					...["-e", "sh", "-c", 'cat "$0" && touch "$1" && exec sleep 3600'],
					...[join(dir, "console.txt"), ready],
				],
				textServer.env,
			);
			// Drawn once the text is out and two dumps 200 ms apart agree.
			const deadline = Date.now() + 15_000;
			let last: Buffer | undefined;
			while (Date.now() < deadline) {
				await sleep(200);
				if (!existsSync(ready)) continue;
				const now = dump(textServer.env);
				if (last?.equals(now)) return now;
				last = now;
			}
			throw new Error(`xterm did not draw the text console in ${font} within 15 s`);
		};
		const show = async (n: number): Promise<Buffer> => {
			await closeXterm();
			// ImageMagick 6's `display -window root` exits 1 even after setting the
			// background; the dump below and the test's detail check say whether it did.
			const shown = spawnSync(TOOLS.display, ["-window", "root", pictures[n - 1]], {
				env,
				stdio: "ignore",
			});
			if (shown.error) throw shown.error;
			return dump();
		};
		const truth = await show(1);
		if (truth.length !== WIDTH * HEIGHT * 3) throw new Error(`xwd dump is ${truth.length} bytes`);

		// One change at a time: a request arriving meanwhile waits for the one before.
		let changing: Promise<unknown> = Promise.resolve();
		control = createServer((req, res) => {
			const m = /^\/(?:show\/([12])|text\/([a-z-]+))$/.exec(req.url ?? "");
			const font = m?.[2] === "off" ? undefined : m?.[2];
			if (!m || (font !== undefined && !(TEXT_FONTS as readonly string[]).includes(font))) {
				res.writeHead(404).end();
				return;
			}
			const change = changing.then(() => (m[1] ? show(Number(m[1])) : showText(font)));
			changing = change.catch(() => {});
			change.then(
				(shown) =>
					res.writeHead(200, { "content-type": "text/plain" }).end(shown.toString("base64")),
				(e) => res.writeHead(500).end(String(e)),
			);
		});
		project.provide("vncReal", {
			url: pictureServer.url,
			password,
			width: WIDTH,
			height: HEIGHT,
			truth: truth.toString("base64"),
			control: await listenOnLoopback(control),
			text: { url: textServer.url, lines: TEXT_LINES, cursor: TEXT_CURSOR },
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

function textFont(id: string): FontTable {
	const font = FONT_TABLES.find((f) => f.id === id);
	if (!font) throw new Error(`no font table ${id}`);
	return font;
}
