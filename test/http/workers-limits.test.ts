import { describe, expect, it } from "vitest";
import { workersLimitHint } from "../../src/http/workers-limits.ts";
import { VncClient } from "../../src/vnc/vnc-client.ts";

describe("workersLimitHint", () => {
	it("names an untrusted certificate", () => {
		const hint = workersLimitHint(
			"https://bmc.example.net/kvm",
			"TLS peer's certificate is not trusted",
		);
		expect(hint).toMatch(/not trusted by Cloudflare Workers, which cannot skip verification/);
		expect(hint).not.toMatch(/bare IP/);
	});

	it("names a bare IPv4 or IPv6 address", () => {
		expect(workersLimitHint("https://203.0.113.7/viewer", "connection refused")).toMatch(
			/203\.0\.113\.7 is a bare IP address, which deployed Workers cannot fetch: give it a DNS name/,
		);
		expect(workersLimitHint("http://[2001:db8::1]:5900/", "x")).toMatch(
			/\[2001:db8::1\] is a bare IP address/,
		);
	});

	it("says nothing when no Workers limit applies", () => {
		expect(workersLimitHint("https://bmc.example.net/kvm", "connection refused")).toBe("");
		expect(workersLimitHint("not a url", "connection refused")).toBe("");
	});

	it("reaches the user when a VNC endpoint on a bare IP cannot be reached", async () => {
		const failing = () => Promise.reject(new Error("connect ECONNREFUSED"));
		await expect(
			VncClient.connect({ fetch: failing, url: "ws://192.0.2.1:5901/", deadlineMs: 2000 }),
		).rejects.toThrow(/192\.0\.2\.1 is a bare IP address/);
	});
});
