import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig({
	plugins: [
		cloudflareTest({
			// The real Worker, with a ConsoleSession whose providers tests can inject.
			main: "./test/support/test-worker.ts",
			wrangler: { configPath: "./wrangler.toml" },
		}),
	],
	test: {
		include: ["test/**/*.test.ts"],
		globalSetup: [
			"./test/global-setup.ts",
			"./test/vnc/real-server.setup.ts",
			"./test/kvm/mock-bmc-global-setup.ts",
			"./test/mcp/oauth-browser.setup.ts",
			"./test/text/screen-text-cli.setup.ts",
		],
	},
});
