import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LimitError, ProtocolError } from "../../src/errors.ts";
import type { Framebuffer } from "../../src/image/framebuffer.ts";
import { type PixelFormat, RGB888_LE } from "../../src/vnc/pixel-format.ts";
import { Encoding, RfbClient, type RfbOptions } from "../../src/vnc/rfb.ts";
import { BGR565_LE, diffCount, pump, RGB332, rng, testScreen, XBGR_BE_HIGH } from "./helpers.ts";
import { MiniRfbServer, type MiniServerOptions, type TightMode } from "./mini-server.ts";

function session(server: Partial<MiniServerOptions>, client: RfbOptions = {}) {
	const s = new MiniRfbServer({ format: RGB888_LE, screen: testScreen(RGB888_LE), ...server });
	const c = new RfbClient(client);
	return { s, c };
}

function capture(c: RfbClient, s: MiniRfbServer, split?: () => number): Framebuffer {
	c.requestFrame();
	pump(c, s, split);
	const events = c.takeEvents();
	expect(events.filter((e) => e.type === "frame")).toHaveLength(1);
	return c.framebuffer;
}

describe("RFB handshake", () => {
	for (const version of ["3.3", "3.7", "3.8"] as const) {
		it(`RFB ${version}, no authentication`, () => {
			const { s, c } = session({ version, security: [1], name: "console é" });
			pump(c, s);
			expect(c.takeEvents()).toEqual([
				{ type: "ready", width: 250, height: 90, name: "console é" },
			]);
			expect(s.shared).toBe(1);
		});

		it(`RFB ${version}, VNC Authentication`, () => {
			const { s, c } = session(
				{ version, security: [2], password: "hunter22" },
				{ password: "hunter22" },
			);
			pump(c, s);
			expect(c.ready).toBe(true);
		});
	}

	it("prefers None when offered next to VNC Authentication", () => {
		const { s, c } = session({ security: [2, 1] }, { password: "x" });
		pump(c, s);
		expect(c.ready).toBe(true);
	});

	it("reports the server's reason for a wrong password (3.8)", () => {
		const { s, c } = session(
			{ security: [2], password: "right", failReason: "Authentication failure: bad password" },
			{ password: "wrong" },
		);
		expect(() => pump(c, s)).toThrow(
			new ProtocolError(
				'VNC server rejected authentication; the VNC server said: "Authentication failure: bad password"',
			),
		);
	});

	for (const version of ["3.3", "3.7"] as const) {
		it(`says a wrong password gets no reason in RFB ${version}`, () => {
			const { s, c } = session(
				{ version, security: [2], password: "right" },
				{ password: "wrong" },
			);
			expect(() => pump(c, s)).toThrow(
				/rejected authentication \(RFB 3\.\d sends no reason; wrong password\?\)/,
			);
		});
	}

	it("names the security types offered when none is supported", () => {
		const { s, c } = session({ security: [16, 19, 250] });
		expect(() => pump(c, s)).toThrow(
			"offers no security type we support (None, VNC Authentication): it offered 16 (Tight), 19 (VeNCrypt), 250 (unknown)",
		);
	});

	it("names RFB 3.3's imposed security type when unsupported", () => {
		const { s, c } = session({ version: "3.3", security: [18] });
		expect(() => pump(c, s)).toThrow("it offered 18 (TLS)");
	});

	it("asks for a password when the server requires one", () => {
		const { s, c } = session({ security: [2], password: "pw" });
		expect(() => pump(c, s)).toThrow("requires VNC Authentication (type 2); no password given");
	});

	it("reports a server's refusal reason (no security types)", () => {
		const c = new RfbClient();
		const reason = new TextEncoder().encode("Too many security failures");
		c.receive(new TextEncoder().encode("RFB 003.008\n"));
		expect(() => c.receive(Uint8Array.of(0, 0, 0, 0, reason.length, ...reason))).toThrow(
			'VNC server refused the connection; the VNC server said: "Too many security failures"',
		);
	});

	it("rejects what is not an RFB greeting", () => {
		expect(() => new RfbClient().receive(new TextEncoder().encode("HTTP/1.1 400\r\n"))).toThrow(
			/not an RFB server/,
		);
		expect(() => new RfbClient().receive(new TextEncoder().encode("RFB 004.000\n"))).toThrow(
			"unsupported RFB version 4.0",
		);
	});

	it("answers 3.889 (Apple) and 3.5 with the nearest version it speaks", () => {
		const c = new RfbClient();
		c.receive(new TextEncoder().encode("RFB 003.889\n"));
		expect(new TextDecoder().decode(c.takeOutput() ?? undefined)).toBe("RFB 003.008\n");
		const old = new RfbClient();
		old.receive(new TextEncoder().encode("RFB 003.005\n"));
		expect(new TextDecoder().decode(old.takeOutput() ?? undefined)).toBe("RFB 003.003\n");
	});

	it("refuses a screen over the size limit before allocating it", () => {
		const { s, c } = session({ screen: { width: 5000, height: 10, rgba: new Uint8Array(0) } });
		expect(() => pump(c, s)).toThrow(LimitError);
		const small = session({}, { maxWidth: 200 });
		expect(() => pump(small.c, small.s)).toThrow("VNC screen 250x90 exceeds the 200x1600 limit");
	});

	it("asks for 32-bit true colour and the configured encodings", () => {
		const { s, c } = session({ format: BGR565_LE }, { encodings: [Encoding.zrle, Encoding.raw] });
		pump(c, s);
		expect(s.format).toEqual(RGB888_LE);
		expect(s.encodings).toEqual([16, 0]);
	});
});

