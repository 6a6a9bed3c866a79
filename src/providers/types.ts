/** One console a user can look at, as `list_servers` reports it. */
export interface ServerInfo {
	id: string;
	name: string;
	provider: string;
	datacenter: string | null;
	ip: string | null;
}
