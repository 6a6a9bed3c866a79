/**
 * The demo's server: a small scripted machine behind the simulated BMC, so
 * that an agent can rescue a server with no account. It starts in a kernel
 * panic; Ctrl+Alt+Delete (or a power action) reboots it through the
 * firmware to a GRUB menu whose default entry panics again, while an older
 * kernel under "Advanced options" boots to a login prompt and a tiny shell,
 * where the panic's cause (the newer kernel has no initramfs) can be seen and
 * repaired: update-initramfs -c -k 6.1.0-18-amd64, update-grub, reboot.
 *
 * Pure state: it takes the keyboard reports and power requests the BMC
 * decodes, reads time from an injected clock (timers are evaluated lazily on
 * every call, so tests step through a countdown without sleeping) and yields
 * the text screen to draw.
 */
import {
	ADVANCED_ENTRY,
	ADVANCED_MENU,
	FIRMWARE_LINES,
	grubLoadingLines,
	grubMenuScreen,
	ISSUE_LINES,
	type Kernel,
	kernelStartLines,
	MAIN_MENU,
	type MenuEntry,
	nmiPanicLines,
	noSignalLines,
	printkTime,
	ROWS,
	SYSTEMD_START_LINES,
	shutdownLines,
} from "./boot-screens.ts";
import { type ConsoleLine, KERNEL_PANIC_LINES } from "./console-screen.ts";
import { type DemoDisk, HOSTNAME, newDisk, PROMPT, runShellLine } from "./shell.ts";

/** Power requests, numbered as IVTP's power control (0x23) numbers them. */
export const PowerRequest = { OFF: 0, ON: 1, CYCLE: 2, RESET: 3, NMI: 4, SOFT_OFF: 5 } as const;

/** Firmware, from power-on or reset to GRUB. */
export const FIRMWARE_MS = 1500;
/** GRUB's countdown before it boots the default entry (GRUB_TIMEOUT). */
export const MENU_TIMEOUT_MS = 30_000;
/** From Enter in the menu to a login prompt, or to the panic. */
export const BOOT_MS = 2000;
/** systemd stopping services before the power goes or the machine resets. */
export const SHUTDOWN_MS = 1200;
/** Within BOOT_MS: when the kernel's first messages replace GRUB's. */
const KERNEL_MS = 600;
/** Within BOOT_MS: when systemd starts (the good kernel) or the kernel panics (the broken one). */
const ROOT_MS = 1200;

/** Where the machine is; tests and logs read it, the screen shows it. */
export type DemoStage =
	| "off"
	| "firmware"
	| "menu"
	| "booting"
	| "panic"
	| "login"
	| "shell"
	| "shutdown";

/** What the console shows. Equal keys are equal pictures. */
export interface DemoScreen {
	readonly key: string;
	readonly lines: readonly ConsoleLine[];
	/** A blinking underline cursor after the last character (a text console waiting for input). */
	readonly cursor: boolean;
}

export interface DemoMachineOptions {
	/** Milliseconds, any origin; default Date.now. */
	now?: () => number;
}

type State =
	| { stage: "off" }
	| { stage: "firmware"; since: number }
	| { stage: "menu"; submenu: boolean; selected: number; deadline: number | null }
	| { stage: "booting"; kernel: Kernel; initrd: boolean; since: number }
	| { stage: "panic"; lines: readonly ConsoleLine[] }
	| { stage: "tty"; tty: Tty }
	| {
			stage: "shutdown";
			since: number;
			lines: readonly ConsoleLine[];
			then: "off" | "firmware";
	  };

/** The running system's console: getty's login, then root's shell. */
interface Tty {
	kernel: Kernel;
	bootedAt: number;
	/** Lines above the prompt; only the last screenful is kept. */
	output: ConsoleLine[];
	mode: "login" | "password" | "shell";
	input: string;
}

const LOGIN_PROMPT = `${HOSTNAME} login: `;
const MAX_INPUT = 256;

// USB HID usages (page 7) the machine reacts to.
const KEY_ENTER = 0x28;
const KEY_ESCAPE = 0x29;
const KEY_BACKSPACE = 0x2a;
const KEY_CAPS_LOCK = 0x39;
const KEY_HOME = 0x4a;
const KEY_PAGE_UP = 0x4b;
const KEY_DELETE = 0x4c;
const KEY_END = 0x4d;
const KEY_PAGE_DOWN = 0x4e;
const KEY_DOWN = 0x51;
const KEY_UP = 0x52;
const KEYPAD_ENTER = 0x58;
const KEYPAD_DOT = 0x63;
const CTRL = 0x11;
const SHIFT = 0x22;
const ALT = 0x44;