const FORMATS: [string, PixelFormat, "server" | PixelFormat][] = [
	["32-bit little-endian (requested)", RGB888_LE, RGB888_LE],
	["32-bit big-endian, colour in the high bytes", XBGR_BE_HIGH, "server"],
	["16-bit 565 (server's own)", BGR565_LE, "server"],
	["8-bit 332 (server's own)", RGB332, "server"],
];

const ENCODINGS: {
	name: string;
	encoding: number;
	variants: string[];
	cell?: { width: number; height: number };
	tightModes?: TightMode[];
	/** Only for 888 formats. */
	needs888?: boolean;
}[] = [
	{ name: "Raw", encoding: Encoding.raw, variants: ["raw"], cell: { width: 100, height: 40 } },
	{
		name: "Hextile",
		encoding: Encoding.hextile,
		variants: ["hextile/raw", "hextile/solid", "hextile/foreground", "hextile/coloured"],
		cell: { width: 120, height: 50 },
	},
	{
		name: "ZRLE",
		encoding: Encoding.zrle,
		variants: ["zrle/raw", "zrle/rle", "zrle/solid", "zrle/packed", "zrle/palette-rle"],
		cell: { width: 64, height: 48 },
	},
	{
		name: "Tight",
		encoding: Encoding.tight,
		variants: ["tight/fill", "tight/copy", "tight/palette-1bit", "tight/palette-8bit"],
		cell: { width: 64, height: 48 },
		tightModes: ["fill", "copy", "palette"],
	},
	{
		name: "Tight gradient",
		encoding: Encoding.tight,
		variants: ["tight/gradient"],
		cell: { width: 64, height: 48 },
		tightModes: ["gradient"],
		needs888: true,
	},
];

describe("encodings decode exactly", () => {
	for (const enc of ENCODINGS) {
		for (const [fname, native, wanted] of FORMATS) {
			const is888 = native.redMax === 255 && native.depth === 24;
			if (enc.needs888 && !is888) continue;
			it(`${enc.name}, ${fname}`, () => {
				const screen = testScreen(native, 7);
				const { s, c } = session(
					{ format: native, screen, cell: enc.cell, tightModes: enc.tightModes },
					{ pixelFormat: wanted, encodings: [enc.encoding, Encoding.desktopSize] },
				);
				pump(c, s);
				// Two frames: the second runs the persistent zlib streams on.
				const fb = capture(c, s);
				expect(diffCount(fb.rgba, screen.rgba)).toBe(0);
				const next = testScreen(native, 8);
				s.setScreen(next, { x: 0, y: 0, w: next.width, h: next.height });
				expect(diffCount(capture(c, s).rgba, next.rgba)).toBe(0);
				for (const v of enc.variants) expect(s.variants.get(v), v).toBeGreaterThan(0);
				expect(c.rectCounts.get(enc.encoding)).toBeGreaterThan(0);
			});
		}
	}

	it("Tight JPEG, within JPEG's error", () => {
		// Smooth content, as JPEG is meant for.
		const w = 120;
		const h = 64;
		const rgba = new Uint8Array(w * h * 4);
		for (let i = 0; i < w * h; i++) {
			const x = i % w;
			const y = Math.floor(i / w);
			rgba.set([x * 2, y * 3, 128 + ((x + y) % 64), 255], i * 4);
		}
		const screen = { width: w, height: h, rgba };
		const { s, c } = session(
			{ screen, cell: { width: 64, height: 32 }, tightModes: ["jpeg"] },
			{ encodings: [Encoding.tight, Encoding.jpegQuality(8)] },
		);
		pump(c, s);
		const fb = capture(c, s);
		expect(s.variants.get("tight/jpeg")).toBe(4);
		let worst = 0;
		let sum = 0;
		for (let i = 0; i < rgba.length; i++) {
			if (i % 4 === 3) {
				expect(fb.rgba[i]).toBe(255);
				continue;
			}
			const d = Math.abs(fb.rgba[i] - rgba[i]);
			worst = Math.max(worst, d);
			sum += d;
		}
		expect(sum / (w * h * 3)).toBeLessThan(2);
		expect(worst).toBeLessThan(24);
	});

	it("parses the same however the bytes are split", () => {
		fc.assert(
			fc.property(
				fc.constantFrom(...ENCODINGS),
				fc.integer({ min: 1, max: 2 ** 31 }),
				fc.integer({ min: 1, max: 300 }),
				(enc, seed, maxPiece) => {
					const rand = rng(seed);
					const split = () => 1 + Math.floor(rand() * maxPiece);
					const screen = testScreen(RGB888_LE, seed, 130, 70);
					const { s, c } = session(
						{ screen, cell: enc.cell, tightModes: enc.tightModes },
						{ encodings: [enc.encoding] },
					);
					pump(c, s, split);
					expect(diffCount(capture(c, s, split).rgba, screen.rgba)).toBe(0);
				},
			),
			{ numRuns: 25 },
		);
	});

	it("parses a whole session fed one byte at a time", () => {
		const screen = testScreen(RGB888_LE, 3, 100, 60);
		const { s, c } = session(
			{ screen, security: [2], password: "pw", cell: { width: 64, height: 48 } },
			{ password: "pw", encodings: [Encoding.zrle] },
		);
		pump(c, s, () => 1);
		expect(diffCount(capture(c, s, () => 1).rgba, screen.rgba)).toBe(0);
	});
});

