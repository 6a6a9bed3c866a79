/**
 * A captured screen and the forms a tool shows it in: a PNG (rendered once
 * per `raw` setting, however many callers share the capture), its text, and
 * the hash that says whether it changed.
 */
import type { Framebuffer } from "../image/framebuffer.ts";
import { optimiseForVision } from "../image/optimise.ts";
import { encodePng } from "../image/png.ts";
import type { PowerState } from "../providers/types.ts";
import type { ScreenText } from "../text/index.ts";

export interface Screenshot {
	png: Uint8Array;
	/** Size of the returned image. */
	width: number;
	height: number;
	/** Size of the console as the BMC sent it. */
	sourceWidth: number;
	sourceHeight: number;
	capturedAt: string;
	powerState: PowerState;
	/** True when the console connection that served the capture was already open before it. */
	warm: boolean;
}

/** How a tool shows the screen after its work. */
export type Show = "screenshot" | "text" | "both" | "none";

/** The screen as a tool returns it; `screenHash` always, the rest as asked. */
export interface ScreenView {
	screenHash: string;
	screenshot?: Screenshot;
	text?: ScreenText;
}

export class Capture {
	readonly capturedAt = new Date();
	readonly framebuffer: Framebuffer;
	readonly text: ScreenText;
	readonly powerState: PowerState;
	readonly warm: boolean;
	readonly #renders: [Screenshot?, Screenshot?] = [];

	constructor(framebuffer: Framebuffer, text: ScreenText, powerState: PowerState, warm: boolean) {
		this.framebuffer = framebuffer;
		this.text = text;
		this.powerState = powerState;
		this.warm = warm;
	}

	/** Whether the PNG for `raw` was already made, for another caller sharing this capture. */
	rendered(raw: boolean): boolean {
		return this.#renders[raw ? 1 : 0] !== undefined;
	}

	/** The PNG for `raw`, encoded the first time it is asked for. */
	screenshot(raw: boolean): Screenshot {
		const index = raw ? 1 : 0;
		this.#renders[index] ??= this.#render(raw);
		return this.#renders[index];
	}

	view(show: Show, raw: boolean): ScreenView {
		return {
			screenHash: this.text.screenHash,
			screenshot: show === "screenshot" || show === "both" ? this.screenshot(raw) : undefined,
			text: show === "text" || show === "both" ? this.text : undefined,
		};
	}

	#render(raw: boolean): Screenshot {
		const source = this.framebuffer;
		const image = raw ? source : optimiseForVision(source);
		return {
			png: encodePng(image),
			width: image.width,
			height: image.height,
			sourceWidth: source.width,
			sourceHeight: source.height,
			capturedAt: this.capturedAt.toISOString(),
			powerState: this.powerState,
			warm: this.warm,
		};
	}
}
