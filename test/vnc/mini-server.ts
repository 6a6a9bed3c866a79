/**
 * A minimal sans-IO RFB server for tests: speaks 3.3/3.7/3.8, None and VNC
 * Authentication, and encodes its screen in every encoding the client
 * decodes, choosing each encoding's variants in rotation so one update covers
 * them all. Written from RFC 6143 and the RFB community spec, independently
 * of src/vnc's decoders.
 */
import jpeg from "jpeg-js";
import { Deflate, Z_SYNC_FLUSH } from "pako";
import type { Framebuffer } from "../../src/image/framebuffer.ts";
import { vncAuthResponse } from "../../src/vnc/des.ts";
import { type PixelFormat, parsePixelFormat } from "../../src/vnc/pixel-format.ts";

export type TightMode = "fill" | "copy" | "palette" | "gradient" | "jpeg";

export interface MiniServerOptions {
	version?: "3.3" | "3.7" | "3.8";
	/** Security types offered; RFB 3.3 imposes the first. */
	security?: number[];
	password?: string;
	/** SecurityResult reason on failure (3.8 only sends one). */
	failReason?: string;
	format: PixelFormat;
	screen: Framebuffer;
	name?: string;
	/** Rectangles per update are cut from the requested area in cells of this size. */
	cell?: { width: number; height: number };
	/** Tight variants to rotate through (each falls back to copy where it can't apply). */
	tightModes?: TightMode[];
	/**
	 * Take QEMU Extended Key Events: acknowledge them as QEMU does, with an
	 * update of one -258 rectangle sent as soon as SetEncodings asks for them.
	 */
	qemuKeys?: boolean;
}

/** One input message the client sent: KeyEvent, QEMU Extended Key Event or PointerEvent. */
export type ReceivedInput =
	| { type: "key"; down: boolean; keysym: number }
	| { type: "qemu-key"; down: boolean; keysym: number; keycode: number }
	| { type: "pointer"; mask: number; x: number; y: number };

const RAW = 0;
const COPYRECT = 1;
const HEXTILE = 5;
const TIGHT = 7;
const ZRLE = 16;
const DESKTOP_SIZE = -223;
const QEMU_KEY_EVENT = -258;

interface Area {
	x: number;
	y: number;
	w: number;
	h: number;
}

export class MiniRfbServer {
	readonly opts: MiniServerOptions;
	screen: Framebuffer;
	format: PixelFormat;
	encodings: number[] = [];
	/** Every FramebufferUpdateRequest received, in order. */
	requests: { incremental: boolean; area: Area }[] = [];
	/** Rectangles sent, per "encoding/variant", to prove coverage. */
	readonly variants = new Map<string, number>();
	/** ClientInit's shared flag, once received. */
	shared = -1;
	/** Every input message received, in order. */
	readonly input: ReceivedInput[] = [];

	#in: number[] = [];
	#out: number[] = [];
	#state: "version" | "security" | "auth" | "init" | "normal" = "version";
	#challenge = new Uint8Array(16).map((_, i) => (i * 37 + 11) & 255);
	#changed: Area | null = null;
	#pendingResize = false;
	/** A CopyRect to send with the next update: dst area and its source. */
	#copy: { dst: Area; sx: number; sy: number } | null = null;
	#zrle = new Deflater();
	#tight = [new Deflater(), new Deflater(), new Deflater(), new Deflater()];
	#rotation = 0;

	constructor(opts: MiniServerOptions) {
		this.opts = opts;
		this.screen = opts.screen;
		this.format = opts.format;
		const v = opts.version ?? "3.8";
		this.#push(ascii(`RFB 00${v.replace(".", ".00")}\n`));
	}