describe("updates", () => {
	it("asks for the whole screen first, then incrementally with a 1x1 probe", () => {
		const { s, c } = session({});
		pump(c, s);
		capture(c, s);
		expect(s.requests).toEqual([{ incremental: false, area: { x: 0, y: 0, w: 250, h: 90 } }]);
		// Nothing changed: the mini server, like real ones, ignores the incremental
		// request; the probe still gets an answer.
		capture(c, s);
		expect(s.requests.slice(1)).toEqual([
			{ incremental: true, area: { x: 0, y: 0, w: 250, h: 90 } },
			{ incremental: false, area: { x: 0, y: 0, w: 1, h: 1 } },
		]);
	});

	it("applies only what changed on a warm connection", () => {
		const before = testScreen(RGB888_LE, 1);
		const { s, c } = session({ screen: before }, { encodings: [Encoding.zrle] });
		pump(c, s);
		capture(c, s);
		const after = testScreen(RGB888_LE, 2);
		const rgba = before.rgba.slice();
		const area = { x: 10, y: 20, w: 30, h: 40 };
		for (let y = area.y; y < area.y + area.h; y++) {
			const i = (y * 250 + area.x) * 4;
			rgba.set(after.rgba.subarray(i, i + area.w * 4), i);
		}
		s.setScreen({ width: 250, height: 90, rgba }, area);
		expect(diffCount(capture(c, s).rgba, rgba)).toBe(0);
	});

	it("tells each capture which pixels may have changed since the one before", () => {
		const { s, c } = session(
			{},
			{ encodings: [Encoding.copyRect, Encoding.raw, Encoding.desktopSize] },
		);
		pump(c, s);
		capture(c, s);
		const first = c.damage.take();
		expect(first.since).toBeUndefined();
		// Nothing changed: the 1x1 probe's answer is all that was painted.
		capture(c, s);
		const idle = c.damage.take();
		expect(idle).toEqual({
			sequence: idle.sequence,
			since: first.sequence,
			rects: [{ x: 0, y: 0, width: 1, height: 1 }],
		});
		const rgba = s.screen.rgba.slice();
		rgba.fill(0x40, (30 * 250 + 100) * 4, (30 * 250 + 110) * 4);
		s.setScreen({ width: 250, height: 90, rgba }, { x: 100, y: 30, w: 10, h: 1 });
		capture(c, s);
		expect(c.damage.take()).toMatchObject({
			since: idle.sequence,
			rects: [
				{ x: 100, y: 30, width: 10, height: 1 },
				{ x: 0, y: 0, width: 1, height: 1 },
			],
		});
		s.copyArea({ x: 0, y: 0, w: 20, h: 10 }, 50, 60);
		capture(c, s);
		const copied = c.damage.take();
		expect(copied.rects).toContainEqual({ x: 50, y: 60, width: 20, height: 10 });
		// A new screen size: any pixel may differ.
		s.setScreen(testScreen(RGB888_LE, 5, 300, 120), { x: 0, y: 0, w: 300, h: 120 });
		capture(c, s);
		expect(c.damage.take()).toMatchObject({ since: undefined, rects: [] });
	});

	it("every pixel that differs from the capture before lies in the damage it reports", () => {
		const area = fc.record({ x: fc.nat(249), y: fc.nat(89) }).chain(({ x, y }) =>
			fc.record({
				x: fc.constant(x),
				y: fc.constant(y),
				w: fc.integer({ min: 1, max: 250 - x }),
				h: fc.integer({ min: 1, max: 90 - y }),
			}),
		);
		const op = fc.oneof(
			fc.record({ paint: area, colour: fc.nat(255) }),
			fc.record({ copy: area, to: fc.record({ x: fc.nat(249), y: fc.nat(89) }) }),
		);
		fc.assert(
			fc.property(
				fc.constantFrom(Encoding.raw, Encoding.hextile, Encoding.zrle, Encoding.tight),
				fc.array(op, { minLength: 1, maxLength: 6 }),
				(encoding, ops) => {
					const { s, c } = session(
						{ cell: { width: 64, height: 32 } },
						{ encodings: [Encoding.copyRect, encoding] },
					);
					pump(c, s);
					let before = new Uint32Array(capture(c, s).rgba.slice().buffer);
					c.damage.take();
					for (const o of ops) {
						if ("paint" in o) {
							const rgba = s.screen.rgba.slice();
							for (let y = o.paint.y; y < o.paint.y + o.paint.h; y++)
								rgba.fill(
									o.colour,
									(y * 250 + o.paint.x) * 4,
									(y * 250 + o.paint.x + o.paint.w) * 4,
								);
							for (let i = 3; i < rgba.length; i += 4) rgba[i] = 255;
							s.setScreen({ width: 250, height: 90, rgba }, o.paint);
						} else {
							const w = Math.min(o.copy.w, 250 - o.to.x);
							const h = Math.min(o.copy.h, 90 - o.to.y);
							s.copyArea({ ...o.copy, w, h }, o.to.x, o.to.y);
						}
						const now = new Uint32Array(capture(c, s).rgba.slice().buffer);
						const { rects } = c.damage.take();
						for (let p = 0; p < 250 * 90; p++) {
							if (now[p] === before[p]) continue;
							const x = p % 250;
							const y = Math.floor(p / 250);
							const inside = rects.some(
								(r) => x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height,
							);
							expect(inside, `pixel ${x},${y} changed outside ${JSON.stringify(rects)}`).toBe(true);
						}
						before = now;
					}
				},
			),
			{ numRuns: 25 },
		);
	}, 60_000);

	it("CopyRect moves pixels, overlapping or not", () => {
		const screen = testScreen(RGB888_LE, 4);
		const { s, c } = session({ screen }, { encodings: [Encoding.copyRect, Encoding.raw] });
		pump(c, s);
		capture(c, s);
		for (const [src, dx, dy] of [
			[{ x: 0, y: 0, w: 100, h: 50 }, 20, 10], // overlapping, down-right
			[{ x: 30, y: 30, w: 100, h: 50 }, 10, 5], // overlapping, up-left
			[{ x: 200, y: 0, w: 50, h: 40 }, 0, 50], // apart
		] as const) {
			s.copyArea(src, dx, dy);
			expect(diffCount(capture(c, s).rgba, s.screen.rgba)).toBe(0);
		}
		expect(s.variants.get("copyrect")).toBe(3);
	});

	it("follows a DesktopSize change and waits for the new screen's pixels", () => {
		const { s, c } = session({});
		pump(c, s);
		capture(c, s);
		const bigger = testScreen(RGB888_LE, 5, 300, 120);
		s.setScreen(bigger, { x: 0, y: 0, w: 300, h: 120 });
		const fb = capture(c, s);
		expect([fb.width, fb.height]).toEqual([300, 120]);
		expect(diffCount(fb.rgba, bigger.rgba)).toBe(0);
		expect(s.variants.get("desktop-size")).toBe(1);
	});
});

