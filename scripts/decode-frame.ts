/**
 * Decodes one raw ASPEED-mode stream (as the video engine wrote it) to a PNG.
 *
 *   npm run decode-frame -- <stream.bin> --width W --height H --subsampling 420|444
 *     --selector N [--advance-selector N] [--mapping N] --out out.png [--repeat N]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { encodePng } from "../src/image/png.ts";
import { Ast2x00Decoder } from "../src/kvm/ast2x00/decoder.ts";

const USAGE =
	"usage: npm run decode-frame -- <stream.bin> --width W --height H --subsampling 420|444 " +
	"--selector N [--advance-selector N] [--mapping N] --out out.png [--repeat N]";

function fail(message: string): never {
	console.error(`decode-frame: ${message}\n${USAGE}`);
	process.exit(2);
}

function integer(name: string, value: string | undefined, fallback?: number): number {
	if (value === undefined) {
		if (fallback === undefined) fail(`--${name} is required`);
		return fallback;
	}
	if (!/^\d+$/.test(value)) fail(`--${name} must be a non-negative integer, got "${value}"`);
	return Number(value);
}

let parsed: ReturnType<typeof parse>;
function parse() {
	return parseArgs({
		allowPositionals: true,
		options: {
			width: { type: "string" },
			height: { type: "string" },
			subsampling: { type: "string" },
			selector: { type: "string" },
			"advance-selector": { type: "string" },
			mapping: { type: "string" },
			out: { type: "string" },
			repeat: { type: "string" },
		},
	});
}
try {
	parsed = parse();
} catch (e) {
	fail((e as Error).message);
}
const { values, positionals } = parsed;
if (positionals.length !== 1) fail("exactly one input stream file is required");
if (values.subsampling !== "420" && values.subsampling !== "444") {
	fail("--subsampling must be 420 or 444");
}
if (values.out === undefined) fail("--out is required");
const header = {
	width: integer("width", values.width),
	height: integer("height", values.height),
	mode420: values.subsampling === "420",
	selector: integer("selector", values.selector),
	advanceSelector: integer("advance-selector", values["advance-selector"], 0),
	mapping: integer("mapping", values.mapping, 0),
};
const repeat = integer("repeat", values.repeat, 1);
if (repeat < 1) fail("--repeat must be at least 1");

let stream: Uint8Array;
try {
	stream = new Uint8Array(readFileSync(positionals[0]));
} catch (e) {
	fail(`cannot read ${positionals[0]}: ${(e as Error).message}`);
}

const decoder = new Ast2x00Decoder();
let fb: ReturnType<Ast2x00Decoder["decode"]>;
let ms: number;
try {
	fb = decoder.decode(header, stream);
	const start = performance.now();
	for (let i = 0; i < repeat; i++) fb = decoder.decode(header, stream);
	ms = (performance.now() - start) / repeat;
} catch (e) {
	console.error(`decode-frame: ${(e as Error).name}: ${(e as Error).message}`);
	process.exit(1);
}
writeFileSync(values.out, encodePng(fb));
const mpx = (fb.width * fb.height) / 1e6 / (ms / 1000);
console.log(`wrote ${values.out}`);
console.log(
	`decoded ${fb.width}x${fb.height} in ${ms.toFixed(3)} ms/frame (${mpx.toFixed(1)} Mpx/s)`,
);
