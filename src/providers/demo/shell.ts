/**
 * The demo machine's tiny root shell: a handful of commands that answer as
 * bash on Debian 12 does, and a plain "command not found" for the rest.
 */
import { COLUMNS, type Kernel } from "./boot-screens.ts";

export const HOSTNAME = "demo";
export const PROMPT = `root@${HOSTNAME}:~# `;

/** What a command line does beyond printing. */
export type ShellEffect = "clear" | "logout" | "reboot" | "poweroff";

export interface ShellResult {
	output: string[];
	effect?: ShellEffect;
}

export interface ShellContext {
	kernel: Kernel;
	/** The kernel ring buffer, oldest first. */
	dmesg: readonly string[];
}

const ROOT_DIRS = [
	"bin",
	"boot",
	"dev",
	"etc",
	"home",
	"lib",
	"lib32",
	"lib64",
	"libx32",
	"lost+found",
	"media",
	"mnt",
	"opt",
	"proc",
	"root",
	"run",
	"sbin",
	"srv",
	"sys",
	"tmp",
	"usr",
	"var",
];

/** 6.1.0-18's initramfs is missing: why its entry panics. */
const BOOT_FILES = [
	"System.map-6.1.0-17-amd64",
	"System.map-6.1.0-18-amd64",
	"config-6.1.0-17-amd64",
	"config-6.1.0-18-amd64",
	"efi",
	"grub",
	"initrd.img-6.1.0-17-amd64",
	"vmlinuz-6.1.0-17-amd64",
	"vmlinuz-6.1.0-18-amd64",
];

const DIRECTORIES: Readonly<Record<string, readonly string[]>> = {
	"/": ROOT_DIRS,
	"/boot": BOOT_FILES,
	"/root": [],
	"~": [],
	".": [],
};

const HELP = [
	"ikvm-mcp demo shell (simulated). It knows:",
	"  uname [-a|-s|-n|-r|-v|-m|-o]   dmesg [| tail [-n N]]   ls [/ | /boot | ~]",
	"  echo TEXT   whoami   hostname   clear   help   exit   reboot   poweroff",
	"Keys: Backspace edits the line, Ctrl+C abandons it, Ctrl+L clears the screen,",
	"Ctrl+D logs out.",
];

export function runShellLine(line: string, context: ShellContext): ShellResult {
	const trimmed = line.trim();
	if (trimmed === "") return { output: [] };
	const pipeline = trimmed.split("|").map((part) => words(part.trim()));
	if (pipeline.length > 1) return runPipeline(trimmed, pipeline, context);
	const [command, ...args] = pipeline[0];
	switch (command) {
		case "uname":
			return uname(args, context.kernel);
		case "dmesg":
			return { output: [...context.dmesg] };
		case "ls":
			return ls(args);
		case "echo":
			return { output: [args.join(" ")] };
		case "whoami":
			return { output: ["root"] };
		case "hostname":
			return { output: [HOSTNAME] };
		case "help":
			return { output: HELP };
		case "clear":
			return { output: [], effect: "clear" };
		case "exit":
		case "logout":
			return { output: [], effect: "logout" };
		case "reboot":
			return { output: [], effect: "reboot" };
		case "poweroff":
			return { output: [], effect: "poweroff" };
		default:
			return { output: [`-bash: ${command}: command not found`] };
	}
}

function runPipeline(line: string, pipeline: string[][], context: ShellContext): ShellResult {
	const [source, filter] = pipeline;
	if (pipeline.length === 2 && source.join(" ") === "dmesg" && filter[0] === "tail") {
		const count = tailCount(filter.slice(1));
		if (count === undefined) return { output: [`tail: invalid options: ${filter.join(" ")}`] };
		return { output: count === 0 ? [] : context.dmesg.slice(-count) };
	}
	return {
		output: [`-bash: this demo shell only simulates the pipe in \`dmesg | tail\`: ${line}`],
	};
}

/** `tail`, `tail -5`, `tail -n 5`: lines to keep. */
function tailCount(args: string[]): number | undefined {
	if (args.length === 0) return 10;
	const text = args.length === 1 ? args[0].replace(/^-/, "") : args[0] === "-n" ? args[1] : "";
	return args.length <= 2 && /^\d{1,4}$/.test(text ?? "") ? Number(text) : undefined;
}

function uname(args: string[], kernel: Kernel): ShellResult {
	const fields: Record<string, string> = {
		s: "Linux",
		n: HOSTNAME,
		r: kernel.release,
		v: kernel.version,
		m: "x86_64",
		o: "GNU/Linux",
	};
	const order = "snrvmo";
	let flags = "";
	for (const arg of args) {
		if (!/^-[a-z]+$/.test(arg)) return { output: [`uname: extra operand '${arg}'`] };
		for (const flag of arg.slice(1)) {
			if (flag === "a") flags += order;
			else if (flag in fields) flags += flag;
			else return { output: [`uname: invalid option -- '${flag}'`] };
		}
	}
	if (flags === "") flags = "s";
	return {
		output: [
			[...order]
				.filter((f) => flags.includes(f))
				.map((f) => fields[f])
				.join(" "),
		],
	};
}

function ls(args: string[]): ShellResult {
	const options = args.filter((arg) => arg.startsWith("-"));
	if (options.length > 0) {
		return { output: [`ls: this demo shell does not simulate ${options.join(" ")}; try: ls /`] };
	}
	const paths = args.length === 0 ? ["."] : args;
	const output: string[] = [];
	for (const path of paths) {
		const entries = DIRECTORIES[path.length > 1 ? path.replace(/\/+$/, "") : path];
		if (entries === undefined) {
			output.push(`ls: cannot access '${path}': No such file or directory`);
			continue;
		}
		if (paths.length > 1) output.push(`${path}:`);
		output.push(...columns(entries));
	}
	return { output };
}

/** GNU ls's column layout on an 80-column terminal: down then across, two spaces between. */
export function columns(names: readonly string[]): string[] {
	for (let across = names.length; across > 1; across--) {
		const down = Math.ceil(names.length / across);
		if (Math.ceil(names.length / down) !== across) continue;
		const widths = Array.from({ length: across }, (_, c) =>
			Math.max(...names.slice(c * down, (c + 1) * down).map((n) => n.length)),
		);
		const total = widths.reduce((sum, w) => sum + w + 2, -2);
		if (total >= COLUMNS) continue;
		return Array.from({ length: down }, (_, r) =>
			widths
				.map((w, c) => {
					const name = names[c * down + r] ?? "";
					return c === across - 1 ? name : name.padEnd(w + 2);
				})
				.join("")
				.trimEnd(),
		);
	}
	return [...names];
}

/** Splits a command line into words: whitespace separates, quotes group, as a shell does. */
function words(line: string): string[] {
	const out: string[] = [];
	let word = "";
	let quote = "";
	let inWord = false;
	for (const ch of line) {
		if (quote) {
			if (ch === quote) quote = "";
			else word += ch;
		} else if (ch === "'" || ch === '"') {
			quote = ch;
			inWord = true;
		} else if (/\s/.test(ch)) {
			if (inWord) out.push(word);
			word = "";
			inWord = false;
		} else {
			word += ch;
			inWord = true;
		}
	}
	if (inWord) out.push(word);
	return out;
}
