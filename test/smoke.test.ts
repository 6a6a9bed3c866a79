import { exports } from "cloudflare:workers";
import { expect, it } from "vitest";
import { vectorNames, vectorsPresent } from "./support/vectors.ts";

it("serves", async () => {
	const r = await exports.default.fetch("http://localhost/");
	expect(await r.text()).toBe("ok");
});

it.skipIf(!vectorsPresent)("sees the shared vectors", () => {
	expect(vectorNames("ast2x00")).toContain("aspeedbluescreen.bin");
});
