/**
 * Records the large byte arrays code under test allocates, by standing a
 * counting Proxy in for the global Uint8Array while `run` runs. Buffers,
 * queues, framebuffers and inflate output in src/ are all Uint8Arrays, so a
 * test can show that hostile input was refused before anything big was made.
 */
export function largeAllocations(minBytes: number, run: () => void): number[] {
	const sizes: number[] = [];
	const original = globalThis.Uint8Array;
	globalThis.Uint8Array = new Proxy(original, {
		construct(target, args, newTarget) {
			if (typeof args[0] === "number" && args[0] >= minBytes) sizes.push(args[0]);
			return Reflect.construct(target, args, newTarget);
		},
	});
	try {
		run();
	} finally {
		globalThis.Uint8Array = original;
	}
	return sizes;
}
