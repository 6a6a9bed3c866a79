import { z } from "zod";
import { ConfigError, MissingSecretError } from "../../errors.ts";

export interface VncTarget {
	id: string;
	name: string;
	url: string;
	password: string | undefined;
	/** False when the target opted out of keyboard and mouse input. */
	input: boolean;
}

const TargetSchema = z
	.object({
		id: z
			.string()
			.regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/, "id must be 1-128 of A-Z a-z 0-9 . _ : @ -"),
		name: z.string().max(200).optional(),
		url: z
			.string()
			.refine(
				(u) => /^wss?:\/\/[^/\s]+/i.test(u) && URL.canParse(u),
				"url must be a ws:// or wss:// URL",
			),
		password: z.string().max(256).optional(),
		passwordSecret: z
			.string()
			.regex(/^[A-Z_][A-Z0-9_]*$/, "passwordSecret must name a secret, like VNC_NODE1_PASSWORD")
			.optional(),
		input: z.boolean().optional(),
	})
	.strict()
	.refine((t) => !(t.password && t.passwordSecret), "give password or passwordSecret, not both");

/**
 * VNC_TARGETS: a JSON array of {id, name?, url, password?, passwordSecret?, input?}.
 * Any mistake is one ConfigError that names the entry and the field.
 */
export function parseVncTargets(env: Env): VncTarget[] {
	const raw = env.VNC_TARGETS?.trim();
	if (!raw) return [];
	let json: unknown;
	try {
		json = JSON.parse(raw);
	} catch (error) {
		throw new ConfigError(
			`VNC_TARGETS is not valid JSON (${(error as Error).message}). Expected [{"id": "...", "url": "wss://..."}].`,
		);
	}
	const parsed = z.array(TargetSchema).max(500).safeParse(json);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		const where = issue.path.length ? ` at ${issue.path.join(".")}` : "";
		throw new ConfigError(`VNC_TARGETS is invalid${where}: ${issue.message}`);
	}
	const seen = new Set<string>();
	return parsed.data.map((t) => {
		if (seen.has(t.id)) throw new ConfigError(`VNC_TARGETS lists id "${t.id}" twice`);
		seen.add(t.id);
		return {
			id: t.id,
			name: t.name ?? t.id,
			url: t.url,
			password: t.password ?? secret(env, t.passwordSecret, t.id),
			input: t.input ?? true,
		};
	});
}

function secret(env: Env, name: string | undefined, id: string): string | undefined {
	if (name === undefined) return undefined;
	const value = (env as unknown as Record<string, unknown>)[name];
	if (typeof value !== "string" || value === "") {
		throw new MissingSecretError(
			`VNC target "${id}" names password secret ${name}, which is not set`,
			[name],
		);
	}
	return value;
}
