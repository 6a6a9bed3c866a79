// Secrets are not in wrangler.toml, so `wrangler types` cannot see them.
interface IkvmSecrets {
	MCP_BEARER_TOKEN?: string;
	OVH_ENDPOINT?: string;
	OVH_APPLICATION_KEY?: string;
	OVH_APPLICATION_SECRET?: string;
	OVH_CONSUMER_KEY?: string;
}
interface Env extends IkvmSecrets {}
declare namespace Cloudflare {
	interface Env extends IkvmSecrets {}
}
