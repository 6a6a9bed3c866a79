/**
 * Settings from the Worker's environment, parsed once per request into plain
 * values. A bad setting becomes a ConfigError naming the setting and the fix;
 * it never takes the Worker down.
 */

import { ConfigError } from "./errors.ts";

export interface Limits {
	maxWidth: number;
	maxHeight: number;
	/** Overall deadline of one tool call, OVH task polling included. */
	toolTimeoutMs: number;
	/** How long a console socket stays open after the last capture. */
	idleMs: number;
	/** INPUT_DELAY_MS: pause after each AMI keyboard or mouse report; undefined keeps the protocol's default. */
	inputDelayMs: number | undefined;
}

export type DemoMode = "auto" | "on" | "off";

/** Operator switches for what agents may do beyond looking; both default to off. */
export interface Switches {
	/** ALLOW_INPUT: keyboard and mouse on consoles whose policy is "operator". */
	input: boolean;
	/** ALLOW_POWER: power and recovery actions. */
	power: boolean;
}

export function parseSwitches(env: Env): Switches {
	return {
		input: onOff(env.ALLOW_INPUT, "ALLOW_INPUT"),
		power: onOff(env.ALLOW_POWER, "ALLOW_POWER"),
	};
}

function onOff(raw: string | undefined, name: string): boolean {
	const value = (raw?.trim() || "off").toLowerCase();
	if (value === "on" || value === "off") return value === "on";
	throw new ConfigError(`${name} must be on or off, got "${raw}"`);
}

export function parseLimits(env: Env): Limits {
	const size = /^(\d{2,5})x(\d{2,5})$/.exec(env.MAX_FRAME_SIZE?.trim() || "4096x4096");
	if (!size)
		throw new ConfigError(`MAX_FRAME_SIZE must look like 4096x4096, got "${env.MAX_FRAME_SIZE}"`);
	return {
		maxWidth: Number(size[1]),
		maxHeight: Number(size[2]),
		toolTimeoutMs: seconds(env.TOOL_TIMEOUT_SECONDS, "TOOL_TIMEOUT_SECONDS", 60, 5, 600) * 1000,
		idleMs: seconds(env.IDLE_SECONDS, "IDLE_SECONDS", 120, 1, 3600) * 1000,
		inputDelayMs: milliseconds(env.INPUT_DELAY_MS, "INPUT_DELAY_MS", 0, 1000),
	};
}

function milliseconds(
	raw: string | undefined,
	name: string,
	min: number,
	max: number,
): number | undefined {
	if (!raw?.trim()) return undefined;
	const value = Number(raw);
	if (!Number.isInteger(value) || value < min || value > max) {
		throw new ConfigError(
			`${name} must be a whole number of milliseconds from ${min} to ${max}, got "${raw}"`,
		);
	}
	return value;
}

export function parseDemoMode(env: Env): DemoMode {
	const mode = (env.DEMO?.trim() || "auto").toLowerCase();
	if (mode === "auto" || mode === "on" || mode === "off") return mode;
	throw new ConfigError(`DEMO must be auto, on or off, got "${env.DEMO}"`);
}

function seconds(
	raw: string | undefined,
	name: string,
	fallback: number,
	min: number,
	max: number,
): number {
	if (!raw?.trim()) return fallback;
	const value = Number(raw);
	if (!Number.isFinite(value) || value < min || value > max) {
		throw new ConfigError(
			`${name} must be a number of seconds from ${min} to ${max}, got "${raw}"`,
		);
	}
	return value;
}
