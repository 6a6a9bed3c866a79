/**
 * OVH's IPMI access flow, which ends in a short-lived URL of the BMC's HTML5
 * KVM viewer: check the server's IPMI features, ask for an access (OVH runs it
 * as a task), wait for that task, then read the access value.
 */

import { ConfigError, ProtocolError } from "../../errors.ts";
import { serverTextLiteral } from "../../server-text.ts";
import type { Progress } from "../types.ts";
import type { OvhClient } from "./client.ts";
import { OvhApiError, OvhIpmiUnavailableError } from "./errors.ts";
import { asObject, optionalString } from "./shape.ts";
import { followTask, parseTask, word } from "./tasks.ts";

/** Minutes an access stays valid (dedicated.server.CacheTTLEnum). */
export type IpmiAccessTtl = 1 | 3 | 5 | 10 | 15;
const ACCESS_TTLS: readonly number[] = [1, 3, 5, 10, 15];

/** dedicated.server.IpmiAccessTypeEnum, in the order we name them to users. */
const ACCESS_TYPES = ["kvmipHtml5URL", "kvmipJnlp", "serialOverLanURL", "serialOverLanSshKey"];

export interface KvmViewerOptions {
	/** The IPv4 address OVH lets open this session; see resolveIpToAllow. */
	ipToAllow: string;
	ttl?: IpmiAccessTtl;
	/** Called at each step and task poll; `progress` counts up by one, as MCP progress must. */
	onProgress?: (progress: Progress) => void;
	signal?: AbortSignal;
	/** Budget of the whole flow by the client's clock, task polling included. */
	deadlineMs?: number;
}

export interface KvmViewerUrl {
	url: string;
	/** ISO 8601, or null when OVH gives no expiration. */
	expiresAt: string | null;
}

export async function requestKvmViewerUrl(
	client: OvhClient,
	serverId: string,
	options: KvmViewerOptions,
): Promise<KvmViewerUrl> {
	const { ipToAllow, ttl = 15, onProgress, signal, deadlineMs = 120_000 } = options;
	if (!ACCESS_TTLS.includes(ttl)) {
		throw new ConfigError(`IPMI access ttl must be 1, 3, 5, 10 or 15 minutes, got ${ttl}`);
	}
	if (!isIpv4(ipToAllow)) {
		throw new ConfigError(`ipToAllow must be an IPv4 address, got "${ipToAllow}"`);
	}
	const deadline = client.now() + deadlineMs;
	let step = 0;
	const report = (message: string) => onProgress?.({ message, progress: ++step });
	const server = `/dedicated/server/${encodeURIComponent(serverId)}`;
	const ipmi = `${server}/features/ipmi`;

	report(`Checking the IPMI features of ${serverId}`);
	requireHtml5Kvm(serverId, await client.get(ipmi, { signal }));

	report(`Asking OVH for a ${ttl}-minute HTML5 KVM session on ${serverId} for ${ipToAllow}`);
	const body = { type: "kvmipHtml5URL", ttl, ipToAllow };
	const task = parseTask(
		await client.post(`${ipmi}/access`, { body, signal }),
		`POST ${ipmi}/access`,
	);

	await followTask(client, serverId, task, {
		deadline,
		budgetMs: deadlineMs,
		purpose: `open the KVM of ${serverId}`,
		report,
		signal,
	});

	report(`Fetching the KVM viewer URL of ${serverId}`);
	const what = `OVH API GET ${ipmi}/access`;
	const access = asObject(await client.get(`${ipmi}/access?type=kvmipHtml5URL`, { signal }), what);
	const url = optionalString(access, "value", what);
	if (url === null || !/^https?:\/\//i.test(url) || !URL.canParse(url)) {
		throw new ProtocolError(`${what} gave no http(s) URL for the HTML5 KVM`);
	}
	const expiration = optionalString(access, "expiration", what);
	const expiresAt = expiration === null ? Number.NaN : Date.parse(expiration);
	if (expiration !== null && Number.isNaN(expiresAt)) {
		throw new ProtocolError(
			`${what}: expiration ${serverTextLiteral(expiration, 60)} is not a date`,
		);
	}
	return { url, expiresAt: expiration === null ? null : new Date(expiresAt).toISOString() };
}

/**
 * The address OVH should let open IPMI sessions: IPMI_ALLOWED_IP when set,
 * otherwise the address OVH itself sees this Worker calling from
 * (POST /me/geolocation). OVH serves that call without authentication; where
 * it refuses the plain call we sign it, so that a consumer key granting it works.
 */
export async function resolveIpToAllow(
	client: OvhClient,
	configured?: string,
	signal?: AbortSignal,
): Promise<string> {
	const explicit = configured?.trim();
	if (explicit) {
		if (!isIpv4(explicit)) {
			throw new ConfigError(
				`IPMI_ALLOWED_IP must be an IPv4 address such as 203.0.113.7 (OVH limits IPMI sessions to one IPv4 address), got "${explicit}"`,
			);
		}
		return explicit;
	}
	const what = "OVH API POST /me/geolocation";
	const geolocation = (authenticated: boolean) =>
		client.post("/me/geolocation", { signal, authenticated });
	let answer: unknown;
	try {
		answer = await geolocation(false).catch((error: unknown) => {
			if (isRefusal(error)) return geolocation(true);
			throw error;
		});
	} catch (error) {
		if (!isRefusal(error)) throw error;
		throw new ConfigError(
			`OVH refused POST /me/geolocation (HTTP ${error.status}${error.errorCode ? ` ${error.errorCode}` : ""}), which tells ikvm-mcp the IP to allow: ` +
				`add {"method": "POST", "path": "/me/geolocation"} to the consumer key's access rules, ` +
				"or set IPMI_ALLOWED_IP to the IPv4 address OVH should let open the KVM",
		);
	}
	const seen = asObject(answer, what);
	const ip = optionalString(seen, "ip", what);
	if (ip === null) throw new ProtocolError(`${what} did not say which IP it sees`);
	if (!isIpv4(ip)) {
		throw new ConfigError(
			`OVH sees this Worker calling from ${word(ip)}, but OVH limits IPMI sessions to one IPv4 address; set IPMI_ALLOWED_IP`,
		);
	}
	return ip;
}

function isRefusal(error: unknown): error is OvhApiError {
	return error instanceof OvhApiError && (error.status === 401 || error.status === 403);
}

/** Dotted-quad IPv4, no leading zeros (which some parsers read as octal). */
export function isIpv4(text: string): boolean {
	return /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/.test(
		text,
	);
}

function requireHtml5Kvm(serverId: string, answer: unknown): void {
	const what = `OVH API GET /dedicated/server/${serverId}/features/ipmi`;
	const ipmi = asObject(answer, what);
	if (ipmi.activated !== true) {
		throw new OvhIpmiUnavailableError(
			`IPMI is not activated on ${serverId}, so OVH offers no remote console for it`,
			[],
		);
	}
	// Without a feature list there is nothing to rule out: try the HTML5 KVM.
	if (ipmi.supportedFeatures === undefined || ipmi.supportedFeatures === null) return;
	const features = asObject(ipmi.supportedFeatures, `${what}: supportedFeatures`);
	const supported = ACCESS_TYPES.filter((type) => features[type] === true);
	if (!supported.includes("kvmipHtml5URL")) {
		const offered =
			supported.length > 0
				? `it offers only ${supported.join(", ")}`
				: "it offers no console access type";
		throw new OvhIpmiUnavailableError(
			`The IPMI of ${serverId} has no HTML5 KVM (kvmipHtml5URL); ${offered}`,
			supported,
		);
	}
}
