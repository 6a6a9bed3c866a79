/**
 * The demo machine's tiny root shell: a handful of commands that answer as
 * bash on Debian 12 does, and a plain "command not found" for the rest.
 */
import { COLUMNS, KERNELS, type Kernel, OLDER_KERNEL } from "./boot-screens.ts";

export const HOSTNAME = "demo";
export const PROMPT = `root@${HOSTNAME}:~# `;

/** What a command line does beyond printing. */
export type ShellEffect = "clear" | "logout" | "reboot" | "poweroff";

export interface ShellResult {
	output: string[];
	effect?: ShellEffect;
}

/**
 * The part of the disk the shell can repair: which kernels have an initramfs
 * in /boot, and which of those grub.cfg loads (as of the last update-grub).
 */
export interface DemoDisk {
	initramfs: Set<string>;
	grubInitrd: Set<string>;
}

/** As the panic left it: the newer kernel was installed without its initramfs. */
export function newDisk(): DemoDisk {
	return {
		initramfs: new Set([OLDER_KERNEL.release]),
		grubInitrd: new Set([OLDER_KERNEL.release]),
	};
}

export interface ShellContext {
	kernel: Kernel;
	/** The kernel ring buffer, oldest first. */
	dmesg: readonly string[];
	disk: DemoDisk;
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

/** /boot, sorted as ls sorts it (C locale: capitals first). */
function bootFiles(disk: DemoDisk): string[] {
	const files = ["efi", "grub"];
	for (const { release } of KERNELS) {
		files.push(`System.map-${release}`, `config-${release}`, `vmlinuz-${release}`);
		if (disk.initramfs.has(release)) files.push(`initrd.img-${release}`);
	}
	return files.sort();
}

function directory(path: string, disk: DemoDisk): readonly string[] | undefined {
	switch (path.length > 1 ? path.replace(/\/+$/, "") : path) {
		case "/":
			return ROOT_DIRS;
		case "/boot":
			return bootFiles(disk);
		case "/root":
		case "~":
		case ".":
			return [];
	}
	return undefined;
}

const HELP = [
	"ikvm-mcp demo shell (simulated). It knows:",
	"  uname [-a|-s|-n|-r|-v|-m|-o]   dmesg [| tail [-n N]]   ls [/ | /boot | ~]",
	"  echo TEXT   whoami   hostname   clear   help   exit   reboot   poweroff",
	"  update-initramfs -c|-u [-k VERSION|all]   update-grub",
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
			return ls(args, context.disk);
		case "update-initramfs":
			return updateInitramfs(args, context.disk);
		case "update-grub":
			return updateGrub(context.disk);
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

function ls(args: string[], disk: DemoDisk): ShellResult {
	const options = args.filter((arg) => arg.startsWith("-"));
	if (options.length > 0) {
		return { output: [`ls: this demo shell does not simulate ${options.join(" ")}; try: ls /`] };
	}
	const paths = args.length === 0 ? ["."] : args;
	const output: string[] = [];
	for (const path of paths) {
		const entries = directory(path, disk);
		if (entries === undefined) {
			output.push(`ls: cannot access '${path}': No such file or directory`);
			continue;
		}
		if (paths.length > 1) output.push(`${path}:`);
		output.push(...columns(entries));
	}
	return { output };
}

/**
 * initramfs-tools: -c creates an initramfs, -u updates existing ones (so it
 * cannot bring back a missing one), for -k VERSION, all, or by default the
 * newest kernel that has one.
 */
function updateInitramfs(args: string[], disk: DemoDisk): ShellResult {
	const usage = {
		output: ["Usage: update-initramfs {-c|-u} [-k VERSION|all]   (as far as this demo simulates)"],
	};
	const mode = args[0];
	if ((mode !== "-c" && mode !== "-u") || (args.length !== 1 && args.length !== 3)) return usage;
	if (args.length === 3 && args[1] !== "-k") return usage;
	const releases = KERNELS.map((k) => k.release);
	const wanted = args[2] ?? releases.find((r) => disk.initramfs.has(r));
	if (wanted === undefined) return usage;
	const targets =
		wanted === "all" ? releases.filter((r) => mode === "-c" || disk.initramfs.has(r)) : [wanted];
	const output: string[] = [];
	for (const release of targets) {
		const image = `/boot/initrd.img-${release}`;
		if (!releases.includes(release)) {
			output.push(`update-initramfs: ${release} has no modules in /lib/modules; is it installed?`);
		} else if (mode === "-u" && !disk.initramfs.has(release)) {
			output.push(`${image} does not exist. Cannot update.`);
		} else {
			disk.initramfs.add(release);
			output.push(`update-initramfs: Generating ${image}`);
		}
	}
	return { output };
}

/** grub-mkconfig: finds each kernel and its initramfs, and writes them into grub.cfg. */
function updateGrub(disk: DemoDisk): ShellResult {
	const output = ["Generating grub configuration file ..."];
	disk.grubInitrd.clear();
	for (const { release } of KERNELS) {
		output.push(`Found linux image: /boot/vmlinuz-${release}`);
		if (disk.initramfs.has(release)) {
			output.push(`Found initrd image: /boot/initrd.img-${release}`);
			disk.grubInitrd.add(release);
		}
	}
	output.push(
		"Warning: os-prober will not be executed to detect other bootable partitions.",
		"Systems on them will not be added to the GRUB boot configuration.",
		"Check GRUB_DISABLE_OS_PROBER documentation entry.",
		"done",
	);
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
