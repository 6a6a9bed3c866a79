/**
 * The Worker under test: the real one, except that a test can hand a
 * ConsoleSession the providers it should use (to inject a mock OVH API or
 * mock BMC as their transport), keyed by the session's name.
 */
import { ConsoleSession as RealConsoleSession } from "../../src/console/session.ts";
import type { Provider } from "../../src/providers/types.ts";

export { default } from "../../src/index.ts";

export const sessionProviders = new Map<string, () => Provider[]>();

export class ConsoleSession extends RealConsoleSession {
	protected override providers(): Provider[] {
		const name = this.ctx.id.name;
		const injected = name === undefined ? undefined : sessionProviders.get(name);
		return injected ? injected() : super.providers();
	}
}
