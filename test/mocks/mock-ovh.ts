/**
 * A stateful stand-in for the OVHcloud API, behind a `fetch` function.
 *
 * It checks what the real API checks (application key, consumer key, a
 * timestamp near its own clock, the "$1$" SHA-1 signature, computed here
 * independently of the client) and answers in OVH's shapes:
 * - errors: {"errorCode","httpCode","message"} for authentication failures
 *   (INVALID_SIGNATURE is 400, per ovh/php-ovh#62; INVALID_KEY and
 *   INVALID_CREDENTIAL are 403, per python-ovh's error mapping), and
 *   {"class","message"} for the rest;
 * - models from OVH's published schema (dedicated.server.Dedicated, Ipmi,
 *   IpmiAccessValue, Task; me.geolocation.ContinentCountryLocation).
 * Power and boot: GET …/boot?bootType= answers boot ids (long[]), PUT
 * /dedicated/server/{name} takes {bootId}, POST …/reboot answers a Task
 * (function hardReboot). While a reboot task runs, another reboot gets 409:
 * the status is OVH's for a conflicting task, its message our guess.
 * The skewed-timestamp answer (QUERY_TIME_OUT) and the default window are our
 * guess: public sources show neither.
 */

export type TaskStatus =
	| "init"
	| "todo"
	| "doing"
	| "done"
	| "cancelled"
	| "customerError"
	| "ovhError";

export interface MockServer {
	name: string;
	reverse: string | null;
	datacenter: string;
	ip: string;
	/** dedicated.server.Dedicated.bootId: what the server boots next. */
	bootId: number;
	/** dedicated.server.PowerStateEnum. */
	powerState: "poweron" | "poweroff";
	ipmi: {
		activated: boolean;
		/** Absent, as some answers have it: the access types are then not listed (all are granted). */
		supportedFeatures?: {
			kvmipHtml5URL: boolean;
			kvmipJnlp: boolean;
			serialOverLanSshKey: boolean;
			serialOverLanURL: boolean;
		};
	};
}

export interface MockOvhOptions {
	applicationKey?: string;
	applicationSecret?: string;
	consumerKey?: string;
	baseUrl?: string;
	/** OVH's clock, Unix seconds. */
	serverTime?: () => number;
	/** How far X-Ovh-Timestamp may stray from serverTime, in seconds. */
	timestampWindowS?: number;
	/** Real delay before each answer, so concurrent calls overlap. */
	latencyMs?: number;
	/** The kvmipHtml5URL value handed out once an access task is done (e.g. a mock BMC's viewer URL). */
	viewerUrl?: (serverName: string, taskId: number) => string;
}

export interface RecordedRequest {
	method: string;
	/** Path under the API root, query included: "/dedicated/server/x/task/1". */
	path: string;
	headers: Record<string, string>;
	body: unknown;
}

/** What the next matching request gets instead of a normal answer. */
export interface Fault {
	method?: string;
	/** Matches the path (query included) exactly, or by RegExp. */
	path?: string | RegExp;
	status?: number;
	retryAfter?: string;
	body?: unknown;
	/** Never answer; the request ends only when its signal aborts. */
	hang?: boolean;
	/** How many matching requests get this fault. */
	times?: number;
}

/** How the IPMI access tasks this mock creates end. */
export interface TaskPlan {
	/** Task polls (GET .../task/{id}) until it reaches its outcome. */
	pollsToFinish: number;
	/** "never" keeps the task at "doing" forever. */
	outcome: "done" | "cancelled" | "customerError" | "ovhError" | "never";
	comment: string;
	/** Reported instead of "doing" while the task runs (a status OVH might add). */
	runningAs?: string;
}

/** A netboot (dedicated.server.Netboot). */
export interface MockBoot {
	bootId: number;
	bootType: "harddisk" | "rescue" | "network" | "ipxeCustomerScript" | "internal";
	kernel: string;
}

interface MockTask {
	taskId: number;
	function: string;
	server: string;
	ttl: number;
	polls: number;
	status: TaskStatus | string;
	startDate: string;
}

import { OvhClient, type OvhClientOptions } from "../../src/providers/ovh/client.ts";

const JSON_TYPE = "application/json; charset=utf-8";

