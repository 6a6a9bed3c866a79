/**
 * Mouse actions as pointer events at a native console pixel. Every action
 * ends with no button held, so a dropped connection never leaves one down.
 */
import type { PointerInput } from "./events.ts";

export type MouseAction = "move" | "click" | "double_click" | "scroll";
export type MouseButton = "left" | "middle" | "right";

const BUTTON_BITS: Record<MouseButton, number> = { left: 1, middle: 2, right: 4 };

/** Most wheel clicks one call may send: a page or two, never a flood. */
export const MAX_SCROLL = 50;

/**
 * `amount` is wheel clicks for `scroll`: positive scrolls down, negative up.
 * The pointer first moves to the point, as a hand would, so consoles that
 * track hover see it there before any button.
 */
export function mouseEvents(
	action: MouseAction,
	x: number,
	y: number,
	button: MouseButton = "left",
	amount = 3,
): PointerInput[] {
	const at = (buttons: number, wheel = 0): PointerInput => ({
		kind: "pointer",
		x,
		y,
		buttons,
		wheel,
	});
	const press = BUTTON_BITS[button];
	switch (action) {
		case "move":
			return [at(0)];
		case "click":
			return [at(0), at(press), at(0)];
		case "double_click":
			return [at(0), at(press), at(0), at(press), at(0)];
		case "scroll": {
			const clicks = Math.max(-MAX_SCROLL, Math.min(MAX_SCROLL, Math.trunc(amount)));
			const step = Math.sign(clicks);
			return [at(0), ...Array.from({ length: Math.abs(clicks) }, () => at(0, step))];
		}
	}
}
