/**
 * Decode speed of the AST2x00 decoder: the real captures (when
 * ../shared/vectors is present) and encoder-made 4:2:0 console frames.
 *   node scripts/bench-decode.ts
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Framebuffer } from "../src/image/framebuffer.ts";
import {
	Ast2x00Decoder,
	type Ast2x00FrameHeader,
	encodeAst2x00,
} from "../src/kvm/ast2x00/index.ts";
import { CAPTURE_HEADERS } from "../test/support/captures.ts";

export interface DecodeBenchRow {
	name: string;
	width: number;
	height: number;
	bytes: number;
	meanMs: number;
	medianMs: number;
	minMs: number;
	mpxPerS: number;
}

const VECTORS = resolve(import.meta.dirname, "../../shared/vectors/ast2x00");

/** A console screen: dark background, rows of two-colour "text", a gradient status bar. */
function syntheticConsole(width: number, height: number): Framebuffer {
	const rgba = new Uint8Array(width * height * 4);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const i = (y * width + x) * 4;
			const row = y >> 4;
			const col = x >> 3;
			const text = row % 3 !== 2 && col < 60 + ((row * 37) % 50) && ((x * 5 + y * 3 + row) & 7) < 2;
			if (y > height - 32) rgba.set([(x * 255) / width, 64, 128, 255], i);
			else rgba.set(text ? [200, 200, 200, 255] : [0, 0, 40, 255], i);
		}
	}
	return { width, height, rgba };
}

function time(
	header: Ast2x00FrameHeader,
	stream: Uint8Array,
	runs: number,
): { meanMs: number; medianMs: number; minMs: number } {
	const decoder = new Ast2x00Decoder();
	for (let i = 0; i < 10; i++) decoder.decode(header, stream);
	const times: number[] = [];
	for (let i = 0; i < runs; i++) {
		const t = performance.now();
		decoder.decode(header, stream);
		times.push(performance.now() - t);
	}
	times.sort((a, b) => a - b);
	const meanMs = times.reduce((sum, ms) => sum + ms, 0) / runs;
	return { meanMs, medianMs: times[runs >> 1], minMs: times[0] };
}

export async function benchDecode(runs = 50): Promise<DecodeBenchRow[]> {
	const cases: { name: string; header: Ast2x00FrameHeader; stream: Uint8Array }[] = [];
	for (const [name, header] of Object.entries(CAPTURE_HEADERS)) {
		const file = join(VECTORS, `${name}.bin`);
		if (!existsSync(file)) continue;
		cases.push({ name: `${name} (4:4:4)`, header, stream: new Uint8Array(readFileSync(file)) });
	}
	for (const [width, height] of [
		[1024, 768],
		[1920, 1080],
	]) {
		const image = syntheticConsole(width, height);
		const header = { width, height, mode420: true, selector: 4, advanceSelector: 0, mapping: 0 };
		const stream = encodeAst2x00(image, { mode420: true, selector: 4 });
		cases.push({ name: `synthetic console ${width}x${height} (4:2:0)`, header, stream });
	}
	return cases.map(({ name, header, stream }) => {
		const { meanMs, medianMs, minMs } = time(header, stream, runs);
		const mpxPerS = (header.width * header.height) / 1e6 / (meanMs / 1000);
		return {
			name,
			width: header.width,
			height: header.height,
			bytes: stream.length,
			meanMs,
			medianMs,
			minMs,
			mpxPerS,
		};
	});
}

if (import.meta.main) {
	for (const r of await benchDecode()) {
		console.log(
			`${r.name.padEnd(48)} ${String(r.bytes).padStart(7)} B  mean ${r.meanMs.toFixed(2)} ms  min ${r.minMs.toFixed(2)} ms  ${r.mpxPerS.toFixed(1)} Mpx/s`,
		);
	}
}
