/**
 * TigerVNC's Xvnc behind websockify, for the real VNC server global setups
 * (Node): the VNC password file, a free X display, both servers on free
 * loopback ports, each in a process group of its own.
 */
import { type ChildProcess, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import { freePort, spawnGroup, waitForPort } from "../support/node-setup.ts";

/** A random 8-character VNC password, written to `file` by vncpasswd for Xvnc's -rfbauth. */
export function writeVncPassword(vncpasswd: string, file: string): string {
	const password = randomBytes(6).toString("base64url").slice(0, 8);
	writeFileSync(file, execFileSync(vncpasswd, ["-f"], { input: `${password}\n` }));
	return password;
}

/** The first display from :40 with neither lock nor socket; `tried` are skipped (taken without a lock). */
export function freeDisplay(tried: ReadonlySet<number> = new Set()): number {
	for (let n = 40; n < 100; n++) {
		if (tried.has(n)) continue;
		if (!existsSync(`/tmp/.X${n}-lock`) && !existsSync(`/tmp/.X11-unix/X${n}`)) return n;
	}
	throw new Error("no free X display between :40 and :99");
}

export interface XvncOptions {
	tools: { Xvnc: string; websockify: string };
	/** The file writeVncPassword wrote. */
	passwd: string;
	width: number;
	height: number;
	/** The desktop name the server announces. */
	desktop: string;
	/** More Xvnc arguments (e.g. a font path). */
	extra?: string[];
}

/**
 * Xvnc on a free display behind websockify; every process started is pushed
 * to `procs` for teardown. Answers the WebSocket URL and an env for X clients.
 */
export async function startXvnc(
	procs: ChildProcess[],
	options: XvncOptions,
): Promise<{ url: string; env: NodeJS.ProcessEnv }> {
	const { tools, passwd, width, height, desktop, extra = [] } = options;
	// Another Xvnc (a parallel test run) may take the same free display first: then Xvnc
	// exits at once and the next free display is tried.
	let display = 0;
	const tried = new Set<number>();
	const rfbPort = await freePort();
	for (let attempt = 1; ; attempt++) {
		display = freeDisplay(tried);
		tried.add(display);
		const xvnc = spawnGroup(tools.Xvnc, [
			`:${display}`,
			...["-rfbport", String(rfbPort), "-interface", "127.0.0.1"],
			...["-rfbauth", passwd, "-SecurityTypes", "VncAuth"],
			...["-geometry", `${width}x${height}`, "-depth", "24", "-desktop", desktop],
			...["-nolisten", "tcp", ...extra],
		]);
		procs.push(xvnc);
		const exited = new Promise<"exited">((resolve) => xvnc.once("exit", () => resolve("exited")));
		const listening = waitForPort(rfbPort).then(
			() => "listening" as const,
			(error: Error) => error,
		);
		const outcome = await Promise.race([listening, exited]);
		if (outcome instanceof Error) throw outcome;
		if (outcome === "listening") break;
		if (attempt === 3)
			throw new Error(`Xvnc exited at once on three displays, the last :${display}`);
	}
	const wsPort = await freePort();
	procs.push(spawnGroup(tools.websockify, [`127.0.0.1:${wsPort}`, `127.0.0.1:${rfbPort}`]));
	await waitForPort(wsPort);
	return { url: `ws://127.0.0.1:${wsPort}/`, env: { ...process.env, DISPLAY: `:${display}` } };
}
