import { ConfigError } from "../../errors.ts";
import { LOOPBACK_HOSTS } from "../../runtime.ts";

const OVH_EU = "https://eu.api.ovh.com/1.0";
const OVH_CA = "https://ca.api.ovh.com/1.0";
const OVH_US = "https://api.us.ovhcloud.com/1.0";
const KIMSUFI_EU = "https://eu.api.kimsufi.com/1.0";
const KIMSUFI_CA = "https://ca.api.kimsufi.com/1.0";
const SOYOUSTART_EU = "https://eu.api.soyoustart.com/1.0";
const SOYOUSTART_CA = "https://ca.api.soyoustart.com/1.0";

/** OVHcloud API roots, keyed by every name OVH's official clients (node-ovh, python-ovh) accept, plus short forms. */
const ENDPOINTS: Readonly<Record<string, string>> = {
	eu: OVH_EU,
	ca: OVH_CA,
	us: OVH_US,
	"ovh-eu": OVH_EU,
	"ovh-ca": OVH_CA,
	"ovh-us": OVH_US,
	"kimsufi-eu": KIMSUFI_EU,
	"kimsufi-ca": KIMSUFI_CA,
	"ks-eu": KIMSUFI_EU,
	"ks-ca": KIMSUFI_CA,
	"soyoustart-eu": SOYOUSTART_EU,
	"soyoustart-ca": SOYOUSTART_CA,
	"sys-eu": SOYOUSTART_EU,
	"sys-ca": SOYOUSTART_CA,
};

export const OVH_ENDPOINT_NAMES: readonly string[] = Object.keys(ENDPOINTS);

/**
 * The API root for an OVH_ENDPOINT setting: a name such as "eu" or "ks-ca", or a full "https://…/1.0" URL
 * (an API proxy or gateway). Plain http:// is accepted only for loopback hosts, for a fake API in development.
 */
export function ovhEndpointUrl(name: string): string {
	const key = name.trim().toLowerCase();
	if (Object.hasOwn(ENDPOINTS, key)) return ENDPOINTS[key] as string;
	if (key.startsWith("https://") || key.startsWith("http://"))
		return customEndpointUrl(name.trim());
	throw new ConfigError(
		`OVH_ENDPOINT "${name}" is not an OVH API endpoint; use one of ${OVH_ENDPOINT_NAMES.join(", ")}, ` +
			"or a full https://…/1.0 URL",
	);
}

function customEndpointUrl(text: string): string {
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw new ConfigError(`OVH_ENDPOINT "${text}" is not a valid URL`);
	}
	if (url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== "") {
		throw new ConfigError(
			`OVH_ENDPOINT "${url.origin}${url.pathname}" must not carry credentials, a query or a fragment`,
		);
	}
	if (url.protocol === "http:" && !LOOPBACK_HOSTS.has(url.hostname)) {
		throw new ConfigError(
			`OVH_ENDPOINT "${text}" uses plain http://, which is accepted only for loopback hosts (localhost, 127.0.0.1, [::1]); use https://`,
		);
	}
	const path = url.pathname.replace(/\/+$/, "");
	if (!path.endsWith("/1.0")) {
		throw new ConfigError(
			`OVH_ENDPOINT "${text}" must end with the API version path /1.0, like https://eu.api.ovh.com/1.0`,
		);
	}
	return `${url.origin}${path}`;
}
