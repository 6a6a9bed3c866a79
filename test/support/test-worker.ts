/**
 * The Worker under test: the real one, except that its ConsoleSessions see
 * the env overrides of the test that is running (connectClient sets them),
 * and a test can hand a session the providers it should use (to inject a
 * mock OVH API or mock BMC as their transport), keyed by the session's name.
 * The Worker itself asks OVH whether a server id exists before it routes to a
 * session; tests register their mock OVH accounts for that, by consumer key.
 */
import { ConsoleSession as RealConsoleSession } from "../../src/console/session.ts";
import type { Provider } from "../../src/providers/types.ts";
import type { Runtime } from "../../src/runtime.ts";

export { default, SecretAttempts } from "../../src/index.ts";

export const testWorld = {
	envOverrides: {} as Record<string, unknown>,
	sessionProviders: new Map<string, () => Provider[]>(),
	/** Names of the ConsoleSessions constructed so far, in order. */
	sessionsCreated: [] as string[],
	/** Mock OVH APIs the Worker's own global fetch reaches, by consumer key. */
	ovhAccounts: new Map<string, typeof fetch>(),
};

const OVH_API_HOSTS = new Set(["eu.api.ovh.com", "ca.api.ovh.com", "api.us.ovhcloud.com"]);
const globalFetch = globalThis.fetch;
globalThis.fetch = (input, init) => {
	const request = new Request(input, init);
	if (!OVH_API_HOSTS.has(new URL(request.url).host)) return globalFetch(request);
	// Unsigned calls (/auth/time, /me/geolocation) carry no consumer key: the newest account answers.
	const consumer = request.headers.get("X-Ovh-Consumer");
	const account =
		(consumer && testWorld.ovhAccounts.get(consumer)) || [...testWorld.ovhAccounts.values()].at(-1);
	return account ? account(request) : globalFetch(request);
};

export class ConsoleSession extends RealConsoleSession {
	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		testWorld.sessionsCreated.push(ctx.id.name ?? ctx.id.toString());
	}

	protected override settings(): Env {
		return { ...this.env, ...testWorld.envOverrides } as Env;
	}

	protected override providers(runtime: Runtime): Provider[] {
		const name = this.ctx.id.name;
		const injected = name === undefined ? undefined : testWorld.sessionProviders.get(name);
		return injected ? injected() : super.providers(runtime);
	}
}
