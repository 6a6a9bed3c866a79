import { McpServer } from "@modelcontextprotocol/server";
import type { Switches } from "../config.ts";
import type { Caller } from "./caller.ts";
import type { ConsoleDeps } from "./console-call.ts";
import { registerGetScreenshot } from "./get-screenshot.ts";
import { registerListServers } from "./list-servers.ts";
import { registerMouse } from "./mouse.ts";
import { registerSendKeys } from "./send-keys.ts";
import { registerTypeText } from "./type-text.ts";

export interface McpDeps extends ConsoleDeps {
	/** Who this request comes from and which scopes it carries. */
	caller: Caller;
	/** The operator's ALLOW_INPUT and ALLOW_POWER switches. */
	switches: () => Switches;
}

const INSTRUCTIONS =
	"ikvm-mcp shows you the physical console of bare-metal servers (what a monitor plugged into the " +
	"machine would show): BIOS, GRUB, kernel panics, login prompts, installer screens. Use list_servers " +
	"to find a server, then get_screenshot to see its screen.";

/** One MCP server instance per request: the handler is stateless; state lives in ConsoleSessions. */
export function createMcpServer(deps: McpDeps): McpServer {
	const server = new McpServer(
		{ name: "ikvm-mcp", version: "0.1.0" },
		{ instructions: INSTRUCTIONS },
	);
	registerListServers(server, deps);
	registerGetScreenshot(server, deps);
	registerSendKeys(server, deps);
	registerTypeText(server, deps);
	registerMouse(server, deps);
	return server;
}
