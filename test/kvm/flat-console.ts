/**
 * The AMI console link opened on a mock BMC whose screen is one flat grey
 * AST2x00 frame: for tests of what the link sends (input, power), not of
 * what it shows.
 */
import { encodeAst2x00 } from "../../src/kvm/ast2x00/encoder.ts";
import { type AmiConsoleOptions, openAmiConsole } from "../../src/kvm/console-link.ts";
import { createMockBmc, type MockBmcOptions } from "../../src/kvm/mock-bmc.ts";

const WIDTH = 64;
const HEIGHT = 48;
const HEADER = {
	width: WIDTH,
	height: HEIGHT,
	mode420: false,
	selector: 4,
	advanceSelector: 0,
	mapping: 0,
};
const STREAM = encodeAst2x00(
	{ width: WIDTH, height: HEIGHT, rgba: new Uint8Array(WIDTH * HEIGHT * 4).fill(90) },
	{ mode420: false, selector: 4 },
);

/** `bmc` and `link` options over the flat screen's; every call made with `ctx` ends after `deadlineMs`. */
export async function openFlatConsole(
	bmc: Partial<MockBmcOptions>,
	link: Omit<AmiConsoleOptions, "fetch" | "viewerUrl">,
	deadlineMs: number,
) {
	const mock = createMockBmc({ frames: () => ({ header: HEADER, stream: STREAM }), ...bmc });
	const ctx = { signal: AbortSignal.timeout(deadlineMs) };
	const opened = await openAmiConsole(
		{ fetch: mock.fetch, viewerUrl: mock.viewerUrl(), ...link },
		ctx,
	);
	return { mock, link: opened, ctx };
}
