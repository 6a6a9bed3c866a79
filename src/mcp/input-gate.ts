/**
 * Whether a console may take input from this caller, decided before
 * anything is sent: the token's scope, the console's own policy (a VNC
 * target can opt out; the demo always accepts) and the operator's
 * ALLOW_INPUT switch.
 */
import type { Switches } from "../config.ts";
import { UserFacingError } from "../errors.ts";
import type { Provider } from "../providers/types.ts";
import { type Caller, requireScope } from "./caller.ts";

export function requireInput(
	tool: string,
	caller: Caller,
	switches: Switches,
	provider: Provider,
	serverId: string,
): void {
	requireScope(caller, "console:input", tool);
	const policy = provider.inputPolicy(serverId);
	if (policy === "never") {
		throw new UserFacingError(
			`${serverId} does not take keyboard or mouse input: its entry in VNC_TARGETS says "input": false. ` +
				"Nothing was sent. The operator can remove that to allow input.",
		);
	}
	if (policy === "operator" && !switches.input) {
		throw new UserFacingError(
			"Keyboard and mouse input is turned off on this ikvm-mcp deployment, so nothing was sent. " +
				'The operator can turn it on with ALLOW_INPUT = "on" under [vars] in wrangler.toml ' +
				"(or ALLOW_INPUT=on in .dev.vars when running locally), then deploy or restart.",
		);
	}
}
