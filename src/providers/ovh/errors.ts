/**
 * What the OVH client throws besides ConfigError (a bad setting or argument),
 * ProtocolError (an answer of the wrong shape) and LimitError. Every message
 * names the call, and none ever contains the application secret or the
 * consumer key.
 */

import { UserFacingError } from "../../errors.ts";

export class OvhError extends UserFacingError {
	override name = "OvhError";
}

/** OVH answered with an HTTP error; `message` carries OVH's own explanation. */
export class OvhApiError extends OvhError {
	override name = "OvhApiError";
	readonly status: number;
	/** OVH's machine-readable code, e.g. INVALID_SIGNATURE or NOT_GRANTED_CALL, when it sent one. */
	readonly errorCode: string | null;
	/** OVH's X-Ovh-QueryId, what OVH support asks for. */
	readonly queryId: string | null;

	constructor(message: string, status: number, errorCode: string | null, queryId: string | null) {
		super(message);
		this.status = status;
		this.errorCode = errorCode;
		this.queryId = queryId;
	}
}

/** The API did not answer in time, or could not be reached at all. */
export class OvhUnreachableError extends OvhError {
	override name = "OvhUnreachableError";
}

/** An OVH task ended in a failure state, or did not finish before the deadline. */
export class OvhTaskError extends OvhError {
	override name = "OvhTaskError";
	readonly taskId: number;
	/** The last status seen: cancelled, customerError, ovhError, or a pending one on timeout. */
	readonly status: string;

	constructor(message: string, taskId: number, status: string) {
		super(message);
		this.taskId = taskId;
		this.status = status;
	}
}

/** The server has no IPMI, or its IPMI offers no HTML5 KVM. */
export class OvhIpmiUnavailableError extends OvhError {
	override name = "OvhIpmiUnavailableError";
	/** The IPMI access types this server does offer. */
	readonly supportedTypes: readonly string[];

	constructor(message: string, supportedTypes: readonly string[]) {
		super(message);
		this.supportedTypes = supportedTypes;
	}
}
