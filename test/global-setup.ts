import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import type { TestProject } from "vitest/node";
import { recordSkipReason } from "./support/skip-reasons.ts";

/**
 * Runs in Node before the workerd tests. Real BMC captures live outside the
 * repo (../shared/vectors); workerd cannot read the host disk, so we hand the
 * bytes over through vitest's provide/inject as base64.
 */
export const VECTORS_DIR = resolve(import.meta.dirname, "../../shared/vectors");

export default function setup(project: TestProject): void {
	const files: Record<string, string> = {};
	if (existsSync(VECTORS_DIR)) {
		for (const group of readdirSync(VECTORS_DIR, { withFileTypes: true })) {
			if (!group.isDirectory()) continue;
			for (const name of readdirSync(join(VECTORS_DIR, group.name))) {
				const bytes = readFileSync(join(VECTORS_DIR, group.name, name));
				files[`${group.name}/${name}`] = bytes.toString("base64");
			}
		}
	}
	if (Object.keys(files).length === 0) {
		recordSkipReason(
			`real-capture tests: ${relative(process.cwd(), VECTORS_DIR)} is absent or empty (CI and developers have it)`,
		);
	}
	project.provide("vectors", files);
}

declare module "vitest" {
	export interface ProvidedContext {
		vectors: Record<string, string>;
	}
}
