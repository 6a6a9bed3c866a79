/**
 * OVH API target: listServers, requestKvmViewerUrl and resolveIpToAllow on an
 * OvhClient whose injected fetch answers each route from a generated script:
 * OVH-shaped JSON mutated at the value level (types swapped, keys dropped or
 * added, odd strings such as lone surrogates, huge and fractional numbers),
 * sometimes at the byte level (broken JSON, invalid UTF-8), with mutated
 * statuses and Retry-After / Content-Length headers, or a network error.
 * Clock and sleep are fake, so retries and task polling cost no time.
 */

import { OvhClient } from "../../../src/providers/ovh/client.ts";
import { isIpv4, requestKvmViewerUrl, resolveIpToAllow } from "../../../src/providers/ovh/ipmi.ts";
import { listServers } from "../../../src/providers/ovh/servers.ts";
import { type FuzzTarget, InvariantError, type Rng } from "../engine.ts";
import { mutateBytes } from "../mutate.ts";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

type Route = "time" | "list" | "detail" | "ipmi" | "accessPost" | "task" | "accessGet" | "geo";

interface Answer {
	status: number;
	headers: Record<string, string>;
	/** null: the fetch rejects, as on a network error. */
	body: Uint8Array | null;
}

type Script = Record<Route, Answer[]>;

const utf8 = new TextEncoder();

function templates(rng: Rng): Record<Route, Json[]> {
	const names = Array.from({ length: rng.int(0, 4) }, (_, i) => `ns${3000 + i}.ip-51-75-1.eu`);
	const taskId = rng.int(1, 2 ** 31);
	const task = (status: string): Json => ({
		taskId,
		function: "ipmiAccess",
		status,
		comment: status === "done" ? null : "in progress",
		startDate: "2025-01-01T10:00:00+01:00",
		doneDate: null,
	});
	return {
		time: [1_700_000_000],
		list: [names],
		detail: names.map((name, i) => ({
			name,
			reverse: i % 2 === 0 ? `host${i}.example.org.` : null,
			datacenter: "rbx8",
			ip: `51.75.1.${10 + i}`,
			state: "ok",
			serverId: 100 + i,
		})),
		ipmi: [
			{
				activated: true,
				supportedFeatures: {
					kvmipHtml5URL: true,
					kvmipJnlp: true,
					serialOverLanURL: false,
					serialOverLanSshKey: true,
				},
			},
		],
		accessPost: [task("todo")],
		task: [task("doing"), task("done")],
		accessGet: [
			{
				value: "https://bmc.example.net/viewer?token=abc",
				expiration: "2025-01-01T10:15:00+01:00",
			},
		],
		geo: [{ ip: "203.0.113.7", countryCode: "fr", continent: "europe" }],
	};
}

const ODD_STRINGS = [
	"",
	" ",
	"done",
	"doing",
	"cancelled",
	"\ud800",
	"\udfff x",
	"ns1/../../me",
	"%",
	"?a=b#c",
	"x".repeat(3000),
	"http://",
	"https://",
	"https://[::1]:99999/",
	"javascript:alert(1)",
	"2025-13-45T99:99:99Z",
	"+275760-09-13T00:00:00.001Z",
	"-271821-04-20T00:00:00.000Z",
	"0",
	"256.1.1.1",
	"203.0.113.7",
	"::1",
	"\u0000",
	"é\u2028",
];

const ODD_NUMBERS = [0, -0, 1, -1, 1.5, 2 ** 31, 2 ** 53, 2 ** 53 + 2, 1e308, -1e308, 5e-324];

function randomValue(rng: Rng, depth = 0): Json {
	switch (rng.below(depth > 2 ? 5 : 7)) {
		case 0:
			return null;
		case 1:
			return rng.chance(0.5);
		case 2:
			return rng.pick(ODD_NUMBERS);
		case 3:
		case 4:
			return rng.pick(ODD_STRINGS);
		case 5:
			return Array.from({ length: rng.int(0, 3) }, () => randomValue(rng, depth + 1));
		default: {
			const o: Record<string, Json> = {};
			for (let i = rng.int(0, 3); i > 0; i--) o[rng.pick(KEYS)] = randomValue(rng, depth + 1);
			return o;
		}
	}
}

