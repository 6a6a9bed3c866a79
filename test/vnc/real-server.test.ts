/**
 * Our client against TigerVNC's Xvnc behind websockify (started by
 * real-server.setup.ts), compared pixel for pixel with the server's own
 * framebuffer dump. Fails, never skips, when the server is not installed.
 */
import { describe, expect, inject, it } from "vitest";
import type { Framebuffer } from "../../src/image/framebuffer.ts";
import { GRAPHICAL_NOTICE, readScreenText } from "../../src/text/index.ts";
import type { PixelFormat } from "../../src/vnc/pixel-format.ts";
import { Encoding } from "../../src/vnc/rfb.ts";
import { VncClient } from "../../src/vnc/vnc-client.ts";
import { connectClient } from "../support/mcp-client.ts";
import { screenshotPixels } from "../support/png.ts";
import { BGR565_LE } from "./helpers.ts";

const real = inject("vncReal");

function server() {
	if ("error" in real) throw new Error(real.error);
	return real;
}

function rgbOf(b64: string): Uint8Array {
	return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

async function connect(encodings: number[], pixelFormat?: PixelFormat, url = server().url) {
	const s = server();
	return VncClient.connect({
		fetch: (url, init) => fetch(url, init),
		url,
		password: s.password,
		encodings,
		pixelFormat,
		deadlineMs: 10_000,
	});
}

/** Per-channel differences between a capture and an RGB dump. */
function compare(fb: Framebuffer, rgb: Uint8Array) {
	let differing = 0;
	let worst = 0;
	let sum = 0;
	for (let p = 0; p < fb.width * fb.height; p++) {
		let pixelDiffers = false;
		for (let c = 0; c < 3; c++) {
			const d = Math.abs(fb.rgba[p * 4 + c] - rgb[p * 3 + c]);
			if (d) pixelDiffers = true;
			worst = Math.max(worst, d);
			sum += d;
		}
		if (fb.rgba[p * 4 + 3] !== 255) throw new Error(`alpha ${fb.rgba[p * 4 + 3]} at pixel ${p}`);
		if (pixelDiffers) differing++;
	}
	return { differing, worst, mean: sum / (fb.width * fb.height * 3) };
}

// Without the Debian packages, outside CI: skipped, saying so. In CI, or when they are installed but fail: failed.
const skipped = "error" in real && real.skip;
if (skipped) it.skip(`real VNC server test skipped: ${real.error}`, () => {});

describe.skipIf(skipped)("against TigerVNC (Xvnc + websockify)", () => {
	it("the ground truth has detail", () => {
		const rgb = rgbOf(server().truth);
		const colours = new Set<number>();
		for (let i = 0; i < rgb.length; i += 3)
			colours.add((rgb[i] << 16) | (rgb[i + 1] << 8) | rgb[i + 2]);
		expect(colours.size).toBeGreaterThan(5000);
	});

	for (const [name, encoding] of [
		["Raw", Encoding.raw],
		["Hextile", Encoding.hextile],
		["ZRLE", Encoding.zrle],
		["Tight (lossless: no JPEG quality asked)", Encoding.tight],
	] as const) {
		it(`${name}: equals the server's framebuffer pixel for pixel`, async () => {
			const s = server();
			const vnc = await connect([encoding]);
			try {
				expect([vnc.width, vnc.height, vnc.name]).toEqual([s.width, s.height, "ikvm-mcp test"]);
				const fb = await vnc.capture({ deadlineMs: 10_000 });
				expect(compare(fb, rgbOf(s.truth)).differing).toBe(0);
				// The server really used the encoding (Raw may come along for tiny rects).
				expect(vnc.rectCounts.get(encoding)).toBeGreaterThan(0);
			} finally {
				vnc.close();
			}
		});
	}

	it("Tight with JPEG: close to the server's framebuffer (JPEG is lossy)", async () => {
		const vnc = await connect([Encoding.tight, Encoding.jpegQuality(9)]);
		try {
			const fb = await vnc.capture({ deadlineMs: 10_000 });
			const d = compare(fb, rgbOf(server().truth));
			// Exact would mean the server sent no JPEG at all.
			expect(d.differing).toBeGreaterThan(0);
			expect(d.mean).toBeLessThan(3);
		} finally {
			vnc.close();
		}
	});

	it("16-bit 565 by SetPixelFormat: every channel within one quantisation step", async () => {
		const vnc = await connect([Encoding.zrle], BGR565_LE);
		try {
			const fb = await vnc.capture({ deadlineMs: 10_000 });
			const d = compare(fb, rgbOf(server().truth));
			// Half a 5-bit step (255 / 31 / 2 = 4.1): server and client both round.
			expect(d.worst).toBeLessThanOrEqual(4);
			expect(d.differing).toBeGreaterThan(0);
		} finally {
			vnc.close();
		}
	});

	it("a warm connection sees a change, and answers again on a still screen", async () => {
		const s = server();
		const vnc = await connect([Encoding.copyRect, Encoding.zrle, Encoding.desktopSize]);
		try {
			expect(compare(await vnc.capture(), rgbOf(s.truth)).differing).toBe(0);
			const show = async (n: number) => rgbOf(await (await fetch(`${s.control}/show/${n}`)).text());
			const second = await show(2);
			expect(compare(await vnc.capture(), second).differing).toBe(0);
			// Nothing changes now: the probe still gets an answer.
			expect(compare(await vnc.capture({ deadlineMs: 5_000 }), second).differing).toBe(0);
			const first = await show(1);
			expect(compare(await vnc.capture(), first).differing).toBe(0);
		} finally {
			vnc.close();
		}
	});
});

/**
 * Text drawn by xterm on Xvnc in our fonts (served to the X server as BDF
 * bitmap fonts): xterm lays out the console, colours it, draws the cursor,
 * and the X server renders the glyphs; TigerVNC encodes what it shows.
 */
describe.skipIf(skipped)("screen text on TigerVNC (xterm on Xvnc)", { timeout: 60_000 }, () => {
	const showText = async (font: string) =>
		rgbOf(await (await fetch(`${server().control}/text/${font}`)).text());

	for (const font of ["vga", "fixed", "ter"]) {
		it(`reads xterm's console in ${font} exactly through ZRLE: every row, the colours and inverse video, the cursor`, async () => {
			const s = server();
			const shown = await showText(font);
			const vnc = await connect([Encoding.zrle], undefined, s.text.url);
			try {
				const fb = await vnc.capture({ deadlineMs: 10_000 });
				expect(compare(fb, shown).differing).toBe(0);
				const text = readScreenText(fb);
				expect(text.lines).toEqual(s.text.lines);
				expect(text.cursor).toEqual(s.text.cursor);
				expect([text.isText, text.columns, text.rows, text.font]).toEqual([true, 80, 25, font]);
				expect(text.uncertain).toEqual([]);
			} finally {
				vnc.close();
			}
		});
	}

	it("reads it through Tight with JPEG (lossy) at quality 6", async () => {
		const s = server();
		await showText("vga");
		const vnc = await connect([Encoding.tight, Encoding.jpegQuality(6)], undefined, s.text.url);
		try {
			const fb = await vnc.capture({ deadlineMs: 10_000 });
			expect(vnc.rectCounts.get(Encoding.tight)).toBeGreaterThan(0);
			const text = readScreenText(fb);
			expect(text.lines).toEqual(s.text.lines);
			expect(text.cursor).toEqual(s.text.cursor);
		} finally {
			vnc.close();
		}
	});
});

// In this file rather than test/mcp so that no other test changes the picture meanwhile.
describe.skipIf(skipped)("a VNC_TARGETS entry through an MCP client", () => {
	it("returns TigerVNC's exact framebuffer with raw=true, password from a named secret", async () => {
		const s = server();
		const overrides = {
			VNC_TARGETS: JSON.stringify([
				{ id: "xvnc", name: "TigerVNC", url: s.url, passwordSecret: "VNC_XVNC_PASSWORD" },
			]),
			VNC_XVNC_PASSWORD: s.password,
		};
		const client = await connectClient(overrides);
		try {
			const listed = await client.callTool({ name: "list_servers", arguments: {} });
			expect(listed.structuredContent).toMatchObject({
				servers: [{ id: "xvnc", name: "TigerVNC", provider: "vnc", ip: "127.0.0.1" }],
			});
			const shown = rgbOf(await (await fetch(`${s.control}/show/2`)).text());
			const result = await client.callTool({
				name: "get_screenshot",
				arguments: { serverId: "xvnc", raw: true },
			});
			expect(result.isError).toBeFalsy();
			const text = (result.content as { text?: string }[])[1];
			expect(compare(screenshotPixels(result), shown).differing).toBe(0);
			expect(text.text).toMatch(/^Console of xvnc \(vnc\): \d+x\d+, raw pixels/);
			expect(JSON.stringify(result)).not.toContain(s.password);
		} finally {
			await fetch(`${s.control}/show/1`);
			await client.close();
		}
	});

	it("get_screen_text: a blank screen is graphical; wait_for_screen sees xterm's login prompt appear; then the exact text", {
		timeout: 60_000,
	}, async () => {
		const s = server();
		// Its own id: the console object of "xvnc" above still holds its session to the picture server.
		// A variable, as above: the password secret's name is not one of Env's keys.
		const overrides = {
			VNC_TARGETS: JSON.stringify([
				{ id: "xterm", url: s.text.url, passwordSecret: "VNC_XVNC_PASSWORD" },
			]),
			VNC_XVNC_PASSWORD: s.password,
		};
		const client = await connectClient(overrides);
		type Blocks = { type: string; text?: string }[];
		try {
			// No console yet: a black screen with the X server's pointer.
			await fetch(`${s.control}/text/off`);
			const picture = await client.callTool({
				name: "get_screen_text",
				arguments: { serverId: "xterm" },
			});
			expect(picture.isError).toBeFalsy();
			expect(picture.structuredContent).toMatchObject({ isText: false, lines: [] });
			expect(picture.content).toEqual([{ type: "text", text: GRAPHICAL_NOTICE }]);

			// The console starts once the wait has looked at the blank screen (its progress says so).
			let polling = () => {};
			const polled = new Promise<void>((resolve) => {
				polling = resolve;
			});
			const waiting = client.callTool(
				{
					name: "wait_for_screen",
					arguments: {
						serverId: "xterm",
						until: "text",
						text: "/^debian login:/m",
						timeoutSeconds: 30,
					},
				},
				undefined,
				{ onprogress: (p) => p.message?.startsWith("Waiting for") && polling() },
			);
			await polled;
			await fetch(`${s.control}/text/vga`);
			const waited = await waiting;
			expect(waited.isError).toBeFalsy();
			expect(waited.structuredContent).toMatchObject({ met: true });
			expect((waited.content as Blocks)[0].text).toMatch(
				/^Met after \d+\.\d s: the screen shows \/\^debian login:\/m\.$/,
			);
			// then defaults to "text" on a text console: the met line, the screen's text, its summary.
			expect((waited.content as Blocks)[1]).toEqual({
				type: "text",
				text: s.text.lines.join("\n"),
			});

			const read = await client.callTool({
				name: "get_screen_text",
				arguments: { serverId: "xterm" },
			});
			expect(read.structuredContent).toMatchObject({
				isText: true,
				columns: 80,
				rows: 25,
				lines: s.text.lines,
				cursor: s.text.cursor,
				font: "vga",
				uncertain: [],
			});
			expect((read.content as Blocks)[0]).toEqual({ type: "text", text: s.text.lines.join("\n") });
		} finally {
			await client.close();
		}
	});

	it("says which password secret is missing", async () => {
		const s = server();
		const client = await connectClient({
			VNC_TARGETS: JSON.stringify([{ id: "xvnc", url: s.url, passwordSecret: "VNC_NOT_SET" }]),
		});
		const result = await client.callTool({ name: "list_servers", arguments: {} });
		expect(result.isError).toBe(true);
		expect((result.content as { text: string }[])[0].text).toMatch(/VNC_NOT_SET, which is not set/);
		await client.close();
	});
});
