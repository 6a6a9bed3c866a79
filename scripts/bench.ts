/**
 * Benchmark, not a test: AST2x00 decode speed, the screenshot pipeline
 * (decode -> optimiseForVision -> encodePng) stage by stage, the peak
 * memory of one 1920x1200 screenshot, and the peak memory of the worst
 * capture the memory budget accepts (a 2560x1600 screen of noise over VNC,
 * Raw and ZRLE, through optimise and both PNGs), each beside its target.
 *
 *   npm run bench
 *   npm run bench -- --text   (only the screen text figures: scripts/bench-text.ts)
 *
 * Times are milliseconds, median and best of TIMED_RUNS after WARMUP_RUNS.
 * The machine may be shared: the load average is printed before and after.
 */
import { spawnSync } from "node:child_process";
import {
	closeSync,
	existsSync,
	mkdtempSync,
	openSync,
	readFileSync,
	readSync,
	rmSync,
	writeFileSync,
} from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { deflateSync, constants as zlibConstants } from "node:zlib";
import {
	CAPTURE_BUDGET_BYTES,
	DEFAULT_MAX_HEIGHT,
	DEFAULT_MAX_WIDTH,
} from "../src/image/budget.ts";
import type { Framebuffer } from "../src/image/framebuffer.ts";
import { optimiseForVision } from "../src/image/optimise.ts";
import { encodePng } from "../src/image/png.ts";
import {
	Ast2x00Decoder,
	type Ast2x00FrameHeader,
	encodeAst2x00,
} from "../src/kvm/ast2x00/index.ts";
import {
	type ConsoleLine,
	KERNEL_PANIC_LINES,
	renderConsoleScreen,
	VGA_PALETTE,
} from "../src/providers/demo/console-screen.ts";
import { encodePixelFormat, RGB888_LE } from "../src/vnc/pixel-format.ts";
import { Encoding, RfbClient } from "../src/vnc/rfb.ts";
import { CAPTURE_HEADERS } from "../test/support/captures.ts";
import { benchDecode } from "./bench-decode.ts";
import { printTextBench } from "./bench-text.ts";

const WARMUP_RUNS = 5;
const TIMED_RUNS = 21;
const VECTORS = resolve(import.meta.dirname, "../../shared/vectors/ast2x00");

const TARGET_DECODE_MPX_S = 100;
const TARGET_DECODE_1024_420_MS = 8;
const TARGET_PIPELINE_1024_MS = 60;
const WORKER_MEMORY_MB = 128;
const FAR_BELOW_WORKER_MEMORY = (WORKER_MEMORY_MB / 2) * 2 ** 20;

/** A compressed frame as the BMC sends it, and the header it comes with. */
interface Capture {
	label: string;
	header: Ast2x00FrameHeader;
	stream: Uint8Array;
}

/**
 * A full screen of boot log as a framebuffer console draws it (8x16 cells):
 * systemd status lines with green OK and red FAILED, then kernel messages,
 * so the picture has the colours and text density of a real console.
 */
function bootLog(rows: number): ConsoleLine[] {
	const units = [
		"Journal Service",
		"Network Manager",
		"OpenSSH server daemon",
		"Load Kernel Modules",
	];
	const lines: ConsoleLine[] = [];
	for (let i = 0; lines.length < rows; i++) {
		const unit = units[i % units.length];
		if (i % 3 === 2) {
			lines.push(
				`[ ${(2.5 + i * 0.0137).toFixed(6).padStart(11)}] ata${(i % 4) + 1}: SATA link up 6.0 Gbps (SStatus 133 SControl 300)`,
			);
		} else if (i % 17 === 16) {
			lines.push([
				{ text: "[" },
				{ text: "FAILED", fg: VGA_PALETTE[12] },
				{ text: `] Failed to start ${unit}.` },
			]);
		} else {
			lines.push([
				{ text: "[  " },
				{ text: "OK", fg: VGA_PALETTE[10] },
				{ text: `  ] Started ${unit}.` },
			]);
		}
	}
	return lines;
}

/** What the BMC's video engine would send for `screen`: JPEG blocks (4:4:4 adds exact VQ for few-colour blocks). */
function encoded(label: string, screen: Framebuffer, mode420: boolean): Capture {
	const selector = 4;
	const header = {
		width: screen.width,
		height: screen.height,
		mode420,
		selector,
		advanceSelector: 0,
		mapping: 0,
	};
	return { label, header, stream: encodeAst2x00(screen, { mode420, selector }) };
}

