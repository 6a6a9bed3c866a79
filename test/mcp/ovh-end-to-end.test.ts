/**
 * get_screenshot of an OVH server, end to end through the MCP client, the
 * Worker and its ConsoleSession: OVH API (mock, checking signatures) -> IPMI
 * access task -> viewer URL -> AMI BMC (mock) -> IVTP -> ASPEED decode -> PNG.
 * The BMC sends a real AST2500 capture, so the pixels are checked against
 * what the vendor's viewer draws.
 */

import { afterEach, describe, expect, it } from "vitest";
import { createMockBmc } from "../../src/kvm/mock-bmc.ts";
import { CAPTURE_HEADERS } from "../support/captures.ts";
import { connectClient } from "../support/mcp-client.ts";
import { decodePng, screenshotPixels } from "../support/png.ts";
import { testWorld } from "../support/test-worker.ts";
import { VECTORS_MISSING, vector, vectorsPresent } from "../support/vectors.ts";
import { ovhServerOnBmc } from "./ovh-account.ts";

const SERVER = "ns3141592.ip-203-0-113.eu";
const OTHER = "ns2718281.ip-203-0-113.eu";
const IDLE = "ns1414213.ip-203-0-113.eu";
const UBUNTU = "ast2x00/ubuntu_444_800x600_0chrom_0lum";

/** Each test uses its own server, so it gets its own (cold) ConsoleSession. */
function rig(server: string, options: { allowedIp?: string } = {}) {
	const bmc = createMockBmc({
		frames: () => ({
			header: CAPTURE_HEADERS.ubuntu_444_800x600_0chrom_0lum,
			stream: vector(`${UBUNTU}.bin`),
		}),
		split: "awkward",
	});
	const { ovh, env } = ovhServerOnBmc(server, bmc, {
		env: { IPMI_ALLOWED_IP: options.allowedIp ?? "" },
	});
	ovh.taskPlan = { pollsToFinish: 1, outcome: "done", comment: "Access granted" };
	return { bmc, ovh, env };
}

function expected(): Uint8Array {
	return decodePng(vector(`${UBUNTU}.expected.png`)).rgba;
}

afterEach(() => testWorld.sessionProviders.clear());

describe.skipIf(!vectorsPresent)(
	`OVH get_screenshot end to end (${vectorsPresent ? "real capture" : VECTORS_MISSING})`,
	() => {
		it("opens IPMI access for the IP OVH sees, reports progress, and shows the console pixel-exact", async () => {
			const { ovh, env, bmc } = rig(SERVER);
			const client = await connectClient(env);
			const progress: string[] = [];
			const result = await client.callTool(
				{ name: "get_screenshot", arguments: { serverId: SERVER, raw: true } },
				undefined,
				{ onprogress: (p) => progress.push(p.message ?? "") },
			);
			expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
			const shot = screenshotPixels(result);
			expect([shot.width, shot.height]).toEqual([800, 600]);
			const want = expected();
			expect(shot.rgba.every((v, i) => v === want[i])).toBe(true);

			const access = ovh.requests.find(
				(r) => r.method === "POST" && r.path.endsWith("/features/ipmi/access"),
			);
			expect(access?.body).toEqual({
				type: "kvmipHtml5URL",
				ttl: 15,
				ipToAllow: ovh.geolocationIp,
			});
			expect(progress.length).toBeGreaterThanOrEqual(3);
			expect(progress.join("\n")).toMatch(/OVH/);

			// The second screenshot reuses the open KVM socket: no new OVH task, no new BMC connection.
			const tasksBefore = ovh.tasks.size;
			const again = await client.callTool({
				name: "get_screenshot",
				arguments: { serverId: SERVER },
			});
			expect(again.isError).toBeFalsy();
			expect((again.content as { text?: string }[])[1].text).toMatch(
				/reused the open console session/,
			);
			expect(ovh.tasks.size).toBe(tasksBefore);
			expect(bmc.connections.length).toBe(1);
			await client.close();
		});

		it("uses IPMI_ALLOWED_IP when set, without asking OVH", async () => {
			const { ovh, env } = rig(OTHER, { allowedIp: "192.0.2.44" });
			const client = await connectClient(env);
			const result = await client.callTool({
				name: "get_screenshot",
				arguments: { serverId: OTHER, raw: true },
			});
			expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
			expect(ovh.requests.some((r) => r.path === "/me/geolocation")).toBe(false);
			const access = ovh.requests.find(
				(r) => r.method === "POST" && r.path.endsWith("/features/ipmi/access"),
			);
			expect(access?.body).toMatchObject({ ipToAllow: "192.0.2.44" });
			await client.close();
		});

		it("after IDLE_SECONDS closes the KVM socket, and reopens it from the same BMC session without a new OVH task", async () => {
			const { ovh, env, bmc } = rig(IDLE);
			const client = await connectClient({ ...env, IDLE_SECONDS: "1" });
			const shoot = () =>
				client.callTool({ name: "get_screenshot", arguments: { serverId: IDLE, raw: true } });
			expect((await shoot()).isError).toBeFalsy();

			// The session's own alarm closes the idle socket, about a second later.
			const closed = await Promise.race([
				bmc.connections[0].closed,
				new Promise<never>((_, reject) =>
					setTimeout(() => reject(new Error("socket still open after 5 s")), 5000),
				),
			]);
			expect(closed.byClient).toBe(true);

			const tasks = ovh.tasks.size;
			const again = await shoot();
			expect(again.isError, JSON.stringify(again.content)).toBeFalsy();
			expect(ovh.tasks.size).toBe(tasks);
			expect(bmc.connections.length).toBe(2);
			await client.close();
		});
	},
);
