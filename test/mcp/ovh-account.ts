/**
 * One OVH server end to end for the MCP tests: a mock OVH account of its own
 * (the Worker checks server ids against each account's cached list) whose
 * IPMI access hands out `bmc`'s viewer URL, and the server's ConsoleSession
 * given an OvhProvider that reaches both through one transport, as in
 * production: the OVH API host goes to the mock OVH, the rest to the BMC.
 */
import type { MockBmc } from "../../src/kvm/mock-bmc.ts";
import { OvhProvider } from "../../src/providers/ovh/provider.ts";
import { MockOvh, type MockServer } from "../mocks/mock-ovh.ts";
import type { EnvOverrides } from "../support/mcp-client.ts";
import { testWorld } from "../support/test-worker.ts";

export function ovhServerOnBmc(
	server: string,
	bmc: MockBmc,
	options: { env?: EnvOverrides; details?: Partial<Omit<MockServer, "name">> } = {},
) {
	const ovh = new MockOvh({
		viewerUrl: () => bmc.viewerUrl(),
		consumerKey: `ck${crypto.randomUUID().replaceAll("-", "")}`,
	});
	const host = ovh.addServer(server, options.details);
	testWorld.ovhAccounts.set(ovh.consumerKey, (input, init) => ovh.fetch(input as Request, init));
	const env = {
		DEMO: "off",
		OVH_ENDPOINT: "eu",
		OVH_APPLICATION_KEY: ovh.applicationKey,
		OVH_APPLICATION_SECRET: ovh.applicationSecret,
		OVH_CONSUMER_KEY: ovh.consumerKey,
		IPMI_ALLOWED_IP: "",
		...options.env,
	};
	const transport = ((input: RequestInfo | URL, init?: RequestInit) => {
		const url = new URL(input instanceof Request ? input.url : input.toString());
		return url.host === "eu.api.ovh.com"
			? ovh.fetch(input as Request | string, init)
			: bmc.fetch(input as Request | string, init);
	}) as typeof fetch;
	testWorld.sessionProviders.set(`ovh:${server}`, () => [
		new OvhProvider({ ...env } as unknown as Env, transport),
	]);
	return { ovh, host, env };
}