/** US layout: usage -> [unshifted, shifted]. Keypad as with Num Lock on. */
const US_KEYS: ReadonlyMap<number, string> = (() => {
	const map = new Map<number, string>();
	for (let i = 0; i < 26; i++) {
		map.set(0x04 + i, String.fromCharCode(0x61 + i) + String.fromCharCode(0x41 + i));
	}
	const rows: [number, string][] = [
		[0x1e, "1!2@3#4$5%6^7&8*9(0)"],
		[0x2c, "  -_=+[{]}\\|"],
		[0x33, ";:'\"`~,<.>/?"],
		[0x54, "//**--++"],
		[0x59, "11223344556677889900.."],
	];
	for (const [first, pairs] of rows) {
		for (let i = 0; i < pairs.length; i += 2) map.set(first + i / 2, pairs.slice(i, i + 2));
	}
	return map;
})();

export class DemoMachine {
	readonly #now: () => number;
	#state: State = { stage: "panic", lines: KERNEL_PANIC_LINES };
	/** Keys down in the last report: a key is pressed when it appears. */
	#held: number[] = [];
	#capsLock = false;
	/** What the shell can repair; it survives reboots, as a disk does. */
	readonly #disk: DemoDisk = newDisk();

	constructor(options: DemoMachineOptions = {}) {
		this.#now = options.now ?? Date.now;
	}

	get stage(): DemoStage {
		this.#advance();
		const state = this.#state;
		return state.stage === "tty" ? (state.tty.mode === "shell" ? "shell" : "login") : state.stage;
	}

	/** Whether the host has power: what POWER_STATUS answers. */
	powered(): boolean {
		return this.stage !== "off";
	}

	/**
	 * One HID boot keyboard report: [modifiers, reserved, up to 6 usages].
	 * Keys that were not down in the previous report are presses; a report
	 * of rollover errors (usage 1) changes nothing.
	 */
	keyboard(report: Uint8Array): void {
		if (report.length < 3) return;
		const usages = [...report.subarray(2, 8)];
		if (usages.some((usage) => usage === 0x01)) return;
		const down = usages.filter((usage) => usage >= 0x04);
		const pressed = down.filter((usage) => !this.#held.includes(usage));
		this.#held = down;
		this.#advance();
		for (const usage of pressed) this.#press(usage, report[0]);
	}

	/** A power request (PowerRequest); unknown numbers are ignored, as a BMC ignores them. */
	powerControl(action: number): void {
		this.#advance();
		const state = this.#state;
		const now = this.#now();
		switch (action) {
			case PowerRequest.OFF:
				this.#state = { stage: "off" };
				return;
			case PowerRequest.ON:
				if (state.stage === "off") this.#state = { stage: "firmware", since: now };
				return;
			case PowerRequest.CYCLE:
			case PowerRequest.RESET:
				// IPMI: a cycle or reset of a host that is off does nothing.
				if (state.stage !== "off") this.#state = { stage: "firmware", since: now };
				return;
			case PowerRequest.NMI:
				if (state.stage === "tty") {
					const uptime = printkTime(now - state.tty.bootedAt + 3000);
					this.#state = {
						stage: "panic",
						lines: [...screenful(ttyLines(state.tty)), ...nmiPanicLines(uptime, state.tty.kernel)],
					};
				}
				return;
			case PowerRequest.SOFT_OFF:
				// Before an OS takes ACPI over, the power button turns the host off at once;
				// a running system shuts down; a panicked or booting kernel hears nothing.
				if (state.stage === "firmware" || state.stage === "menu") this.#state = { stage: "off" };
				else if (state.stage === "tty") this.#shutDown(state.tty, "off");
				return;
		}
	}

	/** The screen now. */
	screen(): DemoScreen {
		this.#advance();
		const { lines, cursor } = this.#picture();
		return { key: JSON.stringify([cursor, lines]), lines, cursor };
	}

