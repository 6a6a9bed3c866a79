import type { FuzzTarget } from "../engine.ts";
import { ast2x00Target, type Capture } from "./ast2x00.ts";
import { encodingTargets } from "./encodings.ts";
import { ivtpTarget } from "./ivtp.ts";
import { ovhTarget } from "./ovh.ts";
import { rfbTarget } from "./rfb.ts";

/** Every target, in the order they run. */
export function fuzzTargets(captures: readonly Capture[]): FuzzTarget[] {
	return [ast2x00Target(captures), ivtpTarget(), rfbTarget(), ...encodingTargets(), ovhTarget()];
}

/** The real captures in shared/vectors/ast2x00 and the header fields they were taken with (its README). */
export const CAPTURE_HEADERS: Readonly<Record<string, { width: number; height: number }>> = {
	"ubuntu_444_800x600_0chrom_0lum.bin": { width: 800, height: 600 },
	"aspeedblackscreen.bin": { width: 1024, height: 768 },
	"aspeedbluescreen.bin": { width: 1024, height: 768 },
};

export function capture(name: string, stream: Uint8Array): Capture {
	const size = CAPTURE_HEADERS[name];
	if (size === undefined) throw new Error(`no header known for capture ${name}`);
	return {
		name,
		stream,
		header: { ...size, mode420: false, selector: 0, advanceSelector: 0, mapping: 0 },
	};
}
