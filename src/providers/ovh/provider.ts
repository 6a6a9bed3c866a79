import { type Limits, parseLimits } from "../../config.ts";
import { MissingSecretError } from "../../errors.ts";
import { openAmiConsole } from "../../kvm/console-link.ts";
import type {
	BootChange,
	BootRequest,
	CallContext,
	ConsoleLink,
	InputPolicy,
	PowerAction,
	PowerReport,
	Provider,
	ServerInfo,
} from "../types.ts";
import { OvhClient } from "./client.ts";
import { requestKvmViewerUrl, resolveIpToAllow } from "./ipmi.ts";
import { bootServer, readPowerState, rebootServer } from "./power.ts";
import { ServerIdCache } from "./server-ids.ts";
import { listServerNames, listServers } from "./servers.ts";

const CREDENTIALS = [
	"OVH_ENDPOINT",
	"OVH_APPLICATION_KEY",
	"OVH_APPLICATION_SECRET",
	"OVH_CONSUMER_KEY",
] as const;

/** Per isolate: providers are built per request, their accounts' server lists outlive them. */
const serverIds = new ServerIdCache();

/**
 * OVH dedicated servers: listed through the OVH API, their consoles opened
 * through OVH's IPMI access flow, which hands out an AMI BMC viewer URL.
 */
export class OvhProvider implements Provider {
	readonly name = "ovh";
	readonly #client: OvhClient;
	readonly #allowedIp: string | undefined;
	readonly #fetch: typeof fetch;
	readonly #limits: Limits;
	/** Which account's server list the cache holds for this provider. */
	readonly #account: string;

	/** True when any OVH credential is set; a partial set is then a ConfigError naming what is missing. */
	static isConfigured(env: Env): boolean {
		return CREDENTIALS.some((name) => env[name]?.trim());
	}

	/** `transport` serves both the OVH API and the BMC; tests inject mocks of both. */
	constructor(env: Env, transport: typeof fetch = (input, init) => fetch(input, init)) {
		const missing = CREDENTIALS.filter((name) => !env[name]?.trim());
		if (missing.length > 0) {
			throw new MissingSecretError(
				`OVH is partly configured: ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not set`,
				missing,
			);
		}
		this.#client = new OvhClient({
			endpoint: env.OVH_ENDPOINT as string,
			applicationKey: env.OVH_APPLICATION_KEY as string,
			applicationSecret: env.OVH_APPLICATION_SECRET as string,
			consumerKey: env.OVH_CONSUMER_KEY as string,
			fetch: transport,
		});
		this.#fetch = transport;
		this.#limits = parseLimits(env);
		this.#allowedIp = env.IPMI_ALLOWED_IP;
		this.#account = `${this.#client.baseUrl} ${env.OVH_APPLICATION_KEY} ${env.OVH_CONSUMER_KEY}`;
	}

	async listServers(ctx: CallContext): Promise<ServerInfo[]> {
		const servers = await listServers(this.#client, { signal: ctx.signal });
		serverIds.remember(
			this.#account,
			servers.map((s) => s.id),
		);
		return servers;
	}

	/** OVH service names are open-ended; the registry asks this provider last. */
	owns(_serverId: string): boolean {
		return true;
	}

	hasServer(serverId: string, ctx: CallContext): Promise<boolean> {
		return serverIds.has(this.#account, serverId, () =>
			listServerNames(this.#client, { signal: ctx.signal }),
		);
	}

	inputPolicy(_serverId: string): InputPolicy {
		return "operator";
	}

	/** Through the BMC's KVM (IVTP power control), and the OVH API where no console is open. */
	powerUnavailable(_serverId: string): null {
		return null;
	}

	/**
	 * Without an open console, the OVH API answers `status` (its powerState)
	 * and `reset` (its hard reboot): cheaper than opening a KVM session.
	 * Other actions need the BMC.
	 */
	powerWithoutConsole(
		serverId: string,
		action: PowerAction,
		ctx: CallContext,
	): Promise<PowerReport> | null {
		if (action === "status") return readPowerState(this.#client, serverId, ctx.signal);
		if (action === "reset") {
			return rebootServer(this.#client, serverId, {
				signal: ctx.signal,
				onProgress: ctx.onProgress,
				deadlineMs: this.#limits.toolTimeoutMs,
			});
		}
		return null;
	}

	boot(serverId: string, request: BootRequest, ctx: CallContext): Promise<BootChange> {
		return bootServer(this.#client, serverId, request, {
			signal: ctx.signal,
			onProgress: ctx.onProgress,
			deadlineMs: this.#limits.toolTimeoutMs,
		});
	}

	async openConsole(serverId: string, ctx: CallContext): Promise<ConsoleLink> {
		ctx.onProgress?.({ message: "asking OVH for IPMI access" });
		const ipToAllow = await resolveIpToAllow(this.#client, this.#allowedIp, ctx.signal);
		const viewer = await requestKvmViewerUrl(this.#client, serverId, {
			ipToAllow,
			onProgress: ctx.onProgress,
			signal: ctx.signal,
		});
		return openAmiConsole(
			{
				fetch: this.#fetch,
				viewerUrl: viewer.url,
				allowedIp: ipToAllow,
				maxWidth: this.#limits.maxWidth,
				maxHeight: this.#limits.maxHeight,
				inputDelayMs: this.#limits.inputDelayMs,
			},
			ctx,
		);
	}
}