	#picture(): { lines: readonly ConsoleLine[]; cursor: boolean } {
		const state = this.#state;
		const now = this.#now();
		switch (state.stage) {
			case "off":
				return { lines: noSignalLines(), cursor: false };
			case "firmware":
				return { lines: FIRMWARE_LINES, cursor: false };
			case "menu": {
				const entries = state.submenu ? ADVANCED_MENU : MAIN_MENU;
				const left = state.deadline === null ? null : Math.ceil((state.deadline - now) / 1000);
				return {
					lines: grubMenuScreen(entries, state.selected, state.submenu, left),
					cursor: false,
				};
			}
			case "booting": {
				const elapsed = now - state.since;
				const lines =
					elapsed < KERNEL_MS
						? grubLoadingLines(state.kernel, state.initrd)
						: elapsed < ROOT_MS || !state.initrd
							? kernelStartLines(state.kernel)
							: [...kernelStartLines(state.kernel), ...SYSTEMD_START_LINES];
				return { lines, cursor: elapsed >= KERNEL_MS };
			}
			case "panic":
				return { lines: state.lines, cursor: true };
			case "tty":
				return { lines: ttyLines(state.tty), cursor: true };
			case "shutdown":
				return { lines: state.lines, cursor: true };
		}
	}

	/** Runs the timers that are due, each at its own deadline, so chained steps keep their times. */
	#advance(): void {
		const now = this.#now();
		for (;;) {
			const state = this.#state;
			if (state.stage === "firmware" && now >= state.since + FIRMWARE_MS) {
				const shown = state.since + FIRMWARE_MS;
				this.#state = {
					stage: "menu",
					submenu: false,
					selected: 0,
					deadline: shown + MENU_TIMEOUT_MS,
				};
			} else if (state.stage === "menu" && state.deadline !== null && now >= state.deadline) {
				this.#boot(MAIN_MENU[0], state.deadline);
			} else if (state.stage === "booting" && now >= state.since + BOOT_MS) {
				this.#state = state.initrd
					? { stage: "tty", tty: newTty(state.kernel, state.since) }
					: { stage: "panic", lines: KERNEL_PANIC_LINES };
			} else if (state.stage === "shutdown" && now >= state.since + SHUTDOWN_MS) {
				this.#state =
					state.then === "off"
						? { stage: "off" }
						: { stage: "firmware", since: state.since + SHUTDOWN_MS };
			} else {
				return;
			}
		}
	}

	#boot(entry: MenuEntry, at: number): void {
		const kernel = entry.kernel;
		if (kernel === undefined) return;
		const initrd = this.#disk.grubInitrd.has(kernel.release);
		this.#state = { stage: "booting", kernel, initrd, since: at };
	}

	#shutDown(tty: Tty, then: "off" | "firmware"): void {
		const now = this.#now();
		const uptime = printkTime(now - tty.bootedAt + 3000);
		this.#state = {
			stage: "shutdown",
			since: now,
			lines: [...screenful(ttyLines(tty)), ...shutdownLines(uptime, then === "firmware")],
			then,
		};
	}

	#press(usage: number, modifiers: number): void {
		const state = this.#state;
		if (state.stage === "off" || state.stage === "shutdown") return;
		const ctrl = (modifiers & CTRL) !== 0;
		const alt = (modifiers & ALT) !== 0;
		if (ctrl && alt && (usage === KEY_DELETE || usage === KEYPAD_DOT)) {
			// systemd takes Ctrl+Alt+Delete as a reboot; everywhere else the firmware resets at once.
			if (state.stage === "tty") this.#shutDown(state.tty, "firmware");
			else this.#state = { stage: "firmware", since: this.#now() };
			return;
		}
		if (usage === KEY_CAPS_LOCK) {
			this.#capsLock = !this.#capsLock;
			return;
		}
		if (state.stage === "menu") this.#menuKey(state, usage);
		else if (state.stage === "tty") this.#ttyKey(state.tty, usage, modifiers);
	}

	#menuKey(menu: State & { stage: "menu" }, usage: number): void {
		// Any key stops GRUB's countdown.
		menu.deadline = null;
		const entries = menu.submenu ? ADVANCED_MENU : MAIN_MENU;
		const last = entries.length - 1;
		switch (usage) {
			case KEY_UP:
				menu.selected = Math.max(0, menu.selected - 1);
				return;
			case KEY_DOWN:
				menu.selected = Math.min(last, menu.selected + 1);
				return;
			case KEY_HOME:
			case KEY_PAGE_UP:
				menu.selected = 0;
				return;
			case KEY_END:
			case KEY_PAGE_DOWN:
				menu.selected = last;
				return;
			case KEY_ESCAPE:
				if (menu.submenu) Object.assign(menu, { submenu: false, selected: ADVANCED_ENTRY });
				return;
			case KEY_ENTER:
			case KEYPAD_ENTER: {
				const entry = entries[menu.selected];
				if (entry.kernel) this.#boot(entry, this.#now());
				else Object.assign(menu, { submenu: true, selected: 0 });
				return;
			}
		}
	}

	#ttyKey(tty: Tty, usage: number, modifiers: number): void {
		const prompt =
			tty.mode === "shell" ? PROMPT : tty.mode === "login" ? LOGIN_PROMPT : "Password: ";
		const echoed = tty.mode === "password" ? "" : tty.input;
		if (modifiers & CTRL) {
			const letter = US_KEYS.get(usage)?.[0];
			if (letter === "c") {
				tty.output.push(`${prompt}${echoed}^C`);
				tty.input = "";
				if (tty.mode === "password") tty.mode = "login";
			} else if (letter === "l" && tty.mode === "shell") {
				tty.output = [];
			} else if (letter === "u") {
				tty.input = "";
			} else if (letter === "d" && tty.mode === "shell" && tty.input === "") {
				tty.output.push(`${prompt}logout`);
				this.#logOut(tty);
			}
			trim(tty);
			return;
		}
		if (modifiers & ALT) return;
		if (usage === KEY_ENTER || usage === KEYPAD_ENTER) {
			tty.output.push(`${prompt}${echoed}`);
			const line = tty.input;
			tty.input = "";
			this.#submit(tty, line);
			trim(tty);
			return;
		}
		if (usage === KEY_BACKSPACE) {
			tty.input = tty.input.slice(0, -1);
			return;
		}
		const pair = US_KEYS.get(usage);
		if (pair === undefined || tty.input.length >= MAX_INPUT) return;
		const shifted = (modifiers & SHIFT) !== 0;
		const letter = pair[0] >= "a" && pair[0] <= "z";
		tty.input += pair[shifted !== (letter && this.#capsLock) ? 1 : 0];
	}

	#submit(tty: Tty, line: string): void {
		switch (tty.mode) {
			case "login": {
				const user = line.trim();
				if (user === "") return;
				if (user === "root") {
					tty.mode = "shell";
					tty.output.push(
						`Linux ${HOSTNAME} ${tty.kernel.release} ${tty.kernel.version} x86_64`,
						"",
						"The programs included with the Debian GNU/Linux system are free software.",
						"Debian GNU/Linux comes with ABSOLUTELY NO WARRANTY, to the extent",
						"permitted by applicable law. Type `help` for what this demo shell knows.",
					);
				} else {
					// login asks unknown users for a password all the same.
					tty.mode = "password";
				}
				return;
			}
			case "password":
				tty.output.push("", "Login incorrect");
				tty.mode = "login";
				return;
			case "shell": {
				const result = runShellLine(line, {
					kernel: tty.kernel,
					dmesg: dmesgOf(tty.kernel),
					disk: this.#disk,
				});
				tty.output.push(...result.output);
				switch (result.effect) {
					case "clear":
						tty.output = [];
						return;
					case "logout":
						this.#logOut(tty);
						return;
					case "reboot":
					case "poweroff":
						this.#shutDown(tty, result.effect === "reboot" ? "firmware" : "off");
						return;
				}
			}
		}
	}

	#logOut(tty: Tty): void {
		tty.mode = "login";
		tty.output.push(...ISSUE_LINES);
	}
}

