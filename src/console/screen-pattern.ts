/**
 * What `wait_for_screen` looks for in the screen's text: plain text it must
 * contain, or a regular expression written "/source/flags". Patterns come
 * from the caller and run in our isolate, so expressions that can backtrack
 * for exponential time are refused instead of being allowed to hang it.
 */
import { UserFacingError } from "../errors.ts";

export const MAX_PATTERN_LENGTH = 200;

export interface ScreenPattern {
	/** As the caller wrote it, for messages. */
	readonly source: string;
	test(screenText: string): boolean;
}

export function compileScreenPattern(written: string): ScreenPattern {
	if (written.length === 0) throw new UserFacingError("text is empty: give the text to wait for");
	if (written.length > MAX_PATTERN_LENGTH) {
		throw new UserFacingError(
			`text is ${written.length} characters; wait for at most ${MAX_PATTERN_LENGTH}`,
		);
	}
	const regex = /^\/(.+)\/([a-z]*)$/s.exec(written);
	if (!regex) return { source: written, test: (screen) => screen.includes(written) };
	const [, body, flags] = regex;
	if (!/^[imsu]*$/.test(flags)) {
		throw new UserFacingError(
			`regular expression flags "${flags}" are not allowed; use i, m, s or u`,
		);
	}
	refuseBacktrackingTraps(body);
	let compiled: RegExp;
	try {
		compiled = new RegExp(body, flags);
	} catch (error) {
		throw new UserFacingError(
			`text ${written} is not a valid regular expression: ${(error as Error).message}`,
		);
	}
	return { source: written, test: (screen) => compiled.test(screen) };
}

/**
 * Refuses backreferences, and groups repeated without bound (*, +, {n,})
 * that themselves repeat without bound or alternate: the shapes that make a
 * backtracking engine take exponential time, e.g. (a+)+ or (a|aa)*.
 */
function refuseBacktrackingTraps(body: string): void {
	if (/\\[1-9]|\\k</.test(body)) {
		throw new UserFacingError("regular expressions with backreferences are not allowed here");
	}
	// Per open group: whether it holds an unbounded repeat or an alternation.
	const groups: { risky: boolean }[] = [];
	let inClass = false;
	for (let i = 0; i < body.length; i++) {
		const c = body[i];
		if (c === "\\") {
			i++;
			continue;
		}
		if (inClass) {
			if (c === "]") inClass = false;
			continue;
		}
		if (c === "[") inClass = true;
		else if (c === "(") groups.push({ risky: false });
		else if (c === "|" && groups.length > 0) groups[groups.length - 1].risky = true;
		else if (c === ")") {
			const group = groups.pop();
			const repeated = unboundedRepeatAt(body, i + 1);
			if (group?.risky && repeated) {
				throw new UserFacingError(
					"this regular expression repeats a group that itself repeats or alternates (like (a+)+ or (a|b)*), " +
						"which can take exponential time: write it without the nested repeat",
				);
			}
			if (groups.length > 0 && (group?.risky || repeated)) groups[groups.length - 1].risky = true;
		} else if (unboundedRepeatAt(body, i) && groups.length > 0) {
			groups[groups.length - 1].risky = true;
		}
	}
}

/** Whether `*`, `+` or `{n,}` starts at `at`. */
function unboundedRepeatAt(body: string, at: number): boolean {
	const c = body[at];
	return c === "*" || c === "+" || /^\{\d+,\}/.test(body.slice(at, at + 12));
}
