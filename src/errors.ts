/**
 * Errors that cross layer boundaries. Everything a tool reports to a user is
 * one of these, so the message is always specific and never an internal trace.
 */

/** Malformed or unexpected bytes from a peer (BMC, VNC server, capture file). */
export class ProtocolError extends Error {
	override name = "ProtocolError";
}

/** A size, count or dimension beyond what we agree to allocate for. */
export class LimitError extends Error {
	override name = "LimitError";
}
