/**
 * Tiles kept from frame to frame must hash exactly as tiles made afresh,
 * whatever damage chain the frames carry.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Framebuffer, PixelRect } from "../../src/image/framebuffer.ts";
import { newTextCache, ScreenWatcher } from "../../src/text/index.ts";
import { screenTiles, type Tiles, tilesHash } from "../../src/text/tiles.ts";

const W = 100;
const H = 70;

function noise(seed: number): Framebuffer {
	const rgba = new Uint8Array(W * H * 4);
	let s = seed || 1;
	for (let i = 0; i < rgba.length; i++) {
		s = (Math.imul(s, 1103515245) + 12345) >>> 0;
		rgba[i] = (i & 3) === 3 ? 255 : s >>> 24;
	}
	return { width: W, height: H, rgba };
}

const rect = fc.record({ x: fc.nat(W - 1), y: fc.nat(H - 1) }).chain(({ x, y }) =>
	fc.record({
		x: fc.constant(x),
		y: fc.constant(y),
		width: fc.integer({ min: 1, max: W - x }),
		height: fc.integer({ min: 1, max: H - y }),
	}),
);

describe("screenTiles", () => {
	it("rehashes only what the damage names, and ends as hashing afresh does", () => {
		fc.assert(
			fc.property(
				fc.array(fc.record({ paint: rect, colour: fc.nat(255), chained: fc.boolean() }), {
					minLength: 1,
					maxLength: 8,
				}),
				(steps) => {
					let screen = noise(7);
					let sequence = 1;
					let kept: Tiles = screenTiles({
						...screen,
						damage: { sequence, since: undefined, rects: [] },
					});
					for (const step of steps) {
						const rgba = screen.rgba.slice();
						const p: PixelRect = step.paint;
						for (let y = p.y; y < p.y + p.height; y++)
							rgba.fill(step.colour, (y * W + p.x) * 4, (y * W + p.x + p.width) * 4);
						screen = { width: W, height: H, rgba };
						// A frame told against another capture must be hashed whole.
						const since = step.chained ? sequence : sequence - 1;
						sequence += 1;
						kept = screenTiles({ ...screen, damage: { sequence, since, rects: [p] } }, kept);
						const fresh = screenTiles(screen);
						expect(kept.hashes).toEqual(fresh.hashes);
						expect(kept.second).toEqual(fresh.second);
						expect(tilesHash(kept)).toBe(tilesHash(fresh));
					}
				},
			),
			{ numRuns: 100 },
		);
	});

	it("trusts the damage it is told: an unnamed change is not seen", () => {
		const screen = noise(3);
		const kept = screenTiles({ ...screen, damage: { sequence: 1, since: undefined, rects: [] } });
		const before = tilesHash(kept);
		const changed = { ...screen, rgba: screen.rgba.slice().fill(0) };
		const trusted = screenTiles({ ...changed, damage: { sequence: 2, since: 1, rects: [] } }, kept);
		expect(tilesHash(trusted)).toBe(before);
		expect(tilesHash(screenTiles(changed))).not.toBe(before);
	});
});

describe("ScreenWatcher with damage", () => {
	it("decides every step as a watcher hashing every tile does", () => {
		// Carets blink, stay, move; bigger areas change; frames skip the chain.
		const step = fc.record({
			paint: fc.oneof(
				fc.record({
					x: fc.constantFrom(20, 21, 60),
					y: fc.constantFrom(30, 31),
					width: fc.constant(2),
					height: fc.constant(14),
				}),
				rect,
			),
			colour: fc.constantFrom(0, 255),
			restore: fc.boolean(),
			chained: fc.boolean(),
			ms: fc.integer({ min: 100, max: 1000 }),
		});
		fc.assert(
			fc.property(fc.array(step, { minLength: 1, maxLength: 10 }), (steps) => {
				const base = noise(11);
				let screen = base;
				let sequence = 1;
				let now = 0;
				const damaged = new ScreenWatcher(newTextCache());
				const full = new ScreenWatcher(newTextCache());
				damaged.observe({ ...screen, damage: { sequence, since: undefined, rects: [] } }, now);
				expect(full.observe(screen, now).text.isText).toBe(false);
				for (const s of steps) {
					const rgba = (s.restore ? base : screen).rgba.slice();
					const p: PixelRect = s.paint;
					for (let y = p.y; y < p.y + p.height; y++)
						rgba.fill(s.colour, (y * W + p.x) * 4, (y * W + p.x + p.width) * 4);
					for (let i = 3; i < rgba.length; i += 4) rgba[i] = 255;
					screen = { width: W, height: H, rgba };
					const since = s.chained ? sequence : undefined;
					sequence += 1;
					now += s.ms;
					// The damage: what was painted, or everything when the base comes back.
					const rects = s.restore ? [{ x: 0, y: 0, width: W, height: H }] : [p];
					const a = damaged.observe({ ...screen, damage: { sequence, since, rects } }, now);
					const b = full.observe(screen, now);
					expect([a.changedFromStart, a.changedFromLast, a.text.screenHash]).toEqual([
						b.changedFromStart,
						b.changedFromLast,
						b.text.screenHash,
					]);
				}
			}),
			{ numRuns: 100 },
		);
	});
});
