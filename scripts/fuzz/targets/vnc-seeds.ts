import { concatBytes } from "../../../src/bytes.ts";
/**
 * Valid RFB server output, produced by the test suite's MiniRfbServer (a
 * sans-IO server written independently of src/vnc) talking to a real
 * RfbClient: whole sessions for the rfb target, and single rectangles per
 * encoding for the encoding targets.
 */

import type { Framebuffer } from "../../../src/image/framebuffer.ts";
import type { PixelFormat } from "../../../src/vnc/pixel-format.ts";
import { RGB888_LE } from "../../../src/vnc/pixel-format.ts";
import { Encoding, RfbClient, type RfbOptions } from "../../../src/vnc/rfb.ts";
import { BGR565_LE, RGB332, testScreen, XBGR_BE_HIGH } from "../../../test/vnc/helpers.ts";
import {
	MiniRfbServer,
	type MiniServerOptions,
	type TightMode,
} from "../../../test/vnc/mini-server.ts";
import { putUint } from "../mutate.ts";

export interface SessionSeed {
	label: string;
	/** Everything the server sent, in order. */
	bytes: Uint8Array;
	client: RfbOptions;
}

/** Runs client and server until quiet, recording what the server sent. */
function pumpRecording(c: RfbClient, s: MiniRfbServer, sent: Uint8Array[]): void {
	for (let round = 0; round < 1000; round++) {
		const out = c.takeOutput();
		if (out) s.receive(out);
		const back = s.takeOutput();
		if (back) {
			sent.push(back);
			c.receive(back);
		}
		if (!out && !back) return;
	}
	throw new Error("vnc-seeds: no quiet after 1000 rounds");
}

/** Server messages the mini server never sends: Bell, ServerCutText, SetColourMapEntries. */
function otherMessages(): Uint8Array {
	const text = new TextEncoder().encode("clipboard é");
	const cut = new Uint8Array(8 + text.length);
	cut[0] = 3;
	putUint(cut, 4, text.length, 4, true);
	cut.set(text, 8);
	const colours = new Uint8Array(6 + 2 * 6);
	colours[0] = 1;
	putUint(colours, 4, 2, 2, true);
	return concatBytes([Uint8Array.of(2), cut, colours]);
}

interface SessionConfig {
	label: string;
	server: Partial<MiniServerOptions> & { format: PixelFormat };
	client: RfbOptions;
}

const ALL = [
	Encoding.copyRect,
	Encoding.tight,
	Encoding.zrle,
	Encoding.hextile,
	Encoding.raw,
	Encoding.desktopSize,
];

const SESSIONS: SessionConfig[] = [
	{ label: "3.8 none raw", server: { format: RGB888_LE }, client: { encodings: [0, -223] } },
	{
		label: "3.7 vnc-auth hextile",
		server: { format: RGB888_LE, version: "3.7", security: [2], password: "pw" },
		client: { password: "pw", encodings: [Encoding.hextile, Encoding.copyRect, -223] },
	},
	{
		label: "3.3 vnc-auth zrle",
		server: { format: RGB888_LE, version: "3.3", security: [2], password: "pw" },
		client: { password: "pw", encodings: [Encoding.zrle, Encoding.copyRect] },
	},
	{
		label: "3.8 tight basic",
		server: {
			format: RGB888_LE,
			security: [2, 1],
			tightModes: ["fill", "copy", "palette", "gradient"],
		},
		client: { encodings: ALL },
	},
	{
		label: "3.8 tight jpeg",
		server: { format: RGB888_LE, tightModes: ["jpeg", "fill"] },
		client: { encodings: [Encoding.tight, Encoding.jpegQuality(6), -223] },
	},
	{
		label: "bgr565 hextile",
		server: { format: BGR565_LE },
		client: { pixelFormat: "server", encodings: [Encoding.hextile, -223] },
	},
	{
		label: "rgb332 zrle",
		server: { format: RGB332 },
		client: { pixelFormat: "server", encodings: [Encoding.zrle] },
	},
	{
		label: "xbgr-be zrle",
		server: { format: XBGR_BE_HIGH },
		client: { pixelFormat: "server", encodings: [Encoding.zrle, -223] },
	},
	{
		label: "bgr565 tight",
		server: { format: BGR565_LE, tightModes: ["copy", "palette", "fill"] },
		client: { pixelFormat: BGR565_LE, encodings: [Encoding.tight, Encoding.copyRect] },
	},
	{
		label: "rgb332 raw",
		server: { format: RGB888_LE },
		client: { pixelFormat: RGB332, encodings: [0] },
	},
];