	takeOutput(): Uint8Array | null {
		if (this.#out.length === 0) return null;
		const b = Uint8Array.from(this.#out);
		this.#out = [];
		return b;
	}

	/** Replaces the screen; the changed area is sent in answer to the next request. */
	setScreen(screen: Framebuffer, changed: Area): void {
		this.#pendingResize ||=
			screen.width !== this.screen.width || screen.height !== this.screen.height;
		this.screen = screen;
		this.#changed = changed;
	}

	/** Moves `src` to (dx, dy) on screen and sends that as CopyRect with the next update. */
	copyArea(src: Area, dx: number, dy: number): void {
		const { width, rgba } = this.screen;
		const copy = rgba.slice();
		for (let y = 0; y < src.h; y++) {
			const from = ((src.y + y) * width + src.x) * 4;
			copy.set(rgba.subarray(from, from + src.w * 4), ((dy + y) * width + dx) * 4);
		}
		this.screen = { ...this.screen, rgba: copy };
		this.#copy = { dst: { x: dx, y: dy, w: src.w, h: src.h }, sx: src.x, sy: src.y };
	}

	receive(bytes: Uint8Array): void {
		for (const b of bytes) this.#in.push(b);
		while (this.#step()) {}
	}

	#push(b: ArrayLike<number>): void {
		for (let i = 0; i < b.length; i++) this.#out.push(b[i]);
	}
	#u8(v: number): void {
		this.#out.push(v & 255);
	}
	#u16(v: number): void {
		this.#out.push((v >> 8) & 255, v & 255);
	}
	#u32(v: number): void {
		this.#out.push((v >>> 24) & 255, (v >> 16) & 255, (v >> 8) & 255, v & 255);
	}

	#take(n: number): number[] | null {
		if (this.#in.length < n) return null;
		return this.#in.splice(0, n);
	}

	#step(): boolean {
		const version = this.opts.version ?? "3.8";
		const security = this.opts.security ?? [1];
		switch (this.#state) {
			case "version": {
				if (!this.#take(12)) return false;
				if (version === "3.3") {
					this.#u32(security[0]);
					return this.#chosen(security[0]);
				}
				this.#u8(security.length);
				this.#push(security);
				this.#state = "security";
				return true;
			}
			case "security": {
				const t = this.#take(1);
				if (!t) return false;
				if (!security.includes(t[0])) throw new Error(`client chose ${t[0]}`);
				return this.#chosen(t[0]);
			}
			case "auth": {
				const r = this.#take(16);
				if (!r) return false;
				const expected = vncAuthResponse(this.opts.password ?? "", this.#challenge);
				if (r.every((b, i) => b === expected[i])) {
					this.#u32(0);
				} else {
					this.#u32(1);
					if (version === "3.8") {
						const reason = new TextEncoder().encode(
							this.opts.failReason ?? "Authentication failed",
						);
						this.#u32(reason.length);
						this.#push(reason);
					}
				}
				this.#state = "init";
				return true;
			}
			case "init": {
				const init = this.#take(1);
				if (!init) return false;
				this.shared = init[0];
				this.#serverInit();
				this.#state = "normal";
				return true;
			}
			case "normal":
				return this.#message();
		}
	}

	#chosen(type: number): boolean {
		if (type === 2) {
			this.#push(this.#challenge);
			this.#state = "auth";
		} else {
			if ((this.opts.version ?? "3.8") === "3.8") this.#u32(0);
			this.#state = "init";
		}
		return true;
	}

	#serverInit(): void {
		this.#u16(this.screen.width);
		this.#u16(this.screen.height);
		const pf = this.format;
		this.#push([pf.bitsPerPixel, pf.depth, pf.bigEndian ? 1 : 0, pf.trueColour ? 1 : 0]);
		this.#u16(pf.redMax);
		this.#u16(pf.greenMax);
		this.#u16(pf.blueMax);
		this.#push([pf.redShift, pf.greenShift, pf.blueShift, 0, 0, 0]);
		const name = new TextEncoder().encode(this.opts.name ?? "mini");
		this.#u32(name.length);
		this.#push(name);
	}

	#message(): boolean {
		if (this.#in.length < 1) return false;
		switch (this.#in[0]) {
			case 0: {
				const m = this.#take(20);
				if (!m) return false;
				this.format = parsePixelFormat(Uint8Array.from(m), 4);
				return true;
			}
			case 2: {
				if (this.#in.length < 4) return false;
				const n = (this.#in[2] << 8) | this.#in[3];
				const m = this.#take(4 + 4 * n);
				if (!m) return false;
				this.encodings = [];
				for (let i = 0; i < n; i++) {
					const o = 4 + 4 * i;
					this.encodings.push((m[o] << 24) | (m[o + 1] << 16) | (m[o + 2] << 8) | m[o + 3]);
				}
				if (this.opts.qemuKeys && this.encodings.includes(QEMU_KEY_EVENT)) {
					this.#u8(0);
					this.#u8(0);
					this.#u16(1);
					// QEMU gives the acknowledgement the screen's size; it carries no data.
					this.#rectHeader(
						{ x: 0, y: 0, w: this.screen.width, h: this.screen.height },
						QEMU_KEY_EVENT,
					);
				}
				return true;
			}
			case 4: {
				const m = this.#take(8);
				if (!m) return false;
				this.input.push({ type: "key", down: m[1] !== 0, keysym: u32(m, 4) });
				return true;
			}
			case 5: {
				const m = this.#take(6);
				if (!m) return false;
				this.input.push({
					type: "pointer",
					mask: m[1],
					x: (m[2] << 8) | m[3],
					y: (m[4] << 8) | m[5],
				});
				return true;
			}
			case 255: {
				const m = this.#take(12);
				if (!m) return false;
				if (m[1] !== 0) throw new Error(`mini server: QEMU client message subtype ${m[1]}`);
				this.input.push({
					type: "qemu-key",
					down: ((m[2] << 8) | m[3]) !== 0,
					keysym: u32(m, 4),
					keycode: u32(m, 8),
				});
				return true;
			}
			case 3: {
				const m = this.#take(10);
				if (!m) return false;
				const u16 = (o: number) => (m[o] << 8) | m[o + 1];
				const area = { x: u16(2), y: u16(4), w: u16(6), h: u16(8) };
				this.requests.push({ incremental: m[1] !== 0, area });
				this.#update(m[1] !== 0, area);
				return true;
			}
			default:
				throw new Error(`mini server: client message ${this.#in[0]}`);
		}
	}

	/** Like real servers: an incremental request with nothing changed gets no answer (yet). */
	#update(incremental: boolean, area: Area): void {
		const rects: { area: Area; encode: () => void; encoding: number }[] = [];
		if (this.#pendingResize && this.encodings.includes(DESKTOP_SIZE)) {
			this.#pendingResize = false;
			this.#changed = null;
			this.#copy = null;
			this.#u8(0);
			this.#u8(0);
			this.#u16(1);
			this.#rectHeader({ x: 0, y: 0, w: this.screen.width, h: this.screen.height }, DESKTOP_SIZE);
			this.#count("desktop-size");
			return; // the client asks again for the new screen
		}
		const copy = this.#copy;
		if (copy && this.encodings.includes(COPYRECT)) {
			this.#copy = null;
			rects.push({
				area: copy.dst,
				encoding: COPYRECT,
				encode: () => {
					this.#u16(copy.sx);
					this.#u16(copy.sy);
					this.#count("copyrect");
				},
			});
		}
		const dirty = incremental ? this.#changed : area;
		if (incremental && !dirty && rects.length === 0) return;
		if (dirty) {
			this.#changed = null;
			const cell = this.opts.cell ?? { width: 1 << 16, height: 1 << 16 };
			for (let y = dirty.y; y < dirty.y + dirty.h; y += cell.height) {
				for (let x = dirty.x; x < dirty.x + dirty.w; x += cell.width) {
					const a = {
						x,
						y,
						w: Math.min(cell.width, dirty.x + dirty.w - x),
						h: Math.min(cell.height, dirty.y + dirty.h - y),
					};
					const encoding =
						this.encodings.find((e) => [RAW, HEXTILE, ZRLE, TIGHT].includes(e)) ?? RAW;
					rects.push({ area: a, encoding, encode: () => this.#encode(encoding, a) });
				}
			}
		}
		this.#u8(0);
		this.#u8(0);
		this.#u16(rects.length);
		for (const r of rects) {
			this.#rectHeader(r.area, r.encoding);
			r.encode();
		}
	}

	#rectHeader(a: Area, encoding: number): void {
		this.#u16(a.x);
		this.#u16(a.y);
		this.#u16(a.w);
		this.#u16(a.h);
		this.#u32(encoding >>> 0);
	}

	#count(variant: string): void {
		this.variants.set(variant, (this.variants.get(variant) ?? 0) + 1);
	}

	#encode(encoding: number, a: Area): void {
		if (encoding === RAW) {
			this.#count("raw");
			for (let y = a.y; y < a.y + a.h; y++)
				for (let x = a.x; x < a.x + a.w; x++) this.#push(this.#pixel(x, y));
		} else if (encoding === HEXTILE) {
			this.#hextile(a);
		} else if (encoding === ZRLE) {
			this.#zrleRect(a);
		} else {
			this.#tightRect(a);
		}
	}

	// ---- pixels ------------------------------------------------------------

	#rgb(x: number, y: number): [number, number, number] {
		const i = (y * this.screen.width + x) * 4;
		const d = this.screen.rgba;
		return [d[i], d[i + 1], d[i + 2]];
	}

	#value(x: number, y: number): number {
		const [r, g, b] = this.#rgb(x, y);
		const pf = this.format;
		const c = (v: number, max: number) => Math.round((v * max) / 255);
		return (
			((c(r, pf.redMax) << pf.redShift) |
				(c(g, pf.greenMax) << pf.greenShift) |
				(c(b, pf.blueMax) << pf.blueShift)) >>>
			0
		);
	}

	/** PIXEL bytes in the client's format. */
	#pixel(x: number, y: number): number[] {
		return bytesOf(this.#value(x, y), this.format.bitsPerPixel / 8, this.format.bigEndian);
	}

	/** ZRLE CPIXEL. */
	#cpixel(x: number, y: number): number[] {
		const pf = this.format;
		const v = this.#value(x, y);
		if (pf.bitsPerPixel === 32 && pf.depth <= 24) {
			const bits = (max: number, shift: number) => shift + Math.log2(max + 1);
			const top = Math.max(
				bits(pf.redMax, pf.redShift),
				bits(pf.greenMax, pf.greenShift),
				bits(pf.blueMax, pf.blueShift),
			);
			if (top <= 24) return bytesOf(v, 3, pf.bigEndian);
			if (Math.min(pf.redShift, pf.greenShift, pf.blueShift) >= 8)
				return bytesOf(v >>> 8, 3, pf.bigEndian);
		}
		return this.#pixel(x, y);
	}

	/** Tight TPIXEL. */
	#tpixel(x: number, y: number): number[] {
		const pf = this.format;
		const is888 =
			pf.bitsPerPixel === 32 &&
			pf.depth === 24 &&
			pf.redMax === 255 &&
			pf.greenMax === 255 &&
			pf.blueMax === 255;
		if (!is888) return this.#pixel(x, y);
		const [r, g, b] = this.#rgb(x, y);
		return [r, g, b];
	}

	#colours(a: Area, key: (x: number, y: number) => number): number[] {
		const seen = new Map<number, number>();
		for (let y = a.y; y < a.y + a.h; y++) {
			for (let x = a.x; x < a.x + a.w; x++) {
				const v = key(x, y);
				if (!seen.has(v)) seen.set(v, seen.size);
			}
		}
		return [...seen.keys()];
	}

	// ---- Hextile -----------------------------------------------------------

	#hextile(a: Area): void {
		let lastBg: number | null = null; // background carries over between tiles of a rectangle
		for (let ty = a.y; ty < a.y + a.h; ty += 16) {
			for (let tx = a.x; tx < a.x + a.w; tx += 16) {
				const t = {
					x: tx,
					y: ty,
					w: Math.min(16, a.x + a.w - tx),
					h: Math.min(16, a.y + a.h - ty),
				};
				const colours = this.#colours(t, (x, y) => this.#value(x, y));
				// Background = first colour; one 1-pixel-high subrectangle per other-coloured span.
				const bgValue = colours[0];
				const subrects: { x: number; y: number; w: number; px: number[] }[] = [];
				for (let y = t.y; y < t.y + t.h; y++) {
					for (let x = t.x; x < t.x + t.w; ) {
						const v = this.#value(x, y);
						let end = x + 1;
						while (end < t.x + t.w && this.#value(end, y) === v) end++;
						if (v !== bgValue)
							subrects.push({ x: x - t.x, y: y - t.y, w: end - x, px: this.#pixel(x, y) });
						x = end;
					}
				}
				const turn = this.#rotation++ % 3;
				if (turn === 0 || subrects.length > 255) {
					this.#count("hextile/raw");
					this.#u8(1);
					for (let y = t.y; y < t.y + t.h; y++)
						for (let x = t.x; x < t.x + t.w; x++) this.#push(this.#pixel(x, y));
					continue;
				}
				const fgOnly = colours.length === 2 && turn === 1;
				this.#count(
					subrects.length === 0
						? "hextile/solid"
						: fgOnly
							? "hextile/foreground"
							: "hextile/coloured",
				);
				let flags = 0;
				if (bgValue !== lastBg) flags |= 2;
				if (subrects.length > 0) flags |= 8 | (fgOnly ? 4 : 16);
				this.#u8(flags);
				if (flags & 2) this.#push(this.#pixelOfValue(t, bgValue));
				lastBg = bgValue;
				if (subrects.length > 0) {
					if (fgOnly) this.#push(subrects[0].px);
					this.#u8(subrects.length);
					for (const s of subrects) {
						if (!fgOnly) this.#push(s.px);
						this.#u8((s.x << 4) | s.y);
						this.#u8((s.w - 1) << 4);
					}
				}
			}
		}
	}

	#pixelOfValue(t: Area, value: number): number[] {
		for (let y = t.y; y < t.y + t.h; y++)
			for (let x = t.x; x < t.x + t.w; x++)
				if (this.#value(x, y) === value) return this.#pixel(x, y);
		throw new Error("colour not in tile");
	}

	// ---- ZRLE --------------------------------------------------------------

	#zrleRect(a: Area): void {
		const out: number[] = [];
		for (let ty = a.y; ty < a.y + a.h; ty += 64) {
			for (let tx = a.x; tx < a.x + a.w; tx += 64) {
				const t = {
					x: tx,
					y: ty,
					w: Math.min(64, a.x + a.w - tx),
					h: Math.min(64, a.y + a.h - ty),
				};
				this.#zrleTile(t, out);
			}
		}
		const z = this.#zrle.push(Uint8Array.from(out));
		this.#u32(z.length);
		this.#push(z);
	}

	#zrleTile(t: Area, out: number[]): void {
		const colours = this.#colours(t, (x, y) => this.#value(x, y));
		const index = new Map(colours.map((c, i) => [c, i]));
		const cpx = (x: number, y: number) => this.#cpixel(x, y);
		const pixels: [number, number][] = [];
		for (let y = t.y; y < t.y + t.h; y++) for (let x = t.x; x < t.x + t.w; x++) pixels.push([x, y]);
		const palette = () =>
			colours.map((c) => cpx(...pixels[pixels.findIndex(([x, y]) => this.#value(x, y) === c)]));
		const runs = () => {
			const r: { value: number; at: [number, number]; n: number }[] = [];
			for (const p of pixels) {
				const v = this.#value(...p);
				const last = r[r.length - 1];
				if (last && last.value === v) last.n++;
				else r.push({ value: v, at: p, n: 1 });
			}
			return r;
		};
		const runLength = (n: number) => {
			let left = n - 1;
			while (left >= 255) {
				out.push(255);
				left -= 255;
			}
			out.push(left);
		};
		const options = ["raw", "rle"];
		if (colours.length === 1) options.push("solid");
		if (colours.length <= 16 && colours.length >= 2) options.push("packed");
		if (colours.length <= 127 && colours.length >= 2) options.push("palette-rle");
		const choice = options[this.#rotation++ % options.length];
		this.#count(`zrle/${choice}`);
		if (choice === "raw") {
			out.push(0);
			for (const p of pixels) out.push(...cpx(...p));
		} else if (choice === "solid") {
			out.push(1, ...cpx(t.x, t.y));
		} else if (choice === "packed") {
			out.push(colours.length);
			for (const c of palette()) out.push(...c);
			const bits = colours.length === 2 ? 1 : colours.length <= 4 ? 2 : 4;
			for (let y = t.y; y < t.y + t.h; y++) {
				let byte = 0;
				let used = 0;
				for (let x = t.x; x < t.x + t.w; x++) {
					byte = (byte << bits) | (index.get(this.#value(x, y)) as number);
					used += bits;
					if (used === 8) {
						out.push(byte);
						byte = used = 0;
					}
				}
				if (used > 0) out.push(byte << (8 - used));
			}
		} else if (choice === "rle") {
			out.push(128);
			for (const r of runs()) {
				out.push(...cpx(...r.at));
				runLength(r.n);
			}
		} else {
			out.push(128 + colours.length);
			for (const c of palette()) out.push(...c);
			for (const r of runs()) {
				const i = index.get(r.value) as number;
				if (r.n === 1) out.push(i);
				else {
					out.push(i | 128);
					runLength(r.n);
				}
			}
		}
	}

	// ---- Tight -------------------------------------------------------------

	#tightRect(a: Area): void {
		const modes = this.opts.tightModes ?? ["fill", "copy", "palette", "gradient"];
		let mode = modes[this.#rotation++ % modes.length];
		const colours = this.#colours(a, (x, y) => this.#value(x, y));
		if (mode === "fill" && colours.length !== 1) mode = "copy";
		if (mode === "palette" && colours.length > 256) mode = "copy";
		if (mode === "jpeg" && this.format.bitsPerPixel < 16) mode = "copy";
		// Every fourth basic rectangle resets its stream, to exercise the reset bits.
		const stream = this.#rotation % 4;
		const reset = this.#rotation % 5 === 0;
		const resetBits = reset ? 1 << stream : 0;
		if (reset) this.#tight[stream] = new Deflater();
		if (mode === "fill") {
			this.#count("tight/fill");
			this.#u8(0x80 | resetBits);
			this.#push(this.#tpixel(a.x, a.y));
			return;
		}
		if (mode === "jpeg") {
			this.#count("tight/jpeg");
			const rgba = new Uint8Array(a.w * a.h * 4);
			for (let y = 0; y < a.h; y++) {
				for (let x = 0; x < a.w; x++) {
					rgba.set([...this.#rgb(a.x + x, a.y + y), 255], (y * a.w + x) * 4);
				}
			}
			const data = jpeg.encode({ data: rgba, width: a.w, height: a.h }, 90).data;
			this.#u8(0x90 | resetBits);
			this.#compactLength(data.length);
			this.#push(data);
			return;
		}
		this.#count(
			`tight/${mode}${mode === "palette" ? (colours.length <= 2 ? "-1bit" : "-8bit") : ""}`,
		);
		const data: number[] = [];
		let header: number[];
		if (mode === "copy") {
			header = [(stream << 4) | resetBits];
			for (let y = a.y; y < a.y + a.h; y++)
				for (let x = a.x; x < a.x + a.w; x++) data.push(...this.#tpixel(x, y));
		} else if (mode === "palette") {
			const index = new Map(colours.map((c, i) => [c, i]));
			header = [0x40 | (stream << 4) | resetBits, 1, colours.length - 1];
			for (const c of colours) header.push(...this.#tpixel(...this.#firstOf(a, c)));
			for (let y = a.y; y < a.y + a.h; y++) {
				if (colours.length <= 2) {
					let byte = 0;
					let used = 0;
					for (let x = a.x; x < a.x + a.w; x++) {
						byte = (byte << 1) | (index.get(this.#value(x, y)) as number);
						if (++used === 8) {
							data.push(byte);
							byte = used = 0;
						}
					}
					if (used > 0) data.push(byte << (8 - used));
				} else {
					for (let x = a.x; x < a.x + a.w; x++) data.push(index.get(this.#value(x, y)) as number);
				}
			}
		} else {
			header = [0x40 | (stream << 4) | resetBits, 2];
			data.push(...this.#gradient(a));
		}
		this.#push(header);
		if (data.length < 12) {
			this.#push(data);
		} else {
			const z = this.#tight[stream].push(Uint8Array.from(data));
			this.#compactLength(z.length);
			this.#push(z);
		}
	}

	#firstOf(a: Area, value: number): [number, number] {
		for (let y = a.y; y < a.y + a.h; y++)
			for (let x = a.x; x < a.x + a.w; x++) if (this.#value(x, y) === value) return [x, y];
		throw new Error("colour not in rect");
	}

	/** Gradient filter for 888 TPIXELs: per channel, value - clamp(left + up - upleft). */
	#gradient(a: Area): number[] {
		if (this.#tpixel(a.x, a.y).length !== 3) throw new Error("mini server: gradient only for 888");
		const out: number[] = [];
		const at = (x: number, y: number, c: number) =>
			x < 0 || y < 0 ? 0 : this.#rgb(a.x + x, a.y + y)[c];
		for (let y = 0; y < a.h; y++) {
			for (let x = 0; x < a.w; x++) {
				for (let c = 0; c < 3; c++) {
					const predicted = Math.min(
						255,
						Math.max(0, at(x - 1, y, c) + at(x, y - 1, c) - at(x - 1, y - 1, c)),
					);
					out.push((at(x, y, c) - predicted) & 255);
				}
			}
		}
		return out;
	}

	#compactLength(n: number): void {
		this.#u8((n & 127) | (n > 127 ? 128 : 0));
		if (n > 127) {
			this.#u8(((n >> 7) & 127) | (n > 16383 ? 128 : 0));
			if (n > 16383) this.#u8(n >> 14);
		}
	}
}

/** One persistent zlib stream, sync-flushed per piece, as VNC servers use it. */
class Deflater {
	#d = new Deflate();
	#chunks: Uint8Array[] = [];
	constructor() {
		this.#d.onData = (c) => this.#chunks.push(c);
	}
	push(data: Uint8Array): Uint8Array {
		this.#d.push(data, Z_SYNC_FLUSH);
		const all = Uint8Array.from(this.#chunks.flatMap((c) => [...c]));
		this.#chunks = [];
		return all;
	}
}

function u32(m: number[], o: number): number {
	return ((m[o] << 24) | (m[o + 1] << 16) | (m[o + 2] << 8) | m[o + 3]) >>> 0;
}

function bytesOf(v: number, n: number, bigEndian: boolean): number[] {
	const le = [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255].slice(0, n);
	return bigEndian ? le.reverse() : le;
}

function ascii(s: string): number[] {
	return [...s].map((c) => c.charCodeAt(0));
}
