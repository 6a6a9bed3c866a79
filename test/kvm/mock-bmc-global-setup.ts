import { resolve } from "node:path";
import type { TestProject } from "vitest/node";
import { unstable_startWorker } from "wrangler";

/**
 * Runs in Node before the workerd tests: serves test/kvm/mock-bmc-worker.ts
 * from a workerd of its own on 127.0.0.1, so a test reaches the mock BMC over
 * a real TCP socket (HTTP and the WebSocket upgrade) rather than an injected
 * fetch. Its own wrangler config keeps the project's bindings out.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
	// Miniflare would fetch a Request.cf sample from Cloudflare; tests stay on loopback.
	process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";
	const worker = await unstable_startWorker({
		config: resolve(import.meta.dirname, "mock-bmc.wrangler.toml"),
		dev: {
			server: { hostname: "127.0.0.1", port: 0 },
			inspector: false,
			watch: false,
			logLevel: "warn",
		},
	});
	project.provide("mockBmcOrigin", (await worker.url).origin);
	return () => worker.dispose();
}

declare module "vitest" {
	export interface ProvidedContext {
		mockBmcOrigin: string;
	}
}
