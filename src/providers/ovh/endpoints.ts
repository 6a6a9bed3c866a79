import { ConfigError } from "../../errors.ts";

/** OVHcloud API roots, keyed by the names python-ovh / node-ovh use and their short forms. */
const ENDPOINTS: Readonly<Record<string, string>> = {
	eu: "https://eu.api.ovh.com/1.0",
	ca: "https://ca.api.ovh.com/1.0",
	us: "https://api.us.ovhcloud.com/1.0",
	"ovh-eu": "https://eu.api.ovh.com/1.0",
	"ovh-ca": "https://ca.api.ovh.com/1.0",
	"ovh-us": "https://api.us.ovhcloud.com/1.0",
};

export const OVH_ENDPOINT_NAMES: readonly string[] = Object.keys(ENDPOINTS);

/** The API root for an OVH_ENDPOINT setting such as "eu" or "ovh-ca". */
export function ovhEndpointUrl(name: string): string {
	const key = name.trim().toLowerCase();
	const url = Object.hasOwn(ENDPOINTS, key) ? ENDPOINTS[key] : undefined;
	if (url === undefined) {
		throw new ConfigError(
			`OVH_ENDPOINT "${name}" is not an OVH API endpoint; use one of ${OVH_ENDPOINT_NAMES.join(", ")}`,
		);
	}
	return url;
}
