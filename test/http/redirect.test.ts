import { describe, expect, it } from "vitest";
import { describeRedirect } from "../../src/http/redirect.ts";

describe("describeRedirect", () => {
	it("names the status and the target host, quoted as the server's", () => {
		const response = new Response(null, {
			status: 302,
			headers: { Location: "https://attacker.example/kvm" },
		});
		expect(describeRedirect(response, "https://bmc.example/kvm")).toBe(
			'HTTP 302 redirect to "attacker.example", which is not followed',
		);
	});

	it("caps a hostile host name", () => {
		const host = `${"a".repeat(60)}.${"b".repeat(60)}.${"c".repeat(60)}.example`;
		const response = new Response(null, { status: 307, headers: { Location: `https://${host}/` } });
		const text = describeRedirect(response, "https://bmc.example/kvm") ?? "";
		expect(text).toMatch(
			/^HTTP 307 redirect to "a{60}\.b{39}…" \(cut at 100 of 190 characters\), which is not followed$/,
		);
	});
});
