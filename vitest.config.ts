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
		// The default reporter only counts skipped tests; ours also lists them and says why. Naming
		// reporters replaces vitest's defaults, so GitHub's annotations are asked for as vitest would.
		reporters: [
			"default",
			...(process.env.GITHUB_ACTIONS === "true" ? ["github-actions"] : []),
			"./test/support/skipped-reporter.ts",
		],
		globalSetup: [
			"./test/global-setup.ts",
			"./test/vnc/real-server.setup.ts",
			"./test/vnc/real-input.setup.ts",
			"./test/kvm/mock-bmc-global-setup.ts",
			"./test/mcp/oauth-browser.setup.ts",
			"./test/mcp/mcp-remote.setup.ts",
			"./test/text/screen-text-cli.setup.ts",
		],
	},
});
