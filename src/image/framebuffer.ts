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
	/** Pixels outside these rectangles equal those of capture `since` (none: no pixel differs). */
	rects: PixelRect[];
}

/** Decoded console pixels: row-major RGBA8, alpha always 255. */
export interface Framebuffer {
	width: number;
	height: number;
	rgba: Uint8Array;
	/** Absent when the link does not number its captures: then every pixel may differ. */
	damage?: FrameDamage;
}

/** The pixels as one word each: a view when aligned (no copy of the screen), else a copy. */
export function pixelWords(fb: Framebuffer): Int32Array {
	return fb.rgba.byteOffset % 4 === 0
		? new Int32Array(fb.rgba.buffer, fb.rgba.byteOffset, fb.width * fb.height)
		: new Int32Array(fb.rgba.slice().buffer);
}

let lastCaptureSequence = 0;

/**
 * What a link has painted since the capture it returned last, turned into
 * each capture's FrameDamage. Capture numbers are unique in the isolate, so
 * two links never collide.
 */
export class DamageLog {
	#lastCapture: number | undefined;
	/** Where pixels may differ since the last capture; undefined: anywhere. */
	#rects: PixelRect[] | undefined = [];

	/** Pixels inside `rect` may have changed. */
	add(rect: PixelRect): void {
		if (this.#rects === undefined) return;
		// A blinking cursor repaints the same place again and again.
		if (this.#rects.some((r) => contains(r, rect))) return;
		this.#rects.push(rect);
		// Past a few places, one box around them all keeps the bookkeeping bounded.
		if (this.#rects.length > MAX_DAMAGE_RECTS) this.#rects = [boundingBox(this.#rects)];
	}

	/** Any pixel may have changed (the screen was resized or cleared). */
	addAll(): void {
		this.#rects = undefined;
	}

	/** Numbers the capture being returned and says what changed since the one before. */
	take(): FrameDamage {
		const sequence = ++lastCaptureSequence;
		const rects = this.#rects;
		const damage =
			rects === undefined || this.#lastCapture === undefined
				? { sequence, since: undefined, rects: [] }
				: { sequence, since: this.#lastCapture, rects };
		this.#lastCapture = sequence;
		this.#rects = [];
		return damage;
	}
}

const MAX_DAMAGE_RECTS = 16;

function boundingBox(rects: readonly PixelRect[]): PixelRect {
	const x = Math.min(...rects.map((r) => r.x));
	const y = Math.min(...rects.map((r) => r.y));
	return {
		x,
		y,
		width: Math.max(...rects.map((r) => r.x + r.width)) - x,
		height: Math.max(...rects.map((r) => r.y + r.height)) - y,
	};
}

function contains(outer: PixelRect, inner: PixelRect): boolean {
	return (
		inner.x >= outer.x &&
		inner.y >= outer.y &&
		inner.x + inner.width <= outer.x + outer.width &&
		inner.y + inner.height <= outer.y + outer.height
	);
}

/** A capture number no link has used (for tests and benchmarks that chain frames by hand). */
export function nextCaptureSequence(): number {
	return ++lastCaptureSequence;
}