const KEYS = [
	"taskId",
	"status",
	"function",
	"comment",
	"value",
	"expiration",
	"activated",
	"supportedFeatures",
	"kvmipHtml5URL",
	"ip",
	"reverse",
	"name",
	"datacenter",
	"message",
	"errorCode",
	"__proto__",
	"constructor",
];

/** Replaces, removes or adds one node somewhere in the value. */
function mutateJson(rng: Rng, v: Json, depth = 0): Json {
	const descend = rng.chance(0.6);
	if (Array.isArray(v)) {
		if (descend && v.length > 0) {
			const copy = v.slice();
			const i = rng.below(copy.length);
			copy[i] = mutateJson(rng, copy[i], depth + 1);
			return copy;
		}
		const copy = v.slice();
		switch (rng.below(4)) {
			case 0:
				copy.splice(rng.below(copy.length + 1), 0, randomValue(rng));
				break;
			case 1:
				copy.splice(rng.below(copy.length), 1);
				break;
			case 2:
				// Past MAX_OVH_SERVERS, for lists.
				for (let i = rng.int(1, 1100); i > 0; i--) copy.push(copy[0] ?? "n");
				break;
			default:
				return randomValue(rng);
		}
		return copy;
	}
	if (v !== null && typeof v === "object") {
		const keys = Object.keys(v);
		const copy: Record<string, Json> = { ...v };
		if (descend && keys.length > 0) {
			const k = rng.pick(keys);
			copy[k] = mutateJson(rng, copy[k], depth + 1);
		} else if (rng.chance(0.4) && keys.length > 0) {
			delete copy[rng.pick(keys)];
		} else if (rng.chance(0.5)) {
			copy[rng.pick(KEYS)] = randomValue(rng);
		} else {
			return randomValue(rng);
		}
		return copy;
	}
	return randomValue(rng);
}

const STATUSES = [200, 200, 200, 201, 204, 400, 403, 404, 409, 429, 500, 502, 503, 599];

function answer(rng: Rng, value: Json): Answer {
	let json = value;
	if (rng.chance(0.4)) json = mutateJson(rng, json);
	if (rng.chance(0.15)) json = mutateJson(rng, json);
	let body: Uint8Array | null = utf8.encode(JSON.stringify(json));
	if (rng.chance(0.08)) body = mutateBytes(rng, body, { maxOps: 3 });
	let status = 200;
	if (rng.chance(0.12)) {
		status = rng.pick(STATUSES);
		if (status >= 400 && rng.chance(0.5)) {
			body = utf8.encode(
				JSON.stringify(
					rng.chance(0.5)
						? { class: "Client::NotFound", message: rng.pick(ODD_STRINGS) }
						: {
								errorCode: rng.pick(ODD_STRINGS),
								httpCode: "400 Bad Request",
								message: "Invalid signature",
							},
				),
			);
		}
	}
	if (status === 204) body = new Uint8Array(0);
	const headers: Record<string, string> = {};
	if (rng.chance(0.05))
		headers["retry-after"] = rng.pick([
			"0",
			"1",
			"10",
			"11",
			"99999999999",
			"Wed, 21 Oct 2015 07:28:00 GMT",
			"soon",
			"-1",
		]);
	if (rng.chance(0.05)) headers["content-length"] = rng.pick(["0", "3", "4194305", "abc", "-1"]);
	if (rng.chance(0.01)) body = null;
	return { status, headers, body };
}

function makeScript(rng: Rng): Script {
	const t = templates(rng);
	const script = {} as Script;
	for (const route of Object.keys(t) as Route[]) {
		const values = t[route].length > 0 ? t[route] : [{}];
		script[route] = values.map((v) => answer(rng, v));
		// Extra answers: retries after a 5xx, longer task polling.
		for (let i = rng.chance(0.2) ? rng.int(1, 6) : 0; i > 0; i--)
			script[route].push(answer(rng, rng.pick(values)));
	}
	return script;
}

