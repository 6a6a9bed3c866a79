/**
 * What the demo machine shows outside its shell: firmware, the GRUB menu,
 * the kernel booting or panicking, a shutdown, and the viewer's "No Signal".
 * Texts follow a Debian 12 server on a Supermicro board; 80x25 VGA text.
 */
import { type ConsoleLine, type ConsoleSpan, VGA_PALETTE } from "./console-screen.ts";

export const COLUMNS = 80;
export const ROWS = 25;

const GREY = VGA_PALETTE[7];
const BLACK = VGA_PALETTE[0];
const GREEN = VGA_PALETTE[10];

/** A kernel the menu can boot; it finds its root disk only with an initramfs. */
export interface Kernel {
	release: string;
	/** `uname -v` */
	version: string;
}

/** The default kernel, installed without its initramfs: the panic's cause. */
export const NEWER_KERNEL: Kernel = {
	release: "6.1.0-18-amd64",
	version: "#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)",
};
export const OLDER_KERNEL: Kernel = {
	release: "6.1.0-17-amd64",
	version: "#1 SMP PREEMPT_DYNAMIC Debian 6.1.69-1 (2023-12-30)",
};
/** Newest first, as GRUB lists them. */
export const KERNELS: readonly Kernel[] = [NEWER_KERNEL, OLDER_KERNEL];

export interface MenuEntry {
	title: string;
	/** What Enter does: boot a kernel, or open the submenu. */
	kernel?: Kernel;
}

/** Debian's top level: the newest kernel, then the submenu with every kernel. */
export const MAIN_MENU: readonly MenuEntry[] = [
	{ title: "Debian GNU/Linux", kernel: NEWER_KERNEL },
	{ title: "Advanced options for Debian GNU/Linux" },
];

export const ADVANCED_MENU: readonly MenuEntry[] = KERNELS.flatMap((kernel) => [
	{ title: `Debian GNU/Linux, with Linux ${kernel.release}`, kernel },
	{ title: `Debian GNU/Linux, with Linux ${kernel.release} (recovery mode)`, kernel },
]);

/** Index of the advanced-options entry in the main menu, where Esc returns to. */
export const ADVANCED_ENTRY = 1;

const BOX_LEFT = 1;
const BOX_WIDTH = 78;
const BOX_ROWS = 12;

/**
 * GRUB 2's text-mode menu: the entries in a box, the highlighted one in
 * inverse video with a `*`, the help text, and the countdown while it runs.
 */
export function grubMenuScreen(
	entries: readonly MenuEntry[],
	selected: number,
	submenu: boolean,
	secondsLeft: number | null,
): ConsoleLine[] {
	const inner = BOX_WIDTH - 2;
	const margin = " ".repeat(BOX_LEFT);
	const lines: ConsoleLine[] = [
		"",
		centred("GNU GRUB  version 2.06-13+deb12u1"),
		"",
		`${margin}┌${"─".repeat(inner)}┐`,
	];
	for (let row = 0; row < BOX_ROWS; row++) {
		const entry = entries[row];
		const highlighted = row === selected;
		const text = entry === undefined ? "" : `${highlighted ? "*" : " "}${entry.title}`;
		const cell: ConsoleSpan = { text: text.padEnd(inner).slice(0, inner) };
		lines.push([
			{ text: `${margin}│` },
			highlighted ? { ...cell, fg: BLACK, bg: GREY } : cell,
			{ text: "│" },
		]);
	}
	lines.push(`${margin}└${"─".repeat(inner)}┘`);
	lines.push(
		"",
		"      Use the ↑ and ↓ keys to select which entry is highlighted.",
		"      Press enter to boot the selected OS, `e' to edit the commands",
		submenu
			? "      before booting or `c' for a command-line. ESC to return previous"
			: "      before booting or `c' for a command-line.",
		submenu ? "      menu." : "",
	);
	if (secondsLeft !== null) {
		lines.push(`   The highlighted entry will be executed automatically in ${secondsLeft}s.`);
	}
	return lines;
}

function centred(text: string): string {
	return " ".repeat(Math.floor((COLUMNS - text.length) / 2)) + text;
}

/** The board's firmware, from power-on until it hands over to GRUB. */
export const FIRMWARE_LINES: readonly ConsoleLine[] = [
	"Version 2.20.1276. Copyright (C) 2022 American Megatrends, Inc.",
	"Supermicro X11SCM-F BIOS Date: 09/16/2022 Rev: 1.9",
	"CPU: Intel(R) Xeon(R) E-2288G CPU @ 3.70GHz, 8 cores",
	"Memory: 65536 MB DDR4 2666 MHz",
	"BMC IP: 10.0.0.12",
	"",
	"Press <DEL> or <F2> to enter setup, <F11> to enter Boot Menu.",
	"",
	"Booting from (UEFI) Samsung SSD 870 EVO 1TB ...",
];

/** GRUB loading the kernel, and its initramfs where grub.cfg names one. */
export function grubLoadingLines(kernel: Kernel, initrd: boolean): ConsoleLine[] {
	const lines: ConsoleLine[] = [`Loading Linux ${kernel.release} ...`];
	if (initrd) lines.push("Loading initial ramdisk ...");
	return lines;
}

