/**
 * Which consoles this deployment can show, from its settings: OVH when its
 * credentials are set, VNC targets when listed, and the embedded demo when
 * nothing else is configured (or DEMO=on).
 */
import { parseDemoMode } from "../config.ts";
import { ConfigError } from "../errors.ts";
import { DemoProvider } from "./demo/provider.ts";
import { OvhProvider } from "./ovh/provider.ts";
import type { Provider } from "./types.ts";
import { VncProvider } from "./vnc/provider.ts";

/**
 * Ordered so that the first provider that `owns()` an id serves it: VNC and
 * the demo know their ids exactly; OVH takes any other id.
 */
export function createProviders(env: Env): Provider[] {
	const vnc = VncProvider.isConfigured(env) ? new VncProvider(env) : undefined;
	const ovh = OvhProvider.isConfigured(env) ? new OvhProvider(env) : undefined;
	const mode = parseDemoMode(env);
	const demo = mode === "on" || (mode === "auto" && !vnc && !ovh) ? new DemoProvider() : undefined;
	const providers = [vnc, demo, ovh].filter((p) => p !== undefined);
	if (providers.length === 0) {
		throw new ConfigError(
			"No console provider is configured. Set the OVH_ENDPOINT, OVH_APPLICATION_KEY, OVH_APPLICATION_SECRET " +
				"and OVH_CONSUMER_KEY secrets, or VNC_TARGETS, or DEMO=on for the embedded demo (see the README).",
		);
	}
	return providers;
}
