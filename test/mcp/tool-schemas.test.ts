import { describe, expect, it } from "vitest";
import { connectClient } from "../support/mcp-client.ts";

/** Paths of every `type` keyword whose value is an array, anywhere in `schema`. */
function typeArrays(schema: unknown, path: string): string[] {
	if (schema === null || typeof schema !== "object") return [];
	const found: string[] = [];
	for (const [key, value] of Object.entries(schema)) {
		if (key === "type" && Array.isArray(value))
			found.push(`${path}.type = ${JSON.stringify(value)}`);
		else found.push(...typeArrays(value, `${path}.${key}`));
	}
	return found;
}

describe("tool schemas as tools/list sends them", () => {
	it("use no JSON-Schema type arrays, which several MCP clients reject (nullable is anyOf)", async () => {
		const client = await connectClient({ DEMO: "on" });
		const { tools } = await client.listTools();
		await client.close();
		expect(tools.length).toBeGreaterThan(0);
		const found = tools.flatMap((tool) => [
			...typeArrays(tool.inputSchema, `${tool.name}.inputSchema`),
			...typeArrays(tool.outputSchema, `${tool.name}.outputSchema`),
		]);
		expect(found).toEqual([]);

		const output = tools.find((t) => t.name === "list_servers")?.outputSchema;
		const servers = output?.properties?.servers as {
			items: { properties: Record<string, unknown> };
		};
		const server = servers.items.properties;
		expect(server.datacenter).toEqual({
			anyOf: [
				{ type: "string", description: "Where the server is; null when the provider does not say" },
				{ type: "null" },
			],
		});
		expect(server.ip).toMatchObject({ anyOf: [{ type: "string" }, { type: "null" }] });
	}, 30_000);
});
