import { errorMessage } from "../errors.ts";

export type ContentBlock =
	| { type: "text"; text: string }
	| { type: "image"; data: string; mimeType: string };

export interface ToolResult {
	[key: string]: unknown;
	content: ContentBlock[];
	structuredContent?: Record<string, unknown>;
	isError?: boolean;
}

export function errorResult(error: unknown): ToolResult {
	return { isError: true, content: [{ type: "text", text: errorMessage(error) }] };
}