describe("bad input", () => {
	function ready(opts: RfbOptions = {}) {
		const { s, c } = session({}, opts);
		pump(c, s);
		c.takeEvents();
		c.takeOutput();
		return c;
	}
	const header = (x: number, y: number, w: number, h: number, enc: number) => {
		const b = new Uint8Array(16);
		const v = new DataView(b.buffer);
		v.setUint16(2, 1);
		v.setUint16(4, x);
		v.setUint16(6, y);
		v.setUint16(8, w);
		v.setUint16(10, h);
		v.setInt32(12, enc);
		return b;
	};

	it("rejects a rectangle outside the screen", () => {
		expect(() => ready().receive(header(200, 0, 100, 10, 0))).toThrow(
			"VNC rectangle 100x10 at 200,0 is outside the 250x90 screen",
		);
	});

	it("rejects an encoding we did not offer", () => {
		expect(() => ready({ encodings: [Encoding.raw] }).receive(header(0, 0, 1, 1, 16))).toThrow(
			"VNC server used encoding 16, which we did not offer",
		);
	});

	it("rejects a CopyRect source outside the screen", () => {
		const c = ready();
		expect(() => c.receive(Uint8Array.of(...header(0, 0, 10, 10, 1), 0, 245, 0, 0))).toThrow(
			/CopyRect source 10x10 at 245,0 is outside/,
		);
	});

	it("refuses a ZRLE length no rectangle needs, before buffering it", () => {
		const c = ready();
		expect(() =>
			c.receive(Uint8Array.of(...header(0, 0, 4, 4, 16), 0x7f, 0xff, 0xff, 0xff)),
		).toThrow(LimitError);
	});

	it("reports corrupt zlib data", () => {
		const c = ready();
		expect(() =>
			c.receive(Uint8Array.of(...header(0, 0, 4, 4, 16), 0, 0, 0, 4, 1, 2, 3, 4)),
		).toThrow(/ZRLE: zlib data for a rectangle is corrupt/);
	});

	it("rejects a Hextile subrectangle leaving its tile", () => {
		const c = ready();
		// Background + foreground + 1 subrect at (10,10) sized 8x8 in a 16x16 tile.
		const tile = [2 | 4 | 8, 1, 2, 3, 0, 4, 5, 6, 0, 1, 0xaa, 0x77];
		expect(() => c.receive(Uint8Array.of(...header(0, 0, 16, 16, 5), ...tile))).toThrow(
			"Hextile subrectangle 8x8 at 10,10 leaves its 16x16 tile",
		);
	});

	it("rejects undefined Tight compression and filters", () => {
		expect(() => ready().receive(Uint8Array.of(...header(0, 0, 4, 4, 7), 0xa0))).toThrow(
			"Tight compression type 10 is not defined",
		);
		expect(() => ready().receive(Uint8Array.of(...header(0, 0, 4, 4, 7), 0x40, 7))).toThrow(
			"Tight filter 7 is not defined",
		);
	});

	it("rejects an unknown server message and caps cut text", () => {
		expect(() => ready().receive(Uint8Array.of(9))).toThrow(
			"VNC server sent unknown message type 9",
		);
		expect(() => ready().receive(Uint8Array.of(3, 0, 0, 0, 0x10, 0, 0, 0))).toThrow(LimitError);
	});

	it("bounds the pixels painted or allocated per frame request", () => {
		// Each 16-byte update resizes, so allocates and clears, a whole screen: before
		// this bound, 4 KiB of them at the default 4096x4096 limit took 10 s.
		const resize = (i: number) => header(0, 0, i % 2 ? 300 : 299, 100, Encoding.desktopSize);
		const c = ready({ maxWidth: 300, maxHeight: 100 });
		c.requestFrame();
		for (let i = 0; i < 8; i++) c.receive(resize(i)); // 8 screens of 300x100
		expect(() => c.receive(resize(8))).toThrow(
			new LimitError("VNC server sent more than 8 screens of 300x100 pixels for one frame request"),
		);
		// Every frame request starts a new budget.
		const d = ready({ maxWidth: 300, maxHeight: 100 });
		for (let i = 0; i < 8; i++) d.receive(resize(i));
		d.requestFrame();
		for (let i = 0; i < 8; i++) d.receive(resize(i));
		// CopyRect counts too: 9 whole-screen copies in one update.
		const copies = ready({ maxWidth: 250, maxHeight: 90 });
		const update = Uint8Array.of(0, 0, 0, 9);
		const copy = header(0, 0, 250, 90, Encoding.copyRect).subarray(4);
		const flood = [update, ...Array.from({ length: 9 }, () => [...copy, 0, 0, 0, 0])].flatMap(
			(p) => [...p],
		);
		expect(() => copies.receive(Uint8Array.from(flood))).toThrow(LimitError);
	});

	it("stays failed after an error", () => {
		const c = ready();
		expect(() => c.receive(Uint8Array.of(9))).toThrow();
		expect(() => c.receive(Uint8Array.of(2))).toThrow("RFB connection already failed");
	});
});
