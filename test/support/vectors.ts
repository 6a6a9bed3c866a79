import { inject } from "vitest";

/**
 * Real hardware captures from ../shared/vectors (see its README). A user's
 * fresh clone may not have that folder: callers skip, saying so, only when
 * `vectorsPresent` is false.
 */
const files = inject("vectors");

export const vectorsPresent = Object.keys(files).length > 0;

export const VECTORS_MISSING =
	"../shared/vectors is absent: real-capture tests skipped (CI and developers have it)";

/** Bytes of `group/name`, e.g. `ast2x00/aspeedbluescreen.bin`. */
export function vector(path: string): Uint8Array {
	const b64 = files[path];
	if (b64 === undefined) throw new Error(`no vector ${path}`);
	return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

export function vectorNames(group: string): string[] {
	return Object.keys(files)
		.filter((k) => k.startsWith(`${group}/`))
		.map((k) => k.slice(group.length + 1));
}
