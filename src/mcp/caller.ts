/**
 * Who is calling a tool and what they may do. A static bearer token (or
 * loopback without one) carries every scope; an OAuth token carries the
 * scopes its owner approved. Deployment switches (ALLOW_INPUT, ALLOW_POWER)
 * apply on top: a scope never enables what the operator turned off.
 */
import { UserFacingError } from "../errors.ts";

export const SCOPES = ["console:view", "console:input", "console:power"] as const;
export type Scope = (typeof SCOPES)[number];

export interface Caller {
	/** For audit lines: "bearer", "loopback", or the OAuth client's id. */
	id: string;
	scopes: ReadonlySet<Scope>;
}

export const FULL_ACCESS: Caller = { id: "bearer", scopes: new Set(SCOPES) };

/** wrangler dev without a token, from this machine: every scope, named apart in audit lines. */
export const LOOPBACK_ACCESS: Caller = { id: "loopback", scopes: new Set(SCOPES) };

/** Refuses, before anything is sent, a tool the caller's token does not allow. */
export function requireScope(caller: Caller, scope: Scope, tool: string): void {
	if (caller.scopes.has(scope)) return;
	throw new UserFacingError(
		`${tool} needs the ${scope} scope, which this connector's token does not have. ` +
			"Remove the connector and add it again, ticking that scope on the approval page.",
	);
}
