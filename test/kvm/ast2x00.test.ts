import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LimitError, ProtocolError } from "../../src/errors.ts";
import { Ast2x00Decoder, type Ast2x00FrameHeader } from "../../src/kvm/ast2x00/decoder.ts";
import { encodeAst2x00 } from "../../src/kvm/ast2x00/encoder.ts";
import { CAPTURE_HEADERS } from "../support/captures.ts";
import { decodePng } from "../support/png.ts";
import { VECTORS_MISSING, vector, vectorsPresent } from "../support/vectors.ts";

function expectedPixels(name: string): Uint8Array {
	return decodePng(vector(`ast2x00/${name}.expected.png`)).rgba;
}

/** Count of differing pixels and a description of the first, or "" when identical. */
function compare(got: Uint8Array, want: Uint8Array, width: number): string {
	let differing = 0;
	let first = "";
	for (let p = 0; p < want.length; p += 4) {
		if (
			got[p] !== want[p] ||
			got[p + 1] !== want[p + 1] ||
			got[p + 2] !== want[p + 2] ||
			got[p + 3] !== want[p + 3]
		) {
			if (differing++ === 0) {
				const i = p / 4;
				first = ` first at (${i % width},${Math.floor(i / width)}): got ${got.slice(p, p + 4).join(",")} want ${want.slice(p, p + 4).join(",")}`;
			}
		}
	}
	return differing === 0 ? "" : `${differing} pixels differ;${first}`;
}

describe(`Ast2x00Decoder on real AST2500 captures${vectorsPresent ? "" : ` (${VECTORS_MISSING})`}`, () => {
	for (const [name, header] of Object.entries(CAPTURE_HEADERS)) {
		it.skipIf(!vectorsPresent)(`${name} matches the vendor viewer pixel for pixel`, () => {
			const fb = new Ast2x00Decoder().decode(header, vector(`ast2x00/${name}.bin`));
			expect(fb.width).toBe(header.width);
			expect(fb.height).toBe(header.height);
			const want = expectedPixels(name);
			expect(fb.rgba.length).toBe(want.length);
			expect(compare(fb.rgba, want, header.width)).toBe("");
		});
	}

	it.skipIf(!vectorsPresent)(
		"draws the blue screen's dark first block row, which the stream itself encodes",
		() => {
			const fb = new Ast2x00Decoder().decode(
				CAPTURE_HEADERS.aspeedbluescreen,
				vector("ast2x00/aspeedbluescreen.bin"),
			);
			const at = (x: number, y: number) => [
				...fb.rgba.slice((y * 1024 + x) * 4, (y * 1024 + x) * 4 + 3),
			];
			expect(at(0, 0)).toEqual([0, 3, 4]);
			expect(at(1023, 0)).toEqual([0, 3, 4]);
			expect(at(0, 8)).toEqual([113, 229, 250]);
			expect(at(1023, 767)).toEqual([113, 229, 250]);
		},
	);

	it.skipIf(!vectorsPresent)("decodes the same frame twice identically with one instance", () => {
		const d = new Ast2x00Decoder();
		const bin = vector("ast2x00/ubuntu_444_800x600_0chrom_0lum.bin");
		const first = d.decode(CAPTURE_HEADERS.ubuntu_444_800x600_0chrom_0lum, bin).rgba.slice();
		const again = d.decode(CAPTURE_HEADERS.ubuntu_444_800x600_0chrom_0lum, bin).rgba;
		expect(compare(again, first, 800)).toBe("");
	});

	it.skipIf(!vectorsPresent)("reports a capture cut short as truncated", () => {
		const bin = vector("ast2x00/ubuntu_444_800x600_0chrom_0lum.bin");
		for (const cut of [4, 1000, bin.length - 16]) {
			expect(() =>
				new Ast2x00Decoder().decode(
					CAPTURE_HEADERS.ubuntu_444_800x600_0chrom_0lum,
					bin.subarray(0, cut),
				),
			).toThrow(/truncated/);
		}
	});
});

/** Packs MSB-first bit strings into the engine's little-endian words. */
function stream(bits: string): Uint8Array {
	const padded = bits.padEnd(Math.ceil(bits.length / 32) * 32, "0");
	const out = new Uint8Array(padded.length / 8);
	const view = new DataView(out.buffer);
	for (let i = 0; i < padded.length; i += 32) {
		view.setUint32(i / 8, Number.parseInt(padded.slice(i, i + 32), 2), true);
	}
	return out;
}

const SMALL: Ast2x00FrameHeader = {
	width: 16,
	height: 8,
	mode420: false,
	selector: 0,
	advanceSelector: 0,
	mapping: 0,
};

