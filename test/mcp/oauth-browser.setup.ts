/**
 * vitest globalSetup (runs in Node): the approval page in a real browser.
 * Serves the project's Worker with `wrangler dev`'s engine (unstable_startWorker,
 * with its simulated KV and Durable Objects) on a free loopback port, plays a
 * connector's redirect target on another, and drives Debian's chromium with
 * playwright-core from a small control endpoint: POST {control}/approve with
 * {url, secret, scopes} loads the page, reports what rendered, tries an
 * injected inline script, screenshots it, submits the form and follows the
 * redirect. workerd tests cannot start processes, so they call this.
 * Set APPROVAL_SCREENSHOT=path to also keep the screenshot as a file.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type RequestListener, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";
import type { TestProject } from "vitest/node";
import {
	type DevWorker,
	listenOnLoopback,
	readBody,
	startDevWorker,
	toolsMissing,
} from "../support/node-setup.ts";

export const CHROMIUM = "/usr/bin/chromium";
const SECRET = "browser-test-admin-secret-0123456789abcdef";

export type OAuthBrowser =
	| { error: string; skip: boolean }
	| {
			/** The Worker under wrangler dev, e.g. http://localhost:41234 */
			origin: string;
			secret: string;
			/** Where the connector's redirect lands: {callback}/callback */
			callback: string;
			control: string;
	  };

/** What the browser saw, for the test to judge. */
export interface ApprovalRun {
	status: number | null;
	title: string;
	heading: string;
	checked: Record<string, boolean>;
	/** The submit button's computed background: the hashed stylesheet applied. */
	buttonColor: string;
	/** An inline script added to the page after load ran. */
	injectedRan: boolean;
	/** The CSP violation it caused, if any. */
	violation: string | null;
	/** CSP complaints while loading the page as served (should be none). */
	loadViolations: string[];
	screenshot: string;
	finalUrl: string;
	callbackBody: string;
}

declare module "vitest" {
	export interface ProvidedContext {
		oauthBrowser: OAuthBrowser;
	}
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
	if (!existsSync(CHROMIUM)) {
		const error = `install chromium (Debian package; CI installs it from .ci/apt-packages): the approval page test needs ${CHROMIUM}`;
		project.provide("oauthBrowser", toolsMissing("approval page in chromium", error));
		return async () => {};
	}
	const profile = mkdtempSync(join(tmpdir(), "ikvm-chromium-"));
	const servers: Server[] = [];
	let browser: BrowserContext | undefined;
	let worker: DevWorker | undefined;
	const teardown = async () => {
		await browser?.close();
		await worker?.dispose();
		for (const s of servers) await new Promise((r) => s.close(r));
		rmSync(profile, { recursive: true, force: true });
	};
	try {
		worker = await startDevWorker(SECRET, profile);
		const origin = worker.origin;

		const callback = await listen(servers, (req, res) => {
			res.writeHead(200, { "Content-Type": "text/plain" }).end(`connector got ${req.url}`);
		});

		const control = await listen(servers, async (req, res) => {
			if (req.method !== "POST" || req.url !== "/approve") return void res.writeHead(404).end();
			try {
				const body = JSON.parse(await readBody(req)) as {
					url: string;
					secret: string;
					scopes: string[];
				};
				browser ??= await launch(profile);
				const run = await approveInBrowser(browser, body);
				if (process.env.APPROVAL_SCREENSHOT) {
					writeFileSync(process.env.APPROVAL_SCREENSHOT, Buffer.from(run.screenshot, "base64"));
				}
				res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(run));
			} catch (e) {
				res.writeHead(500).end(String((e as Error).stack ?? e));
			}
		});
		project.provide("oauthBrowser", { origin, secret: SECRET, callback, control });
	} catch (e) {
		await teardown();
		project.provide("oauthBrowser", {
			error: `could not start the Worker or chromium: ${(e as Error).message}`,
			skip: false,
		});
		return async () => {};
	}
	return teardown;
}

function launch(profile: string): Promise<BrowserContext> {
	// A fresh profile, no downloads or background traffic: only the pages the test opens.
	return chromium.launchPersistentContext(join(profile, "chromium"), {
		executablePath: CHROMIUM,
		headless: true,
		viewport: { width: 720, height: 860 },
		deviceScaleFactor: 1,
		args: [
			"--headless",
			"--no-sandbox",
			"--disable-gpu",
			"--disable-quic",
			"--no-first-run",
			"--disable-background-networking",
			"--disable-component-update",
			"--disable-sync",
		],
	});
}

async function approveInBrowser(
	browser: BrowserContext,
	{ url, secret, scopes }: { url: string; secret: string; scopes: string[] },
): Promise<ApprovalRun> {
	const page = await browser.newPage();
	try {
		const loadViolations: string[] = [];
		page.on("console", (m) => {
			if (/Content Security Policy/i.test(m.text())) loadViolations.push(m.text());
		});
		const response = await page.goto(url);
		const title = await page.title();
		const heading = (await page.textContent("h1")) ?? "";
		const checked: Record<string, boolean> = {};
		for (const box of await page.locator('input[name="scope"]').all()) {
			checked[(await box.getAttribute("value")) ?? ""] = await box.isChecked();
		}
		// Browser-side code as strings: this file is type-checked for Node, without the DOM.
		const buttonColor = String(
			await page.evaluate(`getComputedStyle(document.querySelector("button")).backgroundColor`),
		);
		const screenshot = (await page.screenshot({ fullPage: true })).toString("base64");
		const seenBeforeInjection = loadViolations.length;

		// An injected inline script, as an XSS would add it: the CSP must stop it.
		const violation = (await page.evaluate(`new Promise((done) => {
			document.addEventListener("securitypolicyviolation", (e) => done(e.effectiveDirective), { once: true });
			const script = document.createElement("script");
			script.textContent = "window.__injected = true";
			document.body.append(script);
			setTimeout(() => done(null), 2000);
		})`)) as string | null;
		const injectedRan = (await page.evaluate("window.__injected === true")) as boolean;

		await page.fill("#secret", secret);
		for (const [scope, on] of Object.entries(checked)) {
			const want = scopes.includes(scope);
			if (on !== want) await page.locator(`input[value="${scope}"]`).setChecked(want);
		}
		await page.click("button[type=submit]");
		await page.waitForLoadState();
		if (!/\/callback\?/.test(page.url())) {
			throw new Error(
				`the form did not reach the connector: ${page.url()}\n${await page.textContent("body")}`,
			);
		}
		return {
			status: response?.status() ?? null,
			title,
			heading: heading.trim(),
			checked,
			buttonColor,
			injectedRan,
			violation,
			loadViolations: loadViolations.slice(0, seenBeforeInjection),
			screenshot,
			finalUrl: page.url(),
			callbackBody: (await page.textContent("body")) ?? "",
		};
	} finally {
		await page.close();
	}
}

function listen(servers: Server[], handler: RequestListener): Promise<string> {
	const server = createServer(handler);
	servers.push(server);
	return listenOnLoopback(server);
}
