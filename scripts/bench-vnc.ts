/**
 * VNC decode speed: a 1280x800 screen (test/vnc's mix of flat, text-like,
 * few-colour and noisy blocks) encoded once per encoding by the test server,
 * then the recorded server bytes replayed into fresh clients.
 * Run: ./node_modules/.bin/node scripts/bench-vnc.ts
 */
import { RGB888_LE } from "../src/vnc/pixel-format.ts";
import { Encoding, RfbClient } from "../src/vnc/rfb.ts";
import { testScreen } from "../test/vnc/helpers.ts";
import { MiniRfbServer } from "../test/vnc/mini-server.ts";

const W = 1280;
const H = 800;
const screen = testScreen(RGB888_LE, 1, W, H);

for (const [name, encoding, tightModes] of [
	["Raw", Encoding.raw, undefined],
	["Hextile", Encoding.hextile, undefined],
	["ZRLE", Encoding.zrle, undefined],
	["Tight (fill/copy/palette)", Encoding.tight, ["fill", "copy", "palette"] as const],
	["Tight (gradient)", Encoding.tight, ["gradient"] as const],
] as const) {
	// Record what the server sends for a connect and one full frame.
	const server = new MiniRfbServer({
		format: RGB888_LE,
		screen,
		cell: { width: 64, height: 48 },
		tightModes: tightModes ? [...tightModes] : undefined,
	});
	const recorder = new RfbClient({ encodings: [encoding] });
	const stream: Uint8Array[] = [];
	const pump = () => {
		for (;;) {
			const c = recorder.takeOutput();
			if (c) server.receive(c);
			const s = server.takeOutput();
			if (!s) return;
			stream.push(s);
			recorder.receive(s);
		}
	};
	pump();
	recorder.requestFrame();
	pump();
	const bytes = stream.reduce((n, s) => n + s.length, 0);

	const runs = 20;
	const start = performance.now();
	for (let i = 0; i < runs; i++) {
		const c = new RfbClient({ encodings: [encoding] });
		for (const s of stream) c.receive(s);
	}
	const ms = (performance.now() - start) / runs;
	const mpx = (W * H) / 1e6 / (ms / 1000);
	console.log(
		`${name.padEnd(26)} ${(bytes / 1024).toFixed(0).padStart(6)} KiB  ${ms.toFixed(1).padStart(7)} ms/frame  ${mpx.toFixed(0).padStart(5)} Mpx/s`,
	);
}