describe("Ast2x00Decoder on malformed input", () => {
	it("rejects unknown block codes", () => {
		expect(() => new Ast2x00Decoder().decode(SMALL, stream("0001"))).toThrow(
			/unknown block code 1/,
		);
		expect(() => new Ast2x00Decoder().decode(SMALL, stream("1011"))).toThrow(
			/unknown block code 11/,
		);
	});

	it("rejects an invalid Huffman code", () => {
		// JPEG block, then a DC code of sixteen 1 bits: not in the luminance DC table.
		expect(() => new Ast2x00Decoder().decode(SMALL, stream(`0000${"1".repeat(28)}`))).toThrow(
			/invalid Huffman code/,
		);
	});

	it("rejects a stream without a frame-end code", () => {
		expect(() => new Ast2x00Decoder().decode(SMALL, new Uint8Array(0))).toThrow(/truncated/);
		// Two 1-colour VQ blocks fill the 2x1 grid; a third block has no room.
		const vq = "0101" + "000";
		expect(() => new Ast2x00Decoder().decode(SMALL, stream(`${vq + vq + vq}1001`))).toThrow(
			/more than 2 blocks/,
		);
	});

	it("rejects positions outside the block grid", () => {
		const at = (x: number, y: number) =>
			`1101${x.toString(2).padStart(8, "0")}${y.toString(2).padStart(8, "0")}000`;
		expect(() => new Ast2x00Decoder().decode(SMALL, stream(`${at(2, 0)}1001`))).toThrow(
			/outside the 2x1 grid/,
		);
	});

	it("rejects bad header values and sizes over the limit", () => {
		const d = new Ast2x00Decoder({ maxWidth: 64, maxHeight: 64 });
		const end = stream("1001");
		expect(() => d.decode({ ...SMALL, width: 0 }, end)).toThrow(ProtocolError);
		expect(() => d.decode({ ...SMALL, width: 1.5 }, end)).toThrow(/bad width/);
		expect(() => d.decode({ ...SMALL, selector: 12 }, end)).toThrow(/JPEGTableSelector/);
		expect(() => d.decode({ ...SMALL, selector: 8, mapping: 1 }, end)).toThrow(/JPEGTableSelector/);
		expect(() => d.decode({ ...SMALL, advanceSelector: 8 }, end)).toThrow(/AdvanceTableSelector/);
		expect(() => d.decode({ ...SMALL, mapping: 2 }, end)).toThrow(/Mapping/);
		expect(() => d.decode({ ...SMALL, width: 65 }, end)).toThrow(LimitError);
	});

	it("fails on arbitrary bytes with a ProtocolError or decodes them, never anything else", () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 600 }), fc.boolean(), (bytes, mode420) => {
				const d = new Ast2x00Decoder();
				try {
					d.decode({ ...SMALL, width: 40, height: 24, mode420 }, bytes);
				} catch (e) {
					if (!(e instanceof ProtocolError)) throw e;
				}
			}),
			{ numRuns: 2000 },
		);
	});

	it("fails on corrupted valid streams with a ProtocolError or decodes them, never anything else", () => {
		const width = 48;
		const height = 32;
		const rgba = new Uint8Array(width * height * 4).map((_, i) => (i * 37) ^ (i >> 5));
		for (const mode420 of [false, true]) {
			const valid = encodeAst2x00({ width, height, rgba }, { mode420, selector: 4 });
			const header = { ...SMALL, width, height, mode420, selector: 4 };
			fc.assert(
				fc.property(
					fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 1, max: 255 })), {
						minLength: 1,
						maxLength: 4,
					}),
					(flips) => {
						const bytes = valid.slice();
						for (const [at, xor] of flips) bytes[at] ^= xor;
						try {
							new Ast2x00Decoder().decode(header, bytes);
						} catch (e) {
							if (!(e instanceof ProtocolError)) throw e;
						}
					},
				),
				{ numRuns: 1000 },
			);
		}
	});

	it("decodes VQ blocks from the initial colour cache and from updated colours", () => {
		// Block 0: one colour, slot 1 unchanged (initial Y=255, Cb=Cr=128: white).
		// Block 1: one colour, slot 2 loaded with Y=16, Cb=Cr=128 (black).
		const fb = new Ast2x00Decoder().decode(
			SMALL,
			stream(`01010010101110${"000100001000000010000000"}1001`),
		);
		expect([...fb.rgba.slice(0, 4)]).toEqual([255, 255, 255, 255]);
		expect([...fb.rgba.slice(8 * 4, 8 * 4 + 4)]).toEqual([0, 0, 0, 255]);
	});
});
