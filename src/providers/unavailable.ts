/**
 * A provider whose settings are broken, standing in for it so that the
 * others keep working: `list_servers` lists it under `unavailable` with its
 * configuration error, and any call for one of its servers gets that error,
 * before a console's Durable Object is created.
 */
import type { ConfigError } from "../errors.ts";
import type { ConsoleLink, InputPolicy, Provider, ServerInfo } from "./types.ts";

export class UnavailableProvider implements Provider {
	readonly name: string;
	readonly error: ConfigError;
	/** The ids its settings still name, or "any" when it would have taken any id (OVH), or none are readable. */
	readonly #ids: ReadonlySet<string> | "any";

	constructor(name: string, error: ConfigError, ids: ReadonlySet<string> | "any") {
		this.name = name;
		this.error = error;
		this.#ids = ids;
	}

	/** True when it claims every id: it must come after the providers that know theirs. */
	get claimsAny(): boolean {
		return this.#ids === "any";
	}

	async listServers(): Promise<ServerInfo[]> {
		throw this.error;
	}

	owns(serverId: string): boolean {
		return this.#ids === "any" || this.#ids.has(serverId);
	}

	async hasServer(): Promise<boolean> {
		throw this.error;
	}

	inputPolicy(): InputPolicy {
		return "never";
	}

	powerUnavailable(): string {
		return this.error.message;
	}

	async openConsole(): Promise<ConsoleLink> {
		throw this.error;
	}
}
