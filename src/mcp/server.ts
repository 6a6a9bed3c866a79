import { McpServer } from "@modelcontextprotocol/server";
import type { Switches } from "../config.ts";
import { registerBootTools } from "./boot.ts";
import type { Caller } from "./caller.ts";
import type { ConsoleDeps } from "./console-call.ts";
import { registerGetScreenText } from "./get-screen-text.ts";
import { registerGetScreenshot } from "./get-screenshot.ts";
import { registerListServers } from "./list-servers.ts";
import { registerMouse } from "./mouse.ts";
import { registerPower } from "./power.ts";
import { registerSendKeys } from "./send-keys.ts";
import { registerTypeText } from "./type-text.ts";
import { registerWaitForScreen } from "./wait-for-screen.ts";

export interface McpDeps extends ConsoleDeps {
	/** Who this request comes from and which scopes it carries. */
	caller: Caller;
	/** The operator's ALLOW_INPUT and ALLOW_POWER switches. */
	switches: () => Switches;
}

const INSTRUCTIONS =
	"ikvm-mcp gives you the physical console of bare-metal servers (what a monitor and keyboard plugged " +
	"into the machine would give): BIOS, GRUB, kernel panics, login prompts, installer screens. Use " +
	"list_servers to find a server; get_screen_text to read a text console exactly (cheaper than an image); " +
	"get_screenshot to see it; wait_for_screen to wait for a boot or a command without polling; send_keys, " +
	"type_text and mouse to act (when the operator allows input), each returning the screen once it settles; " +
	"power (status, or on/off/cycle/reset when the operator allows power and the user confirms) and, on OVH, " +
	"boot_rescue and boot_normal to repair a server that no longer boots.";

/** One MCP server instance per request: the handler is stateless; state lives in ConsoleSessions. */
export function createMcpServer(deps: McpDeps): McpServer {
	const server = new McpServer(
		{ name: "ikvm-mcp", version: "0.1.0" },
		{ instructions: INSTRUCTIONS },
	);
	registerListServers(server, deps);
	registerGetScreenshot(server, deps);
	registerGetScreenText(server, deps);
	registerWaitForScreen(server, deps);
	registerSendKeys(server, deps);
	registerTypeText(server, deps);
	registerMouse(server, deps);
	registerPower(server, deps);
	registerBootTools(server, deps);
	return server;
}