/** The first kernel messages, identical for both kernels but for the banner. */
export function kernelStartLines(kernel: Kernel): string[] {
	const debian = kernel.version.replace(/^.* Debian /, "").replace(/ \(.*$/, "");
	return [
		`[    0.000000] Linux version ${kernel.release} (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) ${kernel.version}`,
		`[    0.000000] Command line: BOOT_IMAGE=/boot/vmlinuz-${kernel.release} root=UUID=8d4e5f0a-3c61-4b2e-9f7d-1a6c2e9b5d03 ro quiet`,
		"[    0.000000] BIOS-provided physical RAM map:",
		"[    0.000000] DMI: Supermicro X11SCM-F/X11SCM-F, BIOS 1.9 09/16/2022",
		"[    0.041718] ACPI: Early table checksum verification disabled",
		"[    0.112074] smpboot: CPU0: Intel(R) Xeon(R) E-2288G CPU @ 3.70GHz (family: 0x6, model: 0x9e)",
		"[    0.251003] smp: Brought up 1 node, 16 CPUs",
		"[    0.412930] PCI: Using configuration type 1 for base access",
		"[    0.873114] ahci 0000:00:17.0: AHCI 0001.0301 32 slots 8 ports 6 Gbps 0xff impl SATA mode",
		`[    1.024477] Debian ${debian}: loading modules`,
	];
}

/** systemd bringing the system up, after the root file system mounted. */
export const SYSTEMD_START_LINES: readonly ConsoleLine[] = [
	"[    1.630918] EXT4-fs (sda2): mounted filesystem with ordered data mode. Quota mode: none.",
	ok("Started systemd-journald.service - Journal Service."),
	ok("Finished systemd-remount-fs.service - Remount Root and Kernel File Systems."),
	ok("Reached target local-fs.target - Local File Systems."),
	ok("Started systemd-networkd.service - Network Configuration."),
	ok("Reached target network.target - Network."),
	ok("Started ssh.service - OpenBSD Secure Shell server."),
	ok("Started getty@tty1.service - Getty on tty1."),
	ok("Reached target multi-user.target - Multi-User System."),
];

/** systemd's `[  OK  ]` with the OK in green, as the console shows it. */
export function ok(text: string): ConsoleLine {
	return [{ text: "[  " }, { text: "OK", fg: GREEN }, { text: `  ] ${text}` }];
}

/** /etc/issue, shown above the login prompt; the demo's credentials are in it. */
export const ISSUE_LINES: readonly ConsoleLine[] = [
	"",
	"Debian GNU/Linux 12 demo tty1",
	"",
	"This is the ikvm-mcp demo machine (simulated). Log in as root, no password.",
	"",
];

/** systemd stopping everything, then the kernel's last word. */
export function shutdownLines(uptime: string, reboot: boolean): ConsoleLine[] {
	const target = reboot ? "reboot" : "poweroff";
	const title = reboot ? "System Reboot" : "System Power Off";
	return [
		ok("Removed slice system-getty.slice - Slice /system/getty."),
		ok("Stopped target multi-user.target - Multi-User System."),
		ok("Stopped ssh.service - OpenBSD Secure Shell server."),
		ok("Stopped target network.target - Network."),
		ok("Unmounted boot-efi.mount - /boot/efi."),
		ok("Reached target shutdown.target - System Shutdown."),
		ok(`Finished systemd-${target}.service - ${title}.`),
		ok(`Reached target ${target}.target - ${title}.`),
		`[${uptime}] ${reboot ? "reboot: Restarting system" : "reboot: Power down"}`,
	];
}

/** What a panic looks like when the BMC sends the host an NMI (its "diagnostic interrupt"). */
export function nmiPanicLines(uptime: string, kernel: Kernel): string[] {
	const debian = kernel.version.replace(/^.* Debian /, "").replace(/ \(.*$/, "");
	const at = `[${uptime}]`;
	return [
		`${at} Uhhuh. NMI received for unknown reason 3d on CPU 0.`,
		`${at} Do you have a strange power saving mode enabled?`,
		`${at} Kernel panic - not syncing: NMI: Not continuing`,
		`${at} CPU: 0 PID: 0 Comm: swapper/0 Not tainted ${kernel.release} #1  Debian ${debian}`,
		`${at} Hardware name: Supermicro X11SCM-F/X11SCM-F, BIOS 1.9 09/16/2022`,
		`${at} Call Trace:`,
		`${at}  <NMI>`,
		`${at}  dump_stack_lvl+0x44/0x5c`,
		`${at}  panic+0x118/0x2ed`,
		`${at}  nmi_panic.cold+0xc/0xc`,
		`${at}  default_do_nmi+0x11a/0x130`,
		`${at}  exc_nmi+0x14f/0x1a0`,
		`${at}  end_repeat_nmi+0x16/0x67`,
		`${at}  </NMI>`,
		`${at} Kernel Offset: 0x1b600000 from 0xffffffff81000000 (relocation range: 0xffffffff80000000-0xffffffffbfffffff)`,
		`${at} ---[ end Kernel panic - not syncing: NMI: Not continuing ]---`,
		"",
	];
}

/** The viewer's picture when the host sends no video: the host is off. */
export function noSignalLines(): ConsoleLine[] {
	const box = ["┌──────────────────┐", "│    No Signal     │", "└──────────────────┘"];
	const lines: ConsoleLine[] = Array.from({ length: 11 }, () => "");
	for (const row of box) lines.push(centred(row));
	return lines;
}

/** printk's timestamp field: seconds since boot, `%5lu.%06lu`. */
export function printkTime(ms: number): string {
	const micros = Math.max(0, Math.floor(ms * 1000));
	const seconds = Math.floor(micros / 1_000_000);
	return `${String(seconds).padStart(5)}.${String(micros % 1_000_000).padStart(6, "0")}`;
}