function route(method: string, url: URL): Route {
	const p = url.pathname.replace(/^\/1\.0/, "");
	if (p === "/auth/time") return "time";
	if (p === "/me/geolocation") return "geo";
	if (p === "/dedicated/server") return "list";
	if (/\/task\/[^/]+$/.test(p)) return "task";
	if (p.endsWith("/features/ipmi/access")) return method === "POST" ? "accessPost" : "accessGet";
	if (p.endsWith("/features/ipmi")) return "ipmi";
	return "detail";
}

function scriptedFetch(script: Script): typeof fetch {
	const used: Record<string, number> = {};
	return async (input, init) => {
		const url = new URL(String(input));
		const r = route(init?.method ?? "GET", url);
		const i = used[r] ?? 0;
		used[r] = i + 1;
		const answers = script[r];
		const a = answers[Math.min(i, answers.length - 1)];
		if (a.body === null) throw new TypeError("fetch failed");
		return new Response(a.status === 204 ? null : (a.body as Uint8Array<ArrayBuffer>), {
			status: a.status,
			headers: a.headers,
		});
	};
}

function describe(script: Script): string {
	const latin1 = new TextDecoder("latin1");
	const out: Record<string, unknown> = {};
	for (const [k, answers] of Object.entries(script)) {
		out[k] = answers.map((a) => ({ ...a, body: a.body === null ? null : latin1.decode(a.body) }));
	}
	return JSON.stringify(out);
}

type Flow = "listServers" | "requestKvmViewerUrl" | "resolveIpToAllow";

function checkResult(flow: Flow, result: unknown): void {
	const fail = (what: string) => {
		throw new InvariantError(`${flow} answered ${what}: ${JSON.stringify(result)?.slice(0, 300)}`);
	};
	const stringOrNull = (v: unknown) => v === null || typeof v === "string";
	if (flow === "listServers") {
		if (!Array.isArray(result)) fail("a non-array");
		for (const s of result as Record<string, unknown>[]) {
			if (typeof s.id !== "string" || typeof s.name !== "string" || s.provider !== "ovh")
				fail("a bad server");
			if (!stringOrNull(s.datacenter) || !stringOrNull(s.ip)) fail("a bad server");
		}
	} else if (flow === "requestKvmViewerUrl") {
		const r = result as { url: unknown; expiresAt: unknown };
		if (typeof r.url !== "string" || !/^https?:\/\//i.test(r.url)) fail("a bad url");
		if (!stringOrNull(r.expiresAt)) fail("a bad expiry");
	} else if (typeof result !== "string" || !isIpv4(result)) {
		fail("a bad IP");
	}
}

export function ovhTarget(): FuzzTarget {
	return {
		name: "ovh",
		about:
			"listServers / requestKvmViewerUrl / resolveIpToAllow over a scripted fetch: JSON values, bytes, statuses, headers mutated",
		make(rng) {
			const flow = rng.pick<Flow>(["listServers", "requestKvmViewerUrl", "resolveIpToAllow"]);
			const script = makeScript(rng);
			const text = describe(script);
			return {
				bytes: utf8.encode(text),
				note: `flow ${flow}; script ${text.slice(0, 2000)}`,
				async run() {
					let clock = 1_700_000_000_000;
					const client = new OvhClient({
						endpoint: "eu",
						applicationKey: "app-key",
						applicationSecret: "app-secret-0123",
						consumerKey: "consumer-key-0123",
						fetch: scriptedFetch(script),
						now: () => clock,
						sleep: async (ms) => {
							clock += ms;
						},
						requestTimeoutMs: 60_000,
					});
					let result: unknown;
					if (flow === "listServers") result = await listServers(client);
					else if (flow === "resolveIpToAllow") result = await resolveIpToAllow(client);
					else
						result = await requestKvmViewerUrl(client, "ns3000.ip-51-75-1.eu", {
							ipToAllow: "203.0.113.7",
						});
					checkResult(flow, result);
					return result;
				},
			};
		},
	};
}
