/** A rectangle of pixels. */
export interface PixelRect {
	x: number;
	y: number;
	width: number;
	height: number;
}

/**
 * What a link knows about how a capture differs from the one it returned
 * just before, so readers can look again only where pixels may differ.
 */
export interface FrameDamage {
	/** This capture's number, unique among the captures of this isolate. */
	sequence: number;
	/**
	 * The sequence of the capture the link returned just before this one;
	 * undefined when the link cannot say what changed since (first capture,
	 * mode change): then every pixel may differ.
	 */
	since: number | undefined;
	/** Pixels outside this rectangle equal those of capture `since`; null: no pixel differs. */
	rect: PixelRect | null;
}

/** Decoded console pixels: row-major RGBA8, alpha always 255. */
export interface Framebuffer {
	width: number;
	height: number;
	rgba: Uint8Array;
	/** Absent when the link does not number its captures: then every pixel may differ. */
	damage?: FrameDamage;
}

/** The smallest rectangle holding both (null holds nothing). */
export function unionRect(a: PixelRect | null, b: PixelRect | null): PixelRect | null {
	if (a === null) return b;
	if (b === null) return a;
	const x = Math.min(a.x, b.x);
	const y = Math.min(a.y, b.y);
	return {
		x,
		y,
		width: Math.max(a.x + a.width, b.x + b.width) - x,
		height: Math.max(a.y + a.height, b.y + b.height) - y,
	};
}

let lastCaptureSequence = 0;

/** A fresh capture sequence number: unique within the isolate, so two links never collide. */
export function nextCaptureSequence(): number {
	return ++lastCaptureSequence;
}