/** Whole sessions: handshake, a full frame, an update, a CopyRect, other messages, a resize. */
export function sessionSeeds(): SessionSeed[] {
	return SESSIONS.map((cfg, i) => {
		const format = cfg.server.format;
		const screen = testScreen(format, 10 + i, 70, 40);
		const s = new MiniRfbServer({
			screen,
			cell: { width: 32, height: 16 },
			name: cfg.label,
			...cfg.server,
		});
		const c = new RfbClient(cfg.client);
		const sent: Uint8Array[] = [];
		pumpRecording(c, s, sent);
		c.requestFrame();
		pumpRecording(c, s, sent);
		sent.push(otherMessages());
		const next = testScreen(format, 20 + i, 70, 40);
		s.setScreen(next, { x: 5, y: 3, w: 40, h: 20 });
		c.requestFrame();
		pumpRecording(c, s, sent);
		s.copyArea({ x: 0, y: 0, w: 20, h: 10 }, 30, 20);
		c.requestFrame();
		pumpRecording(c, s, sent);
		if (cfg.client.encodings?.includes(Encoding.desktopSize)) {
			const bigger = testScreen(format, 30 + i, 90, 50);
			s.setScreen(bigger, { x: 0, y: 0, w: 90, h: 50 });
			c.requestFrame();
			pumpRecording(c, s, sent);
		}
		return { label: cfg.label, bytes: concatBytes(sent), client: cfg.client };
	});
}

export interface RectSeed {
	label: string;
	format: PixelFormat;
	screen: { width: number; height: number };
	rects: { x: number; y: number; width: number; height: number }[];
	/** The rectangles' bodies, back to back (decoders share one stream of them). */
	bytes: Uint8Array;
}

/**
 * Rectangles of one encoding from one connection (so zlib streams run on):
 * each a non-incremental request for an area, answered by one update of one
 * rectangle whose body follows the 16 bytes of update and rectangle header.
 */
export function rectSeeds(
	encoding: number,
	format: PixelFormat,
	screen: Framebuffer,
	areas: { x: number; y: number; w: number; h: number }[],
	tightModes?: TightMode[],
): RectSeed {
	const s = new MiniRfbServer({ format, screen, tightModes });
	const c = new RfbClient({ pixelFormat: "server", encodings: [encoding] });
	pumpRecording(c, s, []);
	const bodies: Uint8Array[] = [];
	for (const a of areas) {
		const request = new Uint8Array(10);
		request[0] = 3;
		putUint(request, 2, a.x, 2, true);
		putUint(request, 4, a.y, 2, true);
		putUint(request, 6, a.w, 2, true);
		putUint(request, 8, a.h, 2, true);
		s.receive(request);
		const update = s.takeOutput();
		if (update?.[0] !== 0 || update[3] !== 1) throw new Error("vnc-seeds: expected one rectangle");
		bodies.push(update.subarray(16));
	}
	return {
		label: `${encoding} ${tightModes?.join("/") ?? ""} ${format.bitsPerPixel}bpp`,
		format,
		screen: { width: screen.width, height: screen.height },
		rects: areas.map((a) => ({ x: a.x, y: a.y, width: a.w, height: a.h })),
		bytes: concatBytes(bodies),
	};
}

export const FORMATS: readonly PixelFormat[] = [
	RGB888_LE,
	BGR565_LE,
	RGB332,
	XBGR_BE_HIGH,
	{ ...RGB888_LE, bigEndian: true },
	{ ...BGR565_LE, bigEndian: true },
	{ ...RGB888_LE, depth: 32 },
];

/** Seeds for one encoding over the formats it is used with. */
export function encodingSeeds(encoding: number): RectSeed[] {
	const seeds: RectSeed[] = [];
	const areas = [
		{ x: 0, y: 0, w: 70, h: 40 },
		{ x: 3, y: 5, w: 33, h: 17 },
		{ x: 69, y: 39, w: 1, h: 1 },
	];
	FORMATS.forEach((format, i) => {
		const screen = testScreen(format, 40 + i, 70, 40);
		const is888 = format.bitsPerPixel === 32 && format.depth === 24 && format.redMax === 255;
		if (encoding === Encoding.tight) {
			const modes: TightMode[][] = [["fill"], ["copy"], ["palette"]];
			if (is888) modes.push(["gradient"], ["jpeg"]);
			for (const m of modes) seeds.push(rectSeeds(encoding, format, screen, areas, m));
		} else {
			seeds.push(rectSeeds(encoding, format, screen, areas));
		}
	});
	return seeds;
}
