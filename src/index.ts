export default {
	async fetch(): Promise<Response> {
		return new Response("ok");
	},
} satisfies ExportedHandler;

export class ConsoleSession {
	async fetch(): Promise<Response> {
		return new Response("ok");
	}
}
