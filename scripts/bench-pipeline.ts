/**
 * Times the screenshot pipeline, source -> optimiseForVision -> encodePng, in
 * Node at common BMC resolutions, and the peak memory of one 1920x1200 run.
 *
 *   node scripts/bench-pipeline.ts
 *
 * The source stage is pluggable: today it renders a full console screen; a
 * decoder bench passes sources that decode captured video instead.
 */
import { fileURLToPath } from "node:url";
import {
	type ConsoleLine,
	kernelPanicScreen,
	renderConsoleScreen,
	VGA_PALETTE,
} from "../src/providers/demo/console-screen.ts";
import type { Framebuffer } from "../src/image/framebuffer.ts";
import { optimiseForVision } from "../src/image/optimise.ts";
import { encodePng } from "../src/image/png.ts";

/** Produces one frame per call, the first pipeline stage (e.g. a decoder). */
export interface FrameSource {
	label: string;
	/** Name of the source stage in the report, e.g. "decode". */
	stage: string;
	produce: () => Framebuffer;
}

const WARMUP_RUNS = 3;
const TIMED_RUNS = 15;

interface Timings {
	source: number[];
	optimise: number[];
	png: number[];
	total: number[];
}

/** Prints median and best milliseconds per stage for each source. */
export function benchPipeline(sources: readonly FrameSource[]): void {
	console.log(
		"source".padEnd(22),
		"stage".padEnd(8),
		"in".padStart(10),
		"out".padStart(10),
		"png KB".padStart(7),
		"| ms median (best):",
		"source".padStart(12),
		"optimise".padStart(12),
		"png".padStart(12),
		"total".padStart(12),
	);
	for (const source of sources) {
		const t: Timings = { source: [], optimise: [], png: [], total: [] };
		let frame: Framebuffer = source.produce();
		let optimised = frame;
		let png: Uint8Array = new Uint8Array(0);
		for (let run = 0; run < WARMUP_RUNS + TIMED_RUNS; run++) {
			const t0 = performance.now();
			frame = source.produce();
			const t1 = performance.now();
			optimised = optimiseForVision(frame);
			const t2 = performance.now();
			png = encodePng(optimised);
			const t3 = performance.now();
			if (run < WARMUP_RUNS) continue;
			t.source.push(t1 - t0);
			t.optimise.push(t2 - t1);
			t.png.push(t3 - t2);
			t.total.push(t3 - t0);
		}
		console.log(
			source.label.padEnd(22),
			source.stage.padEnd(8),
			`${frame.width}x${frame.height}`.padStart(10),
			`${optimised.width}x${optimised.height}`.padStart(10),
			(png.length / 1024).toFixed(1).padStart(7),
			"|                  ",
			summary(t.source),
			summary(t.optimise),
			summary(t.png),
			summary(t.total),
		);
	}
}

/** Peak resident and ArrayBuffer memory across one run of the pipeline. */
export function measurePeakMemory(source: FrameSource): void {
	const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
	const before = process.memoryUsage();
	let peakArrayBuffers = before.arrayBuffers;
	const sample = () => {
		peakArrayBuffers = Math.max(peakArrayBuffers, process.memoryUsage().arrayBuffers);
	};
	const frame = source.produce();
	sample();
	const optimised = optimiseForVision(frame);
	sample();
	const png = encodePng(optimised);
	sample();
	// maxRSS is the process's lifetime peak in KiB, so run this before anything else.
	const peakRss = process.resourceUsage().maxRSS * 1024;
	console.log(
		`memory, one ${frame.width}x${frame.height} run (${source.label}, png ${(png.length / 1024).toFixed(1)} KB):`,
		`RSS before ${mb(before.rss)}, peak ${mb(peakRss)};`,
		`ArrayBuffers before ${mb(before.arrayBuffers)}, peak sampled between stages ${mb(peakArrayBuffers)}`,
	);
}

function summary(ms: number[]): string {
	const sorted = [...ms].sort((a, b) => a - b);
	const median = sorted[Math.floor(sorted.length / 2)];
	return `${median.toFixed(1)} (${sorted[0].toFixed(1)})`.padStart(12);
}

/**
 * A full screen of boot log as a framebuffer console draws it (8x16 cells):
 * systemd status lines with green OK and red FAILED, then kernel messages,
 * so the picture has the colours and text density of a real console.
 */
export function bootLog(rows: number): ConsoleLine[] {
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

function consoleSource(width: number, height: number): FrameSource {
	const lines = bootLog(Math.floor(height / 16));
	return {
		label: `console text ${width}x${height}`,
		stage: "render",
		produce: () => renderConsoleScreen(lines, { width, height, cellWidth: 8 }),
	};
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	measurePeakMemory(consoleSource(1920, 1200));
	benchPipeline([
		consoleSource(800, 600),
		consoleSource(1024, 768),
		consoleSource(1920, 1080),
		{ label: "kernel panic VGA", stage: "render", produce: kernelPanicScreen },
	]);
}
