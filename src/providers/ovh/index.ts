export type { HttpMethod, OvhClientOptions, OvhCredentials, OvhRequestOptions } from "./client.ts";
export { OvhClient, ovhSignature } from "./client.ts";
export { OVH_ENDPOINT_NAMES, ovhEndpointUrl } from "./endpoints.ts";
export {
	OvhApiError,
	OvhError,
	OvhIpmiUnavailableError,
	OvhTaskError,
	OvhUnreachableError,
} from "./errors.ts";
export type { IpmiAccessTtl, KvmViewerOptions, KvmViewerUrl } from "./ipmi.ts";
export { isIpv4, requestKvmViewerUrl, resolveIpToAllow } from "./ipmi.ts";
export type { ListServersOptions } from "./servers.ts";
export { listServers, MAX_OVH_SERVERS } from "./servers.ts";