export class MockOvh {
	readonly applicationKey: string;
	readonly applicationSecret: string;
	readonly consumerKey: string;
	readonly baseUrl: string;
	readonly requests: RecordedRequest[] = [];
	readonly servers = new Map<string, MockServer>();
	readonly tasks = new Map<number, MockTask>();
	taskPlan: TaskPlan = { pollsToFinish: 3, outcome: "done", comment: "Access granted" };
	/** The address POST /me/geolocation reports. */
	geolocationIp = "198.51.100.23";
	/**
	 * Who POST /me/geolocation answers: anyone (as OVH does), only signed calls
	 * (else 401), or nobody (401 NOT_GRANTED_CALL: the key lacks the rule).
	 */
	geolocationAuth: "none" | "signed" | "not-granted" = "none";
	/** The boots every server offers. */
	boots: MockBoot[] = [
		{ bootId: 1, bootType: "harddisk", kernel: "harddisk" },
		{ bootId: 7, bootType: "harddisk", kernel: "harddisk-uefi" },
		{ bootId: 1122, bootType: "rescue", kernel: "rescue-customer" },
		{ bootId: 2233, bootType: "network", kernel: "ipxe-shell" },
	];
	/** Called when a reboot task is done, as the server goes down and boots `server.bootId`. */
	onReboot: ((server: MockServer) => void) | undefined;
	/** Most requests in flight at once so far. */
	maxInFlight = 0;
	#inFlight = 0;
	#faults: Fault[] = [];
	#nextTaskId = 4_242_000;
	readonly #serverTime: () => number;
	readonly #windowS: number;
	readonly #latencyMs: number;
	readonly #viewerUrl: MockOvhOptions["viewerUrl"];

	constructor(options: MockOvhOptions = {}) {
		this.applicationKey = options.applicationKey ?? "mockAppKey0000AK";
		this.applicationSecret = options.applicationSecret ?? "mockAppSecret000000000000000000AS";
		this.consumerKey = options.consumerKey ?? "mockConsumerKey0000000000000000CK";
		this.baseUrl = options.baseUrl ?? "https://eu.api.ovh.com/1.0";
		this.#serverTime = options.serverTime ?? (() => Math.floor(Date.now() / 1000));
		this.#windowS = options.timestampWindowS ?? 60;
		this.#latencyMs = options.latencyMs ?? 0;
		this.#viewerUrl = options.viewerUrl;
	}

	addServer(name: string, details: Partial<Omit<MockServer, "name">> = {}): MockServer {
		const server: MockServer = {
			name,
			reverse: `${name}.example.net.`,
			datacenter: "gra3",
			ip: "192.0.2.10",
			bootId: 1,
			powerState: "poweron",
			ipmi: {
				activated: true,
				supportedFeatures: {
					kvmipHtml5URL: true,
					kvmipJnlp: true,
					serialOverLanSshKey: true,
					serialOverLanURL: true,
				},
			},
			...details,
		};
		this.servers.set(name, server);
		return server;
	}

	/** Queue a fault; faults match in the order they were added. */
	inject(fault: Fault): void {
		this.#faults.push({ times: 1, ...fault });
	}

	/** Requests whose path (query included) matches. */
	requestsTo(path: string | RegExp, method?: string): RecordedRequest[] {
		return this.requests.filter((r) => matches(path, r.path) && (!method || r.method === method));
	}

	fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
		const request = new Request(input, init);
		const url = new URL(request.url);
		if (!request.url.startsWith(`${this.baseUrl}/`)) {
			return error(404, { class: "Client::NotFound", message: `No API at ${url.origin}` });
		}
		const path = request.url.slice(this.baseUrl.length);
		const bodyText = await request.text();
		const headers: Record<string, string> = {};
		request.headers.forEach((value, key) => {
			headers[key] = value;
		});
		this.requests.push({
			method: request.method,
			path,
			headers,
			body: bodyText === "" ? null : JSON.parse(bodyText),
		});
		const signal = init?.signal ?? new AbortController().signal;
		this.#inFlight++;
		this.maxInFlight = Math.max(this.maxInFlight, this.#inFlight);
		try {
			if (this.#latencyMs > 0) await delay(this.#latencyMs, signal);
			const fault = this.#takeFault(request.method, path);
			if (fault?.hang) return await never(signal);
			if (fault) {
				const body = fault.body ?? { message: `Injected HTTP ${fault.status}` };
				const extra: Record<string, string> = fault.retryAfter
					? { "Retry-After": fault.retryAfter }
					: {};
				return error(fault.status ?? 500, body, extra);
			}
			return await this.#route(request, url, bodyText);
		} finally {
			this.#inFlight--;
		}
	};

	#takeFault(method: string, path: string): Fault | undefined {
		const index = this.#faults.findIndex(
			(f) => (!f.method || f.method === method) && (!f.path || matches(f.path, path)),
		);
		if (index < 0) return undefined;
		const fault = this.#faults[index];
		fault.times = (fault.times ?? 1) - 1;
		if (fault.times <= 0) this.#faults.splice(index, 1);
		return fault;
	}

	async #route(request: Request, url: URL, bodyText: string): Promise<Response> {
		const route = `${request.method} ${url.pathname.slice(new URL(this.baseUrl).pathname.length)}`;
		// The two calls OVH serves without authentication.
		if (route === "GET /auth/time") return json(this.#serverTime());
		if (route === "POST /me/geolocation") {
			if (this.geolocationAuth === "not-granted") {
				return authError(401, "NOT_GRANTED_CALL", "This call has not been granted");
			}
			if (this.geolocationAuth === "signed") {
				const refused = await this.#authenticate(request, bodyText);
				if (refused) return refused;
			}
			return json({ continent: "europe", countryCode: "fr", ip: this.geolocationIp });
		}
		const refused = await this.#authenticate(request, bodyText);
		if (refused) return refused;

		if (route === "GET /dedicated/server") return json([...this.servers.keys()]);
		const details = /^GET \/dedicated\/server\/([^/]+)$/.exec(route);
		if (details) {
			const server = this.#server(details[1]);
			if (!server) return notFound(details[1]);
			const { ipmi: _, ...fields } = server;
			return json({ ...fields, os: "debian12_64", state: "ok", serverId: 1234, rack: "G111A01" });
		}
		const ipmi = /^GET \/dedicated\/server\/([^/]+)\/features\/ipmi$/.exec(route);
		if (ipmi) {
			const server = this.#server(ipmi[1]);
			return server ? json(server.ipmi) : notFound(ipmi[1]);
		}
		const createAccess = /^POST \/dedicated\/server\/([^/]+)\/features\/ipmi\/access$/.exec(route);
		if (createAccess) {
			const server = this.#server(createAccess[1]);
			if (!server) return notFound(createAccess[1]);
			return this.#createAccess(server, request.headers.get("content-type"), bodyText);
		}
		const readAccess = /^GET \/dedicated\/server\/([^/]+)\/features\/ipmi\/access$/.exec(route);
		if (readAccess) {
			const server = this.#server(readAccess[1]);
			if (!server) return notFound(readAccess[1]);
			const type = url.searchParams.get("type");
			const granted = [...this.tasks.values()].find(
				(t) =>
					t.server === server.name && t.function === "requestAccessIPMI" && t.status === "done",
			);
			if (type !== "kvmipHtml5URL" || !granted) {
				return error(404, {
					class: "Client::NotFound",
					message: `The requested object (type = ${type}) does not exist`,
				});
			}
			return json({
				value:
					this.#viewerUrl?.(server.name, granted.taskId) ??
					`https://kvm.mock-bmc.example/${encodeURIComponent(server.name)}/${granted.taskId}/viewer`,
				expiration: new Date((this.#serverTime() + granted.ttl * 60) * 1000).toISOString(),
			});
		}
		const boots = /^GET \/dedicated\/server\/([^/]+)\/boot$/.exec(route);
		if (boots) {
			if (!this.#server(boots[1])) return notFound(boots[1]);
			const type = url.searchParams.get("bootType");
			return json(this.boots.filter((b) => !type || b.bootType === type).map((b) => b.bootId));
		}
		const update = /^PUT \/dedicated\/server\/([^/]+)$/.exec(route);
		if (update) {
			const server = this.#server(update[1]);
			if (!server) return notFound(update[1]);
			const body = JSON.parse(bodyText || "{}") as Record<string, unknown>;
			if (body.bootId !== undefined) {
				if (!this.boots.some((b) => b.bootId === body.bootId)) {
					return error(400, {
						class: "Client::BadRequest",
						message: `Invalid value for bootId: ${body.bootId}`,
					});
				}
				server.bootId = body.bootId as number;
			}
			return json(null);
		}
		const reboot = /^POST \/dedicated\/server\/([^/]+)\/reboot$/.exec(route);
		if (reboot) {
			const server = this.#server(reboot[1]);
			if (!server) return notFound(reboot[1]);
			const running = [...this.tasks.values()].some(
				(t) => t.server === server.name && t.function === "hardReboot" && !this.#finished(t),
			);
			if (running) {
				return error(409, {
					class: "Client::Conflict",
					message: "A reboot task is already running on this server",
				});
			}
			return json(this.#taskJson(this.#createTask(server, "hardReboot", 0)));
		}
		const taskRoute = /^GET \/dedicated\/server\/([^/]+)\/task\/(\d+)$/.exec(route);
		if (taskRoute) {
			const task = this.tasks.get(Number(taskRoute[2]));
			if (!task || task.server !== decodeURIComponent(taskRoute[1])) {
				return error(404, {
					class: "Client::NotFound",
					message: `The requested object (taskId = ${taskRoute[2]}) does not exist`,
				});
			}
			this.#advance(task);
			return json(this.#taskJson(task));
		}
		return error(404, {
			class: "Client::NotFound",
			message: `Got an invalid (or empty) URL: ${route}`,
		});
	}

	async #authenticate(request: Request, bodyText: string): Promise<Response | null> {
		const h = request.headers;
		const application = h.get("x-ovh-application");
		const consumer = h.get("x-ovh-consumer");
		const timestamp = h.get("x-ovh-timestamp");
		const signature = h.get("x-ovh-signature");
		if (application !== this.applicationKey) {
			return authError(403, "INVALID_KEY", "Invalid application key");
		}
		if (!consumer || !timestamp || !signature) {
			return error(401, { class: "Client::Unauthorized", message: "You must login first" });
		}
		if (consumer !== this.consumerKey) {
			return authError(403, "INVALID_CREDENTIAL", "This credential is not valid");
		}
		if (
			!/^\d+$/.test(timestamp) ||
			Math.abs(Number(timestamp) - this.#serverTime()) > this.#windowS
		) {
			return authError(400, "QUERY_TIME_OUT", "Query out of time");
		}
		const expected = await sha1Signature(
			[this.applicationSecret, consumer, request.method, request.url, bodyText, timestamp].join(
				"+",
			),
		);
		if (signature !== expected) return authError(400, "INVALID_SIGNATURE", "Invalid signature");
		return null;
	}

	#createAccess(server: MockServer, contentType: string | null, bodyText: string): Response {
		if (!contentType?.startsWith("application/json")) {
			return error(400, { class: "Client::BadRequest", message: "Invalid content type" });
		}
		const body = JSON.parse(bodyText) as Record<string, unknown>;
		const types = ["kvmipHtml5URL", "kvmipJnlp", "serialOverLanSshKey", "serialOverLanURL"];
		if (typeof body.type !== "string" || !types.includes(body.type)) {
			return error(400, {
				class: "Client::BadRequest",
				message: `Invalid value for type: ${body.type}`,
			});
		}
		if (![1, 3, 5, 10, 15].includes(body.ttl as number)) {
			return error(400, {
				class: "Client::BadRequest",
				message: `Invalid value for ttl: ${body.ttl}`,
			});
		}
		if (body.ipToAllow !== undefined && !/^\d{1,3}(\.\d{1,3}){3}$/.test(String(body.ipToAllow))) {
			return error(400, {
				class: "Client::BadRequest",
				message: `Invalid value for ipToAllow: ${body.ipToAllow}`,
			});
		}
		const key = body.type as keyof MockServer["ipmi"]["supportedFeatures"];
		const { activated, supportedFeatures } = server.ipmi;
		if (!activated || (supportedFeatures && !supportedFeatures[key])) {
			return error(403, {
				class: "Client::Forbidden",
				message: `${body.type} is not supported on this server`,
			});
		}
		return json(this.#taskJson(this.#createTask(server, "requestAccessIPMI", body.ttl as number)));
	}

	#createTask(server: MockServer, fn: string, ttl: number): MockTask {
		const task: MockTask = {
			taskId: this.#nextTaskId++,
			function: fn,
			server: server.name,
			ttl,
			polls: 0,
			status: "init",
			startDate: new Date(this.#serverTime() * 1000).toISOString(),
		};
		this.tasks.set(task.taskId, task);
		return task;
	}

	/** Each poll moves a task on: init, todo, doing..., then the planned outcome. */
	#advance(task: MockTask): void {
		if (this.#finished(task)) return;
		task.polls++;
		const { pollsToFinish, outcome, runningAs = "doing" } = this.taskPlan;
		if (task.polls >= pollsToFinish && outcome !== "never") task.status = outcome;
		else task.status = task.polls === 1 ? "todo" : runningAs;
		const server = this.servers.get(task.server);
		if (task.status === "done" && task.function === "hardReboot" && server) this.onReboot?.(server);
	}

	#finished(task: MockTask): boolean {
		return ["done", "cancelled", "customerError", "ovhError"].includes(task.status);
	}

	#taskJson(task: MockTask) {
		const finished = this.#finished(task);
		const now = new Date(this.#serverTime() * 1000).toISOString();
		return {
			taskId: task.taskId,
			function: task.function,
			status: task.status,
			comment: finished && task.status !== "done" ? this.taskPlan.comment : null,
			startDate: task.startDate,
			lastUpdate: now,
			doneDate: finished ? now : null,
			needSchedule: false,
			note: null,
			plannedInterventionId: null,
		};
	}

	#server(encodedName: string): MockServer | undefined {
		return this.servers.get(decodeURIComponent(encodedName));
	}
}

function matches(pattern: string | RegExp, path: string): boolean {
	return typeof pattern === "string" ? pattern === path : pattern.test(path);
}

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
	return new Response(JSON.stringify(body), {
		status,
		headers: { "Content-Type": JSON_TYPE, "X-Ovh-QueryId": "EU.ext-3.mock", ...headers },
	});
}

function error(status: number, body: unknown, headers: Record<string, string> = {}): Response {
	return json(body, status, headers);
}

const STATUS_TEXT: Record<number, string> = {
	400: "Bad Request",
	401: "Unauthorized",
	403: "Forbidden",
};

function authError(status: number, errorCode: string, message: string): Response {
	return error(status, { errorCode, httpCode: `${status} ${STATUS_TEXT[status]}`, message });
}

function notFound(encodedName: string): Response {
	return error(404, {
		class: "Client::NotFound",
		message: `The requested object (serviceName = ${decodeURIComponent(encodedName)}) does not exist`,
	});
}

async function sha1Signature(preimage: string): Promise<string> {
	const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(preimage));
	return `$1$${[...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

function never(signal: AbortSignal): Promise<never> {
	return new Promise((_, reject) => {
		if (signal.aborted) reject(signal.reason);
		signal.addEventListener("abort", () => reject(signal.reason), { once: true });
	});
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(resolve, ms);
		signal.addEventListener(
			"abort",
			() => {
				clearTimeout(timer);
				reject(signal.reason);
			},
			{ once: true },
		);
	});
}

/**
 * A client wired to a fresh mock, on a fake clock: sleeping advances it
 * instantly, and OVH's clock runs `skewS` seconds ahead of the client's.
 */
export function ovhTestRig(
	options: { skewS?: number; mock?: MockOvhOptions; client?: Partial<OvhClientOptions> } = {},
) {
	const skewS = options.skewS ?? 3600;
	const clock = { ms: 1_700_000_000_000 };
	const sleeps: number[] = [];
	const mock = new MockOvh({
		serverTime: () => Math.floor(clock.ms / 1000) + skewS,
		...options.mock,
	});
	const client = new OvhClient({
		endpoint: "eu",
		applicationKey: mock.applicationKey,
		applicationSecret: mock.applicationSecret,
		consumerKey: mock.consumerKey,
		fetch: mock.fetch,
		now: () => clock.ms,
		sleep: async (ms, signal) => {
			signal?.throwIfAborted();
			sleeps.push(ms);
			clock.ms += ms;
		},
		...options.client,
	});
	return { mock, client, clock, sleeps };
}
