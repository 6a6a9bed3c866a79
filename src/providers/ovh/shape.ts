/** Checks on OVH's JSON answers, so a changed API fails with a message, not a TypeError. */

import { ProtocolError } from "../../errors.ts";

export function asObject(value: unknown, what: string): Record<string, unknown> {
	if (typeof value !== "object" || value === null || Array.isArray(value)) {
		throw new ProtocolError(`${what} is not a JSON object`);
	}
	return value as Record<string, unknown>;
}

/** A string field, or null when OVH sent null, nothing, or an empty string. */
export function optionalString(
	object: Record<string, unknown>,
	key: string,
	what: string,
): string | null {
	const value = object[key];
	if (value === undefined || value === null || value === "") return null;
	if (typeof value !== "string") throw new ProtocolError(`${what}: "${key}" is not a string`);
	return value;
}
