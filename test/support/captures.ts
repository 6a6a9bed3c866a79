/**
 * The real AST2500 captures in ../shared/vectors/ast2x00 and the frame
 * header fields they were taken with (that folder's README). Pure data, so
 * tests in workerd and scripts in Node share it.
 */
import type { Ast2x00FrameHeader } from "../../src/kvm/ast2x00/decoder.ts";

const AS_CAPTURED = { mode420: false, selector: 0, advanceSelector: 0, mapping: 0 } as const;

export const CAPTURE_HEADERS: Readonly<Record<string, Ast2x00FrameHeader>> = {
	ubuntu_444_800x600_0chrom_0lum: { width: 800, height: 600, ...AS_CAPTURED },
	aspeedblackscreen: { width: 1024, height: 768, ...AS_CAPTURED },
	aspeedbluescreen: { width: 1024, height: 768, ...AS_CAPTURED },
};
