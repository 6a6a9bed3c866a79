/**
 * Console sockets never follow redirects: a 3xx could carry a BMC's session
 * cookie to another host, or show another machine's screen as this one's.
 */
import { serverTextLiteral } from "../server-text.ts";

/** Says where a 3xx answer pointed, for an error message; null when it is not a redirect. */
export function describeRedirect(response: Response, requested: string): string | null {
	if (response.status < 300 || response.status >= 400) return null;
	const location = response.headers.get("Location");
	let target = "an unnamed location";
	if (location !== null) {
		try {
			target = serverTextLiteral(new URL(location, requested).host, 100);
		} catch {
			target = "a malformed location";
		}
	}
	return `HTTP ${response.status} redirect to ${target}, which is not followed`;
}
