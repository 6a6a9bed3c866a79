import { UserFacingError } from "../errors.ts";

/**
 * Why talking to a BMC's KVM failed, for callers that act on it (ask the
 * provider for a fresh viewer URL, report the power state, retry later).
 */
export type KvmFailure =
	/** The viewer URL or its web session is no longer valid: request a new one. */
	| "viewer-expired"
	/** The BMC answered HTTP, but not as the AMI web UI does. */
	| "bmc-http"
	/** TLS to the BMC failed: Workers cannot trust its (usually self-signed) certificate. */
	| "bmc-certificate"
	| "bmc-unreachable"
	/** The BMC refused the KVM token (bad, reused, or KVM disabled). */
	| "validation-rejected"
	/** The BMC ended the session (another user, timeout, too many sessions, ...). */
	| "session-ended"
	| "powered-off"
	/** The host is powered but its display sends no signal. */
	| "blank-screen"
	| "connection-closed"
	| "timeout"
	| "aborted"
	/** The BMC uses a feature this project does not implement (RC4 video). */
	| "unsupported"
	/** Another viewer holds keyboard and mouse control and did not hand it over. */
	| "control-refused"
	/** The BMC did not accept a power request. */
	| "power-refused";

/** A refusal or failure of the BMC side, with a message fit for the end user. */
export class KvmError extends UserFacingError {
	override name = "KvmError";
	readonly reason: KvmFailure;

	constructor(reason: KvmFailure, message: string) {
		super(message);
		this.reason = reason;
	}
}

/** An AbortSignal that fires after `ms` or when its parent aborts, and the error to report for it. */
export interface Deadline {
	signal: AbortSignal;
	/** The error for an abort while doing `what`: whose deadline passed, or the caller's cancel. */
	failure(what: string): KvmError;
}

/** Nested deadlines report the one that actually passed, with its own duration. */
export function deadline(ms: number, parent?: AbortSignal | Deadline): Deadline {
	const timer = AbortSignal.timeout(ms);
	const parentSignal = parent instanceof AbortSignal ? parent : parent?.signal;
	return {
		signal: parentSignal ? AbortSignal.any([parentSignal, timer]) : timer,
		failure(what) {
			if (timer.aborted) {
				return new KvmError("timeout", `${what}: no answer from the BMC within ${ms} ms`);
			}
			if (parent && !(parent instanceof AbortSignal)) return parent.failure(what);
			// A caller that aborts with its own explanation (its deadline, naming its stage) gets it back.
			const reason: unknown = parentSignal?.reason;
			if (reason instanceof UserFacingError) return new KvmError("aborted", reason.message);
			return new KvmError("aborted", `${what}: cancelled`);
		},
	};
}
