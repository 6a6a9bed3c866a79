/**
 * Which consoles this deployment can show, from its settings: OVH when its
 * credentials are set, VNC targets when listed, and the embedded demo when
 * nothing else is configured (or DEMO=on).
 */
import { parseDemoMode } from "../config.ts";
import { ConfigError, MissingSecretError } from "../errors.ts";
import { outboundFetch } from "../http/workers-limits.ts";
import { howToSetSecrets, type Runtime } from "../runtime.ts";
import { DemoProvider } from "./demo/provider.ts";
import { OvhProvider } from "./ovh/provider.ts";
import type { Provider } from "./types.ts";
import { UnavailableProvider } from "./unavailable.ts";
import { VncProvider } from "./vnc/provider.ts";

/**
 * Ordered so that the first provider that `owns()` an id serves it: VNC and
 * the demo know their ids exactly; OVH takes any other id. A provider whose
 * settings are broken is an UnavailableProvider carrying its ConfigError, so
 * the others still work; one that cannot tell its ids comes last. Errors
 * and hints are worded for `runtime`.
 */
export function createProviders(env: Env, runtime: Runtime): Provider[] {
	const transport = outboundFetch(runtime);
	const vnc = VncProvider.isConfigured(env)
		? configured(
				"vnc",
				() => new VncProvider(env, transport),
				() => vncTargetIds(env),
				runtime,
			)
		: undefined;
	const ovh = OvhProvider.isConfigured(env)
		? configured(
				"ovh",
				() => new OvhProvider(env, transport),
				() => "any",
				runtime,
			)
		: undefined;
	const mode = parseDemoMode(env);
	const demo = mode === "on" || (mode === "auto" && !vnc && !ovh) ? new DemoProvider() : undefined;
	const providers = [vnc, demo, ovh].filter((p) => p !== undefined);
	if (providers.length === 0) {
		const where = runtime === "local" ? "in .dev.vars" : "with npx wrangler secret put";
		throw new ConfigError(
			"No console provider is configured. Set the OVH_ENDPOINT, OVH_APPLICATION_KEY, OVH_APPLICATION_SECRET " +
				`and OVH_CONSUMER_KEY secrets (${where}), or VNC_TARGETS, or DEMO=on for the embedded demo (see the README).`,
		);
	}
	const last = (p: Provider) => p instanceof UnavailableProvider && p.claimsAny;
	return [...providers.filter((p) => !last(p)), ...providers.filter(last)];
}

function configured(
	name: string,
	create: () => Provider,
	ids: () => ReadonlySet<string> | "any",
	runtime: Runtime,
): Provider {
	try {
		return create();
	} catch (error) {
		if (!(error instanceof ConfigError)) throw error;
		const reported =
			error instanceof MissingSecretError
				? new ConfigError(`${error.message}: ${howToSetSecrets(error.secrets, runtime)}`)
				: error;
		return new UnavailableProvider(name, reported, ids());
	}
}

/** The ids a broken VNC_TARGETS still names, so calls for them get its error; "any" when unreadable. */
function vncTargetIds(env: Env): ReadonlySet<string> | "any" {
	let json: unknown;
	try {
		json = JSON.parse(env.VNC_TARGETS ?? "");
	} catch {
		return "any";
	}
	if (!Array.isArray(json)) return "any";
	const ids = json
		.map((t) => (t as { id?: unknown } | null)?.id)
		.filter((id) => typeof id === "string");
	return new Set(ids as string[]);
}
