/**
 * RFB client target: whole server sessions (handshake in 3.3/3.7/3.8 with
 * None or VNC Authentication, ServerInit, updates in every encoding, CopyRect,
 * DesktopSize, Bell, ServerCutText, SetColourMapEntries) recorded from the
 * mini server, mutated as bytes and fed to a fresh RfbClient in random
 * chunks, asking for frames at random points and draining its output and events.
 */

import { RfbClient } from "../../../src/vnc/rfb.ts";
import { type FuzzTarget, InvariantError, Rng } from "../engine.ts";
import { checkFramebuffer } from "../images.ts";
import { describeChunks, mutateBytes, splitChunks } from "../mutate.ts";
import { type SessionSeed, sessionSeeds } from "./vnc-seeds.ts";

/** Largest screen the fuzzed client accepts: 4 MiB of framebuffer. */
const MAX_SIZE = 1024;

export function rfbTarget(): FuzzTarget {
	let seeds: SessionSeed[] | null = null;
	let corpus: Uint8Array[] = [];
	return {
		name: "rfb",
		about:
			"RfbClient.receive on recorded sessions, mutated and split; requestFrame/takeOutput/takeEvents",
		make(rng) {
			if (seeds === null) {
				seeds = sessionSeeds();
				corpus = seeds.map((s) => s.bytes);
			}
			const seed = rng.pick(seeds);
			const bytes = rng.chance(0.95) ? mutateBytes(rng, seed.bytes, { corpus }) : seed.bytes;
			const chunks = splitChunks(rng, bytes);
			const requests = rng.u32();
			return {
				bytes,
				note: `session "${seed.label}", client ${JSON.stringify(seed.client)}, ${describeChunks(chunks)}`,
				run() {
					const ask = new Rng(requests);
					const client = new RfbClient({ ...seed.client, maxWidth: MAX_SIZE, maxHeight: MAX_SIZE });
					for (const chunk of chunks) {
						client.receive(chunk);
						client.takeOutput();
						for (const event of client.takeEvents()) {
							if (event.type === "frame") {
								checkFramebuffer(client.framebuffer, client.width, client.height, "rfb");
							}
						}
						if (client.ready && ask.chance(0.3)) client.requestFrame();
					}
					const fb = client.framebuffer;
					if (
						fb.rgba.length !== fb.width * fb.height * 4 ||
						fb.width > MAX_SIZE ||
						fb.height > MAX_SIZE
					) {
						throw new InvariantError(
							`framebuffer ${fb.width}x${fb.height} holds ${fb.rgba.length} bytes`,
						);
					}
					return client;
				},
			};
		},
	};
}
