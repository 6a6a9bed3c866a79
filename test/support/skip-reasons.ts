/**
 * Why tests are being skipped, as the global setups that decide it say
 * (they run in Node, in the same process as the reporters): the skipped-tests
 * reporter prints these at the end of `npm test`, next to the tests skipped.
 */
const reasons: string[] = [];

export function recordSkipReason(reason: string): void {
	reasons.push(reason);
}

export function skipReasons(): readonly string[] {
	return reasons;
}