function bootConsole(width: number, height: number, mode420: boolean): Capture {
	const screen = renderConsoleScreen(bootLog(Math.floor(height / 16)), {
		width,
		height,
		cellWidth: 8,
	});
	return encoded(`boot console ${mode420 ? "4:2:0" : "4:4:4"}`, screen, mode420);
}

function pipelineCaptures(): Capture[] {
	const captures: Capture[] = [];
	const ubuntu = join(VECTORS, "ubuntu_444_800x600_0chrom_0lum.bin");
	if (existsSync(ubuntu)) {
		captures.push({
			label: "real capture: ubuntu desktop 4:4:4",
			header: CAPTURE_HEADERS.ubuntu_444_800x600_0chrom_0lum,
			stream: new Uint8Array(readFileSync(ubuntu)),
		});
	}
	const blue = join(VECTORS, "aspeedbluescreen.bin");
	if (existsSync(blue)) {
		captures.push({
			label: "real capture: blue screen 4:4:4",
			header: CAPTURE_HEADERS.aspeedbluescreen,
			stream: new Uint8Array(readFileSync(blue)),
		});
	}
	captures.push(
		encoded("VGA text kernel panic 4:2:0", renderConsoleScreen(KERNEL_PANIC_LINES), true),
		bootConsole(800, 600, true),
		bootConsole(1024, 768, true),
		bootConsole(1024, 768, false),
		bootConsole(1920, 1080, true),
	);
	return captures;
}

interface StageTimes {
	decode: number[];
	optimise: number[];
	png: number[];
	total: number[];
}

interface PipelineRow {
	capture: Capture;
	out: Framebuffer;
	pngBytes: number;
	times: StageTimes;
}

function runPipeline(capture: Capture): PipelineRow {
	const decoder = new Ast2x00Decoder();
	const times: StageTimes = { decode: [], optimise: [], png: [], total: [] };
	let out: Framebuffer | undefined;
	let png: Uint8Array = new Uint8Array(0);
	for (let run = 0; run < WARMUP_RUNS + TIMED_RUNS; run++) {
		const t0 = performance.now();
		const frame = decoder.decode(capture.header, capture.stream);
		const t1 = performance.now();
		out = optimiseForVision(frame);
		const t2 = performance.now();
		png = encodePng(out);
		const t3 = performance.now();
		if (run < WARMUP_RUNS) continue;
		times.decode.push(t1 - t0);
		times.optimise.push(t2 - t1);
		times.png.push(t3 - t2);
		times.total.push(t3 - t0);
	}
	return { capture, out: out as Framebuffer, pngBytes: png.length, times };
}

function median(ms: readonly number[]): number {
	return [...ms].sort((a, b) => a - b)[ms.length >> 1];
}

function best(ms: readonly number[]): number {
	return Math.min(...ms);
}

function medianBest(ms: readonly number[]): string {
	return `${median(ms).toFixed(1)} (${best(ms).toFixed(1)})`.padStart(13);
}

function mark(ok: boolean): string {
	return ok ? "ok" : "MISSED";
}

function load(): string {
	return loadavg()
		.map((l) => l.toFixed(2))
		.join(" / ");
}

async function printDecode(): Promise<void> {
	console.log(`\n## AST2x00 decode (scripts/bench-decode.ts; 10 warm-up, 50 timed runs)`);
	console.log(
		`target: >= ${TARGET_DECODE_MPX_S} Mpx/s at the median; a 1024x768 4:2:0 frame < ${TARGET_DECODE_1024_420_MS} ms`,
	);
	console.log(
		"frame".padEnd(50),
		"bytes".padStart(7),
		"median ms".padStart(10),
		"best ms".padStart(8),
		"Mpx/s".padStart(7),
		" target",
	);
	for (const r of await benchDecode()) {
		const mpxPerS = (r.width * r.height) / 1e3 / r.medianMs;
		const is1024x420 = r.width === 1024 && r.height === 768 && r.name.includes("4:2:0");
		const ok =
			mpxPerS >= TARGET_DECODE_MPX_S && (!is1024x420 || r.medianMs < TARGET_DECODE_1024_420_MS);
		console.log(
			r.name.padEnd(50),
			String(r.bytes).padStart(7),
			r.medianMs.toFixed(2).padStart(10),
			r.minMs.toFixed(2).padStart(8),
			mpxPerS.toFixed(0).padStart(7),
			` ${mark(ok)}`,
		);
	}
}

