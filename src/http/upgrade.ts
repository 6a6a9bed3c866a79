/**
 * A console's WebSocket upgrade, cancellable by a deadline only until the
 * server answers. A signal handed to fetch keeps governing the socket that
 * fetch returns, so passing the connect deadline itself would close a live
 * connection once that deadline passed.
 */
export async function fetchUpgrade(
	fetch: (url: string, init: RequestInit) => Promise<Response>,
	url: string,
	init: Omit<RequestInit, "signal">,
	signal: AbortSignal,
): Promise<Response> {
	const untilAnswered = new AbortController();
	const abort = () => untilAnswered.abort(signal.reason);
	if (signal.aborted) abort();
	else signal.addEventListener("abort", abort, { once: true });
	try {
		return await fetch(url, { ...init, signal: untilAnswered.signal });
	} finally {
		signal.removeEventListener("abort", abort);
	}
}
