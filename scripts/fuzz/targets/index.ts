import { CAPTURE_HEADERS } from "../../../test/support/captures.ts";
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

/** A real capture from shared/vectors/ast2x00, by file name, with the header it was taken with. */
export function capture(name: string, stream: Uint8Array): Capture {
	const header = CAPTURE_HEADERS[name.replace(/\.bin$/, "")];
	if (header === undefined) throw new Error(`no header known for capture ${name}`);
	return { name, stream, header };
}
