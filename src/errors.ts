/**
 * Errors that cross layer boundaries. A tool reports the message of any
 * UserFacingError as it is, so those messages are specific, actionable and
 * free of secrets; anything else reaching a tool is a bug and is labelled so.
 */
export class UserFacingError extends Error {
	override name = "UserFacingError";
}

/** Malformed or unexpected bytes from a peer (BMC, VNC server, capture file). */
export class ProtocolError extends UserFacingError {
	override name = "ProtocolError";
}

/** A size, count or dimension beyond what we agree to allocate for. */
export class LimitError extends UserFacingError {
	override name = "LimitError";
}

/** A setting that is missing or malformed. */
export class ConfigError extends UserFacingError {
	override name = "ConfigError";
}

/**
 * Secrets the settings need that are not set. How to set one depends on
 * where the Worker runs, so the message says only what is missing; whoever
 * knows the runtime (createProviders) adds how (src/runtime.ts).
 */
export class MissingSecretError extends ConfigError {
	override name = "MissingSecretError";
	readonly secrets: readonly string[];

	constructor(message: string, secrets: readonly string[]) {
		super(message);
		this.secrets = secrets;
	}
}

/**
 * A console link's credentials no longer work (the BMC forgot its web
 * session): whoever holds the link must open a new one from the provider.
 */
export class ConsoleExpiredError extends UserFacingError {
	override name = "ConsoleExpiredError";
}

/** What a user is told about a failure: our own messages as they are, anything else labelled a bug. */
export function errorMessage(error: unknown): string {
	if (error instanceof UserFacingError) return error.message;
	if (error instanceof Error && error.name === "TimeoutError") return `Timed out: ${error.message}`;
	const detail = error instanceof Error ? error.message : String(error);
	return `Internal error in ikvm-mcp (please report it): ${detail}`;
}
