import { describe, expect, it } from "vitest";
import type { ConsoleLine } from "../../src/providers/demo/console-screen.ts";
import {
	BOOT_MS,
	DemoMachine,
	FIRMWARE_MS,
	MENU_TIMEOUT_MS,
	PowerRequest,
	SHUTDOWN_MS,
} from "../../src/providers/demo/machine.ts";
import { columns } from "../../src/providers/demo/shell.ts";

// Modifier bits and usages of a HID boot keyboard report.
const LCTRL = 0x01;
const LSHIFT = 0x02;
const LALT = 0x04;
const RALT = 0x40;
const USAGE: Record<string, number> = {
	Return: 0x28,
	Escape: 0x29,
	BackSpace: 0x2a,
	Tab: 0x2b,
	space: 0x2c,
	minus: 0x2d,
	bar: 0x31,
	Caps_Lock: 0x39,
	slash: 0x38,
	Delete: 0x4c,
	End: 0x4d,
	Down: 0x51,
	Up: 0x52,
};

/** A fake clock and a machine on it, with helpers that press keys as a HID keyboard reports them. */
function rig() {
	let now = 1_000_000;
	const machine = new DemoMachine({ now: () => now });
	const reports: Uint8Array[] = [];
	const report = (mods: number, ...keys: number[]) => {
		const r = new Uint8Array(8);
		r[0] = mods;
		r.set(keys, 2);
		reports.push(r);
		machine.keyboard(r);
	};
	/** Presses and releases one key with modifiers, as an input module sends a chord. */
	const chord = (mods: number, usage: number) => {
		if (mods) report(mods);
		report(mods, usage);
		report(mods);
		report(0);
	};
	const key = (name: string) => chord(0, USAGE[name]);
	const type = (text: string) => {
		for (const ch of text) {
			if (ch === "\n") key("Return");
			else if (ch >= "a" && ch <= "z") chord(0, 0x04 + ch.charCodeAt(0) - 0x61);
			else if (ch >= "A" && ch <= "Z") chord(LSHIFT, 0x04 + ch.charCodeAt(0) - 0x41);
			else if (ch >= "1" && ch <= "9") chord(0, 0x1e + ch.charCodeAt(0) - 0x31);
			else if (ch === "0") chord(0, 0x27);
			else if (ch === " ") key("space");
			else if (ch === "-") key("minus");
			else if (ch === ".") chord(0, 0x37);
			else if (ch === "/") key("slash");
			else if (ch === "|") chord(LSHIFT, USAGE.bar);
			else if (ch === '"') chord(LSHIFT, 0x34);
			else if (ch === "!") chord(LSHIFT, 0x1e);
			else throw new Error(`test typer cannot type ${ch}`);
		}
	};
	const text = () => plain(machine.screen().lines);
	const lastLine = () => text().split("\n").at(-1);
	return {
		machine,
		report,
		chord,
		key,
		type,
		text,
		lastLine,
		advance: (ms: number) => {
			now += ms;
		},
		ctrlAltDelete: () => chord(LCTRL | LALT, USAGE.Delete),
		/** From any running stage: reboot, wait out the firmware, stop at the menu. */
		toMenu() {
			this.ctrlAltDelete();
			now += FIRMWARE_MS;
		},
		/** From the menu: the older kernel in the submenu, booted to its login prompt. */
		toLogin() {
			key("Down");
			key("Return");
			key("Down");
			key("Down");
			key("Return");
			now += BOOT_MS;
		},
	};
}

function plain(lines: readonly ConsoleLine[]): string {
	return lines
		.map((line) => (typeof line === "string" ? line : line.map((span) => span.text).join("")))
		.join("\n");
}

/** The menu entry shown highlighted (inverse video), without its `*`. */
function highlighted(lines: readonly ConsoleLine[]): string | undefined {
	for (const line of lines) {
		if (typeof line === "string") continue;
		const span = line.find((s) => s.bg === 0xaaaaaa && s.fg === 0x000000);
		if (span) return span.text.trim().replace(/^\*/, "");
	}
	return undefined;
}