function printPipeline(): void {
	console.log(
		`\n## Pipeline: decode -> optimiseForVision -> encodePng (${WARMUP_RUNS} warm-up, ${TIMED_RUNS} timed runs; ms median (best))`,
	);
	console.log(`target: 1024x768 total < ${TARGET_PIPELINE_1024_MS} ms`);
	console.log(
		"frame".padEnd(36),
		"in".padStart(9),
		"out".padStart(9),
		"png".padStart(9),
		"decode".padStart(13),
		"optimise".padStart(13),
		"png".padStart(13),
		"total".padStart(13),
		" target",
	);
	for (const capture of pipelineCaptures()) {
		const { out, pngBytes, times } = runPipeline(capture);
		const { width, height } = capture.header;
		const target =
			width === 1024 && height === 768
				? ` ${mark(median(times.total) < TARGET_PIPELINE_1024_MS)}`
				: "";
		console.log(
			capture.label.padEnd(36),
			`${width}x${height}`.padStart(9),
			`${out.width}x${out.height}`.padStart(9),
			`${(pngBytes / 1024).toFixed(1)} KB`.padStart(9),
			medianBest(times.decode),
			medianBest(times.optimise),
			medianBest(times.png),
			medianBest(times.total),
			target,
		);
	}
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

/** In a bench child: the collector, which Node gives only with --expose-gc. */
function exposeGc(): () => void {
	setFlagsFromString("--expose-gc");
	return runInNewContext("gc") as () => void;
}

/** In a bench child, before the measured work: memory now and the process's RSS peak so far. */
function memoryAtStart() {
	return { ...process.memoryUsage(), maxRss: process.resourceUsage().maxRSS * 1024 };
}

/** A bench child's answer (its last line): memory at the start, the RSS peak now, and its own figures. */
function reportMemory(
	before: ReturnType<typeof memoryAtStart>,
	figures: Record<string, number | string>,
): void {
	console.log(
		JSON.stringify({
			rssBefore: before.rss,
			maxRssBefore: before.maxRss,
			maxRss: process.resourceUsage().maxRSS * 1024,
			arrayBuffersBefore: before.arrayBuffers,
			...figures,
		}),
	);
}

/**
 * Runs in a fresh child process, so the process-lifetime peak RSS (maxRSS)
 * covers only Node, the pipeline's modules and this one screenshot: no
 * other bench, and not the encoding that made the stream (read from a file).
 */
function memoryChild(streamFile: string, width: number, height: number): void {
	const gc = exposeGc();
	const header = { width, height, mode420: true, selector: 4, advanceSelector: 0, mapping: 0 };
	const stream = new Uint8Array(readFileSync(streamFile));
	gc();
	const before = memoryAtStart();
	// Without a collection in between, arrayBuffers after a stage still counts
	// the stage's dead scratch buffers, so the peak sample bounds it from above.
	let peakArrayBuffers = before.arrayBuffers;
	const sample = () => {
		peakArrayBuffers = Math.max(peakArrayBuffers, process.memoryUsage().arrayBuffers);
	};
	const frame = new Ast2x00Decoder().decode(header, stream);
	sample();
	const optimised = optimiseForVision(frame);
	sample();
	const png = encodePng(optimised);
	sample();
	reportMemory(before, {
		peakArrayBuffers,
		pngBytes: png.length,
		out: `${optimised.width}x${optimised.height}`,
	});
}

/** In a fresh child: what importing photon costs in Node (it compiles its wasm at import). */
async function photonImportChild(): Promise<void> {
	const before = process.memoryUsage().rss;
	const t = performance.now();
	await import("@cf-wasm/photon");
	const ms = performance.now() - t;
	console.log(
		JSON.stringify({
			ms,
			rssDelta: process.memoryUsage().rss - before,
			maxRss: process.resourceUsage().maxRSS * 1024,
		}),
	);
}

function child(args: string[]): Record<string, number | string> {
	const script = fileURLToPath(import.meta.url);
	const result = spawnSync(process.execPath, [script, ...args], { encoding: "utf8" });
	if (result.status !== 0) throw new Error(`bench child ${args[0]} failed: ${result.stderr}`);
	return JSON.parse(result.stdout.trim().split("\n").at(-1) as string);
}

/** A memory child (`mode`) on `stream`, handed over as a temporary file, then `args`. */
function memoryChildOn(
	mode: string,
	stream: Uint8Array,
	args: string[] = [],
): Record<string, number> {
	const dir = mkdtempSync(join(tmpdir(), "ikvm-bench-"));
	try {
		const file = join(dir, "stream.bin");
		writeFileSync(file, stream);
		return child([mode, file, ...args]) as Record<string, number>;
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

function printMemory(): void {
	const [width, height] = [1920, 1200];
	const capture = bootConsole(width, height, true);
	const m = memoryChildOn("--memory", capture.stream, [String(width), String(height)]);
	const rssAdded = Math.max(0, m.maxRss - m.rssBefore);
	const buffersAdded = m.peakArrayBuffers - m.arrayBuffersBefore;
	const added = Math.max(rssAdded, buffersAdded);
	console.log(
		`\n## Peak memory, one ${width}x${height} screenshot (${capture.label}, fresh Node process)`,
	);
	console.log(`target: far below (under half) the ${WORKER_MEMORY_MB} MB a Worker isolate may use`);
	console.log(
		`RSS: ${mb(m.rssBefore)} after imports (lifetime peak so far ${mb(m.maxRssBefore)}), lifetime peak after the run ${mb(m.maxRss)}:`,
		`the run added at most ${mb(rssAdded)} resident`,
	);
	console.log(
		`ArrayBuffers: ${mb(m.arrayBuffersBefore)} before, ${mb(m.peakArrayBuffers)} at the highest sample between stages,`,
		`+${mb(buffersAdded)} (framebuffer, levelled copy, PNG rows, deflate state; dead ones not yet collected)`,
	);
	console.log(
		`the screenshot's own memory: at most ${mb(added)} -> ${mark(added < FAR_BELOW_WORKER_MEMORY)}; png ${(m.pngBytes / 1024).toFixed(1)} KB`,
	);
	const p = child(["--photon-import"]) as Record<string, number>;
	console.log(
		`not in the pipeline, for comparison: importing @cf-wasm/photon in Node takes ${p.ms.toFixed(0)} ms and`,
		`+${mb(p.rssDelta)} RSS (process peak ${mb(p.maxRss)}), as Node compiles its 1.5 MB wasm at import;`,
		`Workers get it precompiled, and the screenshot path no longer loads it`,
	);
}

/** Bytes per WebSocket message when the VNC stream is replayed, about what websockify sends. */
const VNC_MESSAGE_BYTES = 64 * 1024;

/**
 * What a VNC server sends for one capture of a width x height screen of
 * noise (the worst case: every pixel its own colour, nothing compresses):
 * the RFB 3.8 handshake announcing RGB888_LE, then one update of one
 * rectangle, Raw or ZRLE (raw tiles, one sync-flushed zlib piece).
 */
function vncStream(encoding: number, width: number, height: number): Uint8Array {
	let seed = 0x9e3779b9;
	const noise = (n: number) => {
		const b = new Uint8Array(n);
		for (let i = 0; i < n; i++) {
			seed ^= seed << 13;
			seed ^= seed >>> 17;
			seed ^= seed << 5;
			b[i] = seed;
		}
		return b;
	};
	const init = new Uint8Array(24);
	new DataView(init.buffer).setUint32(0, (width << 16) | height);
	init.set(encodePixelFormat(RGB888_LE), 4);
	const handshake = Uint8Array.of(
		...new TextEncoder().encode("RFB 003.008\n"),
		1,
		1,
		0,
		0,
		0,
		0,
		...init,
	);
	let data: Uint8Array;
	if (encoding === Encoding.raw) {
		data = noise(width * height * 4);
	} else {
		// Raw tiles of 3-byte CPIXELs, left to right, top to bottom.
		const tiles: Uint8Array[] = [];
		for (let y = 0; y < height; y += 64) {
			for (let x = 0; x < width; x += 64) {
				const tile = noise(1 + Math.min(64, width - x) * Math.min(64, height - y) * 3);
				tile[0] = 0;
				tiles.push(tile);
			}
		}
		const zlib = deflateSync(Buffer.concat(tiles), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
		data = new Uint8Array(4 + zlib.length);
		new DataView(data.buffer).setUint32(0, zlib.length);
		data.set(zlib, 4);
	}
	const update = new Uint8Array(16);
	const v = new DataView(update.buffer);
	v.setUint16(2, 1);
	v.setUint16(8, width);
	v.setUint16(10, height);
	v.setInt32(12, encoding);
	return Buffer.concat([handshake, update, data]);
}

/**
 * In a fresh child: one VNC capture as the Worker makes it. The stream is
 * read from a file a WebSocket message at a time into one reused buffer, so
 * only what the client itself holds counts. Then the caller's copy, the
 * optimised image and PNG, and the raw PNG, all kept to the end (a capture
 * keeps its framebuffer and both renders; the client keeps its own screen).
 */
function vncMemoryChild(streamFile: string): void {
	const gc = exposeGc();
	const message = new Uint8Array(VNC_MESSAGE_BYTES);
	const fd = openSync(streamFile, "r");
	const client = new RfbClient();
	gc();
	gc();
	const before = memoryAtStart();
	// Live: collected before each sample, so what the capture still holds between stages.
	// Twice: V8 frees ArrayBuffer memory after the collection that found it dead.
	let peakLive = before.arrayBuffers;
	let elapsed = 0;
	let since = performance.now();
	const sample = () => {
		elapsed += performance.now() - since;
		gc();
		gc();
		peakLive = Math.max(peakLive, process.memoryUsage().arrayBuffers);
		since = performance.now();
	};
	let frames = 0;
	for (let n = readSync(fd, message); n > 0; n = readSync(fd, message)) {
		client.receive(message.subarray(0, n));
		for (const e of client.takeEvents()) {
			if (e.type === "ready") client.requestFrame();
			if (e.type === "frame") frames++;
		}
		client.takeOutput();
	}
	closeSync(fd);
	if (frames !== 1) throw new Error(`expected one frame, got ${frames}`);
	sample();
	const { width, height, rgba } = client.framebuffer;
	const copy = { width, height, rgba: rgba.slice() };
	sample();
	// As Capture renders: the optimised image lives only while its PNG is made.
	const optimisedPng = encodePng(optimiseForVision(copy));
	sample();
	const rawPng = encodePng(copy);
	sample();
	reportMemory(before, {
		peakLive,
		heldAtEnd: rgba.length + copy.rgba.length + optimisedPng.length + rawPng.length,
		rawPngBytes: rawPng.length,
		ms: elapsed,
	});
}

function printVncMemory(): void {
	const [width, height] = [DEFAULT_MAX_WIDTH, DEFAULT_MAX_HEIGHT];
	console.log(
		`\n## Peak memory, worst accepted capture: ${width}x${height} of noise over VNC, through optimise and both PNGs (fresh Node process each)`,
	);
	console.log(
		`targets: live ArrayBuffers within the memory budget per capture, ${mb(CAPTURE_BUDGET_BYTES)} (src/image/budget.ts); process RSS within the ${WORKER_MEMORY_MB} MB of a Worker isolate`,
	);
	for (const [name, encoding] of [
		["Raw", Encoding.raw],
		["ZRLE", Encoding.zrle],
	] as const) {
		const stream = vncStream(encoding, width, height);
		const m = memoryChildOn("--memory-vnc", stream);
		const rssAdded = Math.max(0, m.maxRss - m.rssBefore);
		const live = m.peakLive - m.arrayBuffersBefore;
		console.log(
			`${name.padEnd(4)} (${mb(stream.length)} sent in ${VNC_MESSAGE_BYTES / 1024} KiB messages, ${m.ms.toFixed(0)} ms):`,
			`live ArrayBuffers peak +${mb(live)} -> ${mark(live <= CAPTURE_BUDGET_BYTES)};`,
			`held at the end ${mb(m.heldAtEnd)} (two framebuffers, raw PNG ${mb(m.rawPngBytes)}, optimised PNG);`,
			`process RSS peak +${mb(rssAdded)} (${mb(m.rssBefore)} -> ${mb(m.maxRss)}; also counts garbage not yet collected and zlib's own state)`,
			// The budget governs what is alive; RSS also holds garbage, so it answers to the isolate's kill line.
			`-> ${mark(rssAdded <= WORKER_MEMORY_MB * 2 ** 20)} against the ${WORKER_MEMORY_MB} MB isolate`,
		);
	}
}

/** `textOnly` (npm run bench -- --text): only the screen text figures. */
async function main(textOnly: boolean): Promise<void> {
	console.log(
		`# npm run bench${textOnly ? " -- --text" : ""}: Node ${process.version}, ${availableParallelism()} CPUs, load average (1/5/15 min) ${load()}`,
	);
	if (!textOnly) {
		printMemory();
		printVncMemory();
		await printDecode();
		printPipeline();
	}
	printTextBench();
	console.log(`\nload average after: ${load()}`);
}

const [mode, ...args] = process.argv.slice(2);
if (mode === "--memory") memoryChild(args[0], Number(args[1]), Number(args[2]));
else if (mode === "--memory-vnc") vncMemoryChild(args[0]);
else if (mode === "--photon-import") await photonImportChild();
else await main(mode === "--text");
