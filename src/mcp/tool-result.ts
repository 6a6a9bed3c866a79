import { UserFacingError } from "../errors.ts";

export type ContentBlock =
	| { type: "text"; text: string }
	| { type: "image"; data: string; mimeType: string };

export interface ToolResult {
	[key: string]: unknown;
	content: ContentBlock[];
	structuredContent?: Record<string, unknown>;
	isError?: boolean;
}

/** What a user is told about a failure: our own messages as they are, anything else labelled a bug. */
export function errorMessage(error: unknown): string {
	if (error instanceof UserFacingError) return error.message;
	if (error instanceof Error && error.name === "TimeoutError") return `Timed out: ${error.message}`;
	const detail = error instanceof Error ? error.message : String(error);
	return `Internal error in ikvm-mcp (please report it): ${detail}`;
}

export function errorResult(error: unknown): ToolResult {
	return { isError: true, content: [{ type: "text", text: errorMessage(error) }] };
}