describe("DemoMachine", () => {
	it("starts in today's kernel panic, with the cursor, powered on", () => {
		const { machine, text } = rig();
		expect(machine.stage).toBe("panic");
		expect(machine.powered()).toBe(true);
		expect(text()).toContain("Kernel panic - not syncing: VFS: Unable to mount root fs");
		expect(machine.screen().cursor).toBe(true);
	});

	it("ignores typing in the panic; Ctrl+Alt+Delete resets through the firmware to GRUB", () => {
		const r = rig();
		const panic = r.machine.screen().key;
		r.type("root\n");
		r.key("Return");
		expect(r.machine.screen().key).toBe(panic);
		r.ctrlAltDelete();
		expect(r.machine.stage).toBe("firmware");
		expect(r.text()).toContain("American Megatrends");
		r.advance(FIRMWARE_MS - 1);
		expect(r.machine.stage).toBe("firmware");
		r.advance(1);
		expect(r.machine.stage).toBe("menu");
		const screen = r.text();
		expect(screen).toContain("GNU GRUB  version 2.06");
		expect(screen).toMatch(/┌─+┐/);
		expect(screen).toMatch(/└─+┘/);
		expect(screen).toContain("│*Debian GNU/Linux ");
		expect(screen).toContain("│ Advanced options for Debian GNU/Linux ");
		expect(screen).toContain("Use the ↑ and ↓ keys");
		expect(screen).toContain(
			`The highlighted entry will be executed automatically in ${MENU_TIMEOUT_MS / 1000}s.`,
		);
		expect(highlighted(r.machine.screen().lines)).toBe("Debian GNU/Linux");
		expect(r.machine.screen().cursor).toBe(false);
	});

	it("takes Ctrl+Alt+Delete with either Ctrl and Alt, held in any order, once per press", () => {
		const r = rig();
		r.report(RALT);
		r.report(RALT | 0x10);
		r.report(RALT | 0x10, USAGE.Delete);
		expect(r.machine.stage).toBe("firmware");
		r.advance(FIRMWARE_MS);
		// Still held: no new press, no new reset.
		r.report(RALT | 0x10, USAGE.Delete);
		expect(r.machine.stage).toBe("menu");
		// Delete alone is not the chord.
		r.report(0);
		r.key("Delete");
		expect(r.machine.stage).toBe("menu");
	});

	it("counts the menu down and boots the default entry, which panics again", () => {
		const r = rig();
		r.toMenu();
		r.advance(MENU_TIMEOUT_MS - 10_500);
		expect(r.text()).toContain("executed automatically in 11s.");
		r.advance(10_499);
		expect(r.text()).toContain("executed automatically in 1s.");
		r.advance(1);
		expect(r.machine.stage).toBe("booting");
		expect(r.text()).toBe("Loading Linux 6.1.0-18-amd64 ...");
		r.advance(BOOT_MS - 1);
		expect(r.text()).toContain("Linux version 6.1.0-18-amd64");
		r.advance(1);
		expect(r.machine.stage).toBe("panic");
		expect(r.text()).toContain("Kernel panic - not syncing: VFS: Unable to mount root fs");
	});

	it("stops the countdown at the first key, as GRUB does, even a key it ignores", () => {
		const r = rig();
		r.toMenu();
		r.advance(5000);
		r.key("Tab");
		expect(r.text()).not.toContain("executed automatically");
		r.advance(10 * MENU_TIMEOUT_MS);
		expect(r.machine.stage).toBe("menu");
		r.key("Return");
		r.advance(BOOT_MS);
		expect(r.machine.stage).toBe("panic");
	});

	it("moves the highlight with Up, Down and End, within the entries", () => {
		const r = rig();
		r.toMenu();
		r.key("Up");
		expect(highlighted(r.machine.screen().lines)).toBe("Debian GNU/Linux");
		r.key("Down");
		r.key("Down");
		r.key("Down");
		expect(highlighted(r.machine.screen().lines)).toBe("Advanced options for Debian GNU/Linux");
		r.key("Return");
		const sub = r.text();
		expect(sub).toContain("│*Debian GNU/Linux, with Linux 6.1.0-18-amd64 ");
		expect(sub).toContain("│ Debian GNU/Linux, with Linux 6.1.0-17-amd64 (recovery mode) ");
		expect(sub).toContain("ESC to return previous");
		r.key("End");
		expect(highlighted(r.machine.screen().lines)).toBe(
			"Debian GNU/Linux, with Linux 6.1.0-17-amd64 (recovery mode)",
		);
		r.key("Escape");
		expect(highlighted(r.machine.screen().lines)).toBe("Advanced options for Debian GNU/Linux");
		expect(r.text()).not.toContain("6.1.0-17");
	});

	it("boots the older kernel to a login prompt that states the demo's credentials", () => {
		const r = rig();
		r.toMenu();
		r.key("Down");
		r.key("Return");
		r.key("Down");
		r.key("Down");
		expect(highlighted(r.machine.screen().lines)).toBe(
			"Debian GNU/Linux, with Linux 6.1.0-17-amd64",
		);
		r.key("Return");
		expect(r.text()).toBe("Loading Linux 6.1.0-17-amd64 ...\nLoading initial ramdisk ...");
		r.advance(BOOT_MS / 2 + 200);
		expect(r.text()).toContain("[  OK  ] Started ssh.service");
		r.advance(BOOT_MS / 2);
		expect(r.machine.stage).toBe("login");
		expect(r.text()).toContain("Debian GNU/Linux 12 demo tty1");
		expect(r.text()).toContain("Log in as root, no password.");
		expect(r.lastLine()).toBe("demo login: ");
		expect(r.machine.screen().cursor).toBe(true);
	});

	it("logs root in without a password; other users get Login incorrect", () => {
		const r = rig();
		r.toMenu();
		r.toLogin();
		r.type("admin\n");
		expect(r.lastLine()).toBe("Password: ");
		r.type("secret");
		expect(r.lastLine()).toBe("Password: ");
		r.key("Return");
		expect(r.text()).toMatch(/Login incorrect\ndemo login: $/);
		r.type("root\n");
		expect(r.machine.stage).toBe("shell");
		expect(r.text()).toContain("Linux demo 6.1.0-17-amd64");
		expect(r.lastLine()).toBe("root@demo:~# ");
	});

	it("answers uname -a, ls /, echo, dmesg | tail, help, and says command not found", () => {
		const r = rig();
		r.toMenu();
		r.toLogin();
		r.type("root\n");
		r.type("uname -a\n");
		expect(r.text()).toContain(
			"root@demo:~# uname -a\nLinux demo 6.1.0-17-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.69-1 (2023-12-30) x86_64 GNU/Linux\nroot@demo:~# ",
		);
		r.type("ls /\n");
		expect(r.text()).toContain(
			"root@demo:~# ls /\n" +
				"bin   dev  home  lib32  libx32      media  opt   root  sbin  sys  usr\n" +
				"boot  etc  lib   lib64  lost+found  mnt    proc  run   srv   tmp  var\n",
		);
		r.type("ls /boot\n");
		expect(r.text()).toContain("initrd.img-6.1.0-17-amd64");
		expect(r.text()).not.toContain("initrd.img-6.1.0-18-amd64");
		r.type('echo "Hello  world" from   the demo!\n');
		expect(r.text()).toContain("\nHello  world from the demo!\n");
		r.type("dmesg | tail -n 2\n");
		expect(r.text()).toMatch(
			/dmesg \| tail -n 2\n\[ +2\.114870\] igb .*Link is Up.*\n\[ +2\.230415\] EXT4-fs .*re-mounted.*\nroot@demo:~# $/,
		);
		r.type("dmesg | tail\n");
		expect(r.text()).toMatch(/dmesg \| tail\n(\[.*\n){10}root@demo:~# $/);
		r.type("help\n");
		expect(r.text()).toContain("ikvm-mcp demo shell (simulated)");
		r.type("vim /etc/fstab\n");
		expect(r.text()).toMatch(/-bash: vim: command not found\nroot@demo:~# $/);
		r.type("clear\n");
		expect(r.text()).toBe("root@demo:~# ");
	});

	it("can be repaired: a new initramfs and update-grub make the default entry boot", () => {
		const r = rig();
		r.toMenu();
		r.toLogin();
		r.type("root\n");
		r.type("update-initramfs -u -k all\n");
		expect(r.text()).toMatch(
			/-u -k all\nupdate-initramfs: Generating \/boot\/initrd\.img-6\.1\.0-17-amd64\nroot@demo:~# $/,
		);
		r.type("update-initramfs -u -k 6.1.0-18-amd64\n");
		expect(r.text()).toContain("/boot/initrd.img-6.1.0-18-amd64 does not exist. Cannot update.");
		r.type("update-initramfs -c -k 6.1.0-18-amd64\n");
		expect(r.text()).toContain("update-initramfs: Generating /boot/initrd.img-6.1.0-18-amd64");
		r.type("ls /boot\n");
		expect(r.text()).toContain("initrd.img-6.1.0-18-amd64");
		// grub.cfg still boots 6.1.0-18 without it until update-grub runs.
		r.type("reboot\n");
		r.advance(SHUTDOWN_MS + FIRMWARE_MS + MENU_TIMEOUT_MS + BOOT_MS);
		expect(r.machine.stage).toBe("panic");
		r.toMenu();
		r.toLogin();
		r.type("root\nupdate-grub\n");
		expect(r.text()).toContain(
			"Found linux image: /boot/vmlinuz-6.1.0-18-amd64\nFound initrd image: /boot/initrd.img-6.1.0-18-amd64\n",
		);
		r.type("reboot\n");
		r.advance(SHUTDOWN_MS + FIRMWARE_MS + MENU_TIMEOUT_MS);
		expect(r.text()).toBe("Loading Linux 6.1.0-18-amd64 ...\nLoading initial ramdisk ...");
		r.advance(BOOT_MS);
		expect(r.machine.stage).toBe("login");
		r.type("root\nuname -r\n");
		expect(r.text()).toMatch(/uname -r\n6\.1\.0-18-amd64\nroot@demo:~# $/);
		// A new machine starts broken again.
		expect(rig().machine.stage).toBe("panic");
	});

	it("edits the line: Backspace, Shift, Caps Lock, Ctrl+C for a new prompt", () => {
		const r = rig();
		r.toMenu();
		r.toLogin();
		r.type("root\n");
		r.type("unamx");
		r.key("BackSpace");
		r.key("BackSpace");
		expect(r.lastLine()).toBe("root@demo:~# una");
		r.type("me -r");
		r.key("Return");
		expect(r.text()).toMatch(/uname -r\n6\.1\.0-17-amd64\nroot@demo:~# $/);
		r.type("Echo Hi");
		expect(r.lastLine()).toBe("root@demo:~# Echo Hi");
		r.chord(LCTRL, 0x06); // c
		expect(r.text()).toMatch(/root@demo:~# Echo Hi\^C\nroot@demo:~# $/);
		r.key("Caps_Lock");
		r.type("abc");
		r.chord(LSHIFT, 0x04);
		r.key("Caps_Lock");
		r.type("d");
		expect(r.lastLine()).toBe("root@demo:~# ABCad");
	});

	it("logs out with exit or Ctrl+D, back to the login prompt", () => {
		const r = rig();
		r.toMenu();
		r.toLogin();
		r.type("root\nexit\n");
		expect(r.machine.stage).toBe("login");
		expect(r.lastLine()).toBe("demo login: ");
		r.type("root\n");
		r.chord(LCTRL, 0x07); // d
		expect(r.machine.stage).toBe("login");
	});

	it("reboots from the shell through a systemd shutdown, by Ctrl+Alt+Delete or reboot", () => {
		const r = rig();
		r.toMenu();
		r.toLogin();
		r.type("root\n");
		r.ctrlAltDelete();
		expect(r.machine.stage).toBe("shutdown");
		expect(r.text()).toContain("reboot: Restarting system");
		r.advance(SHUTDOWN_MS + FIRMWARE_MS);
		expect(r.machine.stage).toBe("menu");
		r.toLogin();
		r.type("root\nreboot\n");
		expect(r.machine.stage).toBe("shutdown");
		r.advance(SHUTDOWN_MS);
		expect(r.machine.stage).toBe("firmware");
	});

	describe("power", () => {
		it("off shows No signal and reports off; on boots through firmware and GRUB", () => {
			const r = rig();
			r.machine.powerControl(PowerRequest.OFF);
			expect(r.machine.powered()).toBe(false);
			expect(r.machine.stage).toBe("off");
			expect(r.text()).toContain("No Signal");
			expect(r.machine.screen().cursor).toBe(false);
			// Keys, reset and cycle do nothing to a host that is off.
			r.ctrlAltDelete();
			r.machine.powerControl(PowerRequest.RESET);
			r.machine.powerControl(PowerRequest.CYCLE);
			r.machine.powerControl(PowerRequest.NMI);
			expect(r.machine.powered()).toBe(false);
			r.machine.powerControl(PowerRequest.ON);
			expect(r.machine.powered()).toBe(true);
			expect(r.machine.stage).toBe("firmware");
			r.advance(FIRMWARE_MS);
			expect(r.text()).toContain("GNU GRUB");
			// On again while on changes nothing.
			r.machine.powerControl(PowerRequest.ON);
			expect(r.machine.stage).toBe("menu");
		});

		it("cycle and reset reboot a running host from wherever it is", () => {
			for (const action of [PowerRequest.CYCLE, PowerRequest.RESET]) {
				const r = rig();
				r.machine.powerControl(action);
				expect(r.machine.stage).toBe("firmware");
				r.advance(FIRMWARE_MS);
				r.toLogin();
				r.type("root\n");
				r.machine.powerControl(action);
				expect(r.machine.stage).toBe("firmware");
			}
		});

		it("NMI panics a running kernel and leaves the rest alone", () => {
			const r = rig();
			r.machine.powerControl(PowerRequest.NMI);
			expect(r.machine.stage).toBe("panic");
			r.toMenu();
			r.machine.powerControl(PowerRequest.NMI);
			expect(r.machine.stage).toBe("menu");
			r.toLogin();
			r.type("root\n");
			r.advance(62_000);
			r.machine.powerControl(PowerRequest.NMI);
			expect(r.machine.stage).toBe("panic");
			expect(r.text()).toContain("Uhhuh. NMI received for unknown reason 3d on CPU 0.");
			expect(r.text()).toMatch(
				/\[ {3}\d\d\.\d{6}\] ---\[ end Kernel panic - not syncing: NMI: Not continuing \]---/,
			);
			r.type("root\n");
			expect(r.machine.stage).toBe("panic");
		});

		it("soft off shuts a running system down, then off; firmware and GRUB go off at once", () => {
			const r = rig();
			r.machine.powerControl(PowerRequest.SOFT_OFF);
			// A panicked kernel does not answer the ACPI power button.
			expect(r.machine.stage).toBe("panic");
			r.toMenu();
			r.toLogin();
			r.machine.powerControl(PowerRequest.SOFT_OFF);
			expect(r.machine.stage).toBe("shutdown");
			expect(r.text()).toContain("reboot: Power down");
			expect(r.machine.powered()).toBe(true);
			r.advance(SHUTDOWN_MS);
			expect(r.machine.powered()).toBe(false);
			r.machine.powerControl(PowerRequest.ON);
			r.machine.powerControl(PowerRequest.SOFT_OFF);
			expect(r.machine.powered()).toBe(false);
		});
	});

	it("ignores malformed and rollover reports", () => {
		const r = rig();
		r.toMenu();
		const before = r.machine.screen().key;
		r.machine.keyboard(new Uint8Array(0));
		r.machine.keyboard(Uint8Array.of(0, 0, 1, 1, 1, 1, 1, 1));
		expect(r.machine.screen().key).toBe(before);
	});

	it("keeps only a screenful of shell output, however long it runs", () => {
		const r = rig();
		r.toMenu();
		r.toLogin();
		r.type("root\n");
		for (let i = 0; i < 100; i++) r.type(`echo ${i}\n`);
		const lines = r.machine.screen().lines;
		expect(lines.length).toBeLessThanOrEqual(26);
		expect(plain(lines)).toMatch(/echo 99\n99\nroot@demo:~# $/);
	});
});

describe("ls columns", () => {
	it("lays names out down then across, as GNU ls does on 80 columns", () => {
		expect(columns(["a", "bb", "ccc"])).toEqual(["a  bb  ccc"]);
		expect(columns(["x".repeat(50), "y".repeat(40)])).toEqual(["x".repeat(50), "y".repeat(40)]);
	});
});
