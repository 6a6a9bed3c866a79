/**
 * The memory budget of one capture. A Worker isolate dies at 128 MB, and a
 * capture must leave room for the runtime and everything else the isolate
 * holds, so all that one capture keeps alive at once stays under
 * CAPTURE_BUDGET_BYTES. Sizes are checked against it from what the console
 * announces (screen size, compressed length), before anything is allocated.
 *
 * What a capture of a W x H screen (P pixels) holds at its peak:
 *   - the client's live framebuffer, 4 bytes a pixel, plus decoder state
 *     that persists with it (the ASPEED decoder's YCbCr copy in 4:4:4 mode);
 *   - the caller's copy of the framebuffer, 4 bytes a pixel;
 *   - both renders a capture may keep: the raw PNG and the optimised PNG,
 *     each at most pngBound, plus up to half that again while it is copied
 *     out of its bound-sized buffer (png.ts), and the optimised image;
 *   - bytes in transit: compressed data held, inflate windows, queues. They
 *     get whatever the rest leaves (`transitAllowance`).
 */

import { LimitError } from "../errors.ts";
import { visionSize } from "./optimise.ts";

export const CAPTURE_BUDGET_BYTES = 64 * 2 ** 20;

/** The default MAX_FRAME_SIZE: AST2500 tops out at 1920x1200, and this leaves headroom. */
export const DEFAULT_MAX_WIDTH = 2560;
export const DEFAULT_MAX_HEIGHT = 1600;

/** Bytes in transit a capture may always hold, however large its screen: room for one WebSocket message and an inflate window. */
const MIN_TRANSIT_BYTES = 1 << 20;

/** Largest PNG `encodePng` can make of a width x height image: RGB rows and deflate's stored-block overhead. */
export function pngBound(width: number, height: number): number {
	const rows = height * (1 + width * 3);
	// Stored blocks cost 5 bytes per 16 KiB, each band's sync flush 5 more (png.ts), plus chunks.
	return rows + 5 * Math.ceil(rows / 16384) + 5 * Math.ceil(rows / 65536) + 1024;
}

/** What a capture of a width x height screen holds alive, without bytes in transit. */
export function screenBytes(width: number, height: number, statePerPixel = 0): number {
	const pixels = width * height;
	if (pixels === 0) return 0;
	const shown = visionSize(width, height);
	const optimised = shown.width * shown.height * 4;
	return (
		pixels * (4 + statePerPixel + 4) +
		1.5 * pngBound(width, height) +
		optimised +
		1.5 * pngBound(shown.width, shown.height)
	);
}

/** Bytes in transit (compressed data held, decode scratch) a capture of this screen may hold. */
export function transitAllowance(width: number, height: number, statePerPixel = 0): number {
	return CAPTURE_BUDGET_BYTES - screenBytes(width, height, statePerPixel);
}

/**
 * Throws LimitError, naming the budget, unless a width x height screen fits
 * it with MIN_TRANSIT_BYTES to spare. `what` names the screen, e.g. "VNC screen".
 */
export function checkScreenBudget(
	width: number,
	height: number,
	what: string,
	statePerPixel = 0,
): void {
	const needed = screenBytes(width, height, statePerPixel) + MIN_TRANSIT_BYTES;
	if (needed > CAPTURE_BUDGET_BYTES) {
		throw new LimitError(
			`${what} ${width}x${height} needs about ${mib(needed)} for one capture (framebuffer, the caller's copy, PNGs), ` +
				`over the ${mib(CAPTURE_BUDGET_BYTES)} memory budget per capture; refused before allocating it`,
		);
	}
}

/** Throws LimitError, naming the budget, if holding `bytes` in transit would pass this screen's allowance. */
export function checkTransit(
	bytes: number,
	width: number,
	height: number,
	what: string,
	statePerPixel = 0,
): void {
	const allowed = Math.max(MIN_TRANSIT_BYTES, transitAllowance(width, height, statePerPixel));
	if (bytes > allowed) {
		throw new LimitError(
			`${what}: ${bytes} bytes would pass the ${allowed} bytes a ${width}x${height} screen leaves of the ` +
				`${mib(CAPTURE_BUDGET_BYTES)} memory budget per capture; refused before holding them`,
		);
	}
}

function mib(bytes: number): string {
	return `${Math.round(bytes / 2 ** 20)} MiB`;
}