function newTty(kernel: Kernel, bootedAt: number): Tty {
	return {
		kernel,
		bootedAt,
		output: [...kernelStartLines(kernel), ...SYSTEMD_START_LINES, ...ISSUE_LINES],
		mode: "login",
		input: "",
	};
}

function ttyLines(tty: Tty): ConsoleLine[] {
	const prompt = tty.mode === "shell" ? PROMPT : tty.mode === "login" ? LOGIN_PROMPT : "Password: ";
	return [...tty.output, prompt + (tty.mode === "password" ? "" : tty.input)];
}

/** Each line takes at least a row, so no more than a screenful of lines can show. */
function screenful(lines: ConsoleLine[]): ConsoleLine[] {
	return lines.slice(-ROWS);
}

function trim(tty: Tty): void {
	if (tty.output.length > ROWS) tty.output = tty.output.slice(-ROWS);
}

function dmesgOf(kernel: Kernel): string[] {
	return [
		...kernelStartLines(kernel),
		"[    1.630918] EXT4-fs (sda2): mounted filesystem with ordered data mode. Quota mode: none.",
		"[    1.802114] systemd[1]: systemd 252.22-1~deb12u1 running in system mode",
		`[    1.803551] systemd[1]: Hostname set to <${HOSTNAME}>.`,
		"[    2.114870] igb 0000:01:00.0 eno1: igb: eno1 NIC Link is Up 1000 Mbps Full Duplex",
		"[    2.230415] EXT4-fs (sda2): re-mounted. Quota mode: none.",
	];
}
