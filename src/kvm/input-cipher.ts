/**
 * Encrypted keyboard and mouse input, as JViewer's KMCrypt does it: each HID
 * report zero-filled to one 8-byte block, Blowfish-ECB, keyed by the KVM
 * token's bytes zero-padded to 16 when shorter (longer tokens whole). The BMC
 * asks for it with ENCRYPTION_STATUS (another viewer turned it on) or
 * INITIAL_ENCRYPTION_STATUS (it was on when we joined); the packets then go
 * with IVTP status 0xFF (hid.ts).
 *
 * Learned from eWloYW8/AMIKVM crates/amikvm-core/src/input/encryption.rs and
 * JViewer's JViewerApp.OnEncryptionStatus / OnInitialEncryptionStatus.
 * The cipher is egoroof-blowfish (no eval, runs in workerd).
 */

import { Blowfish } from "egoroof-blowfish";
import type { BlockCipher } from "./hid.ts";
import { KvmError } from "./kvm-error.ts";

const BLOCK = 8;
const MIN_KEY = 16;
/** Blowfish's key schedule takes at most 448 bits. */
const MAX_KEY = 56;

export interface InputCipher {
	encrypt: BlockCipher;
	decrypt: BlockCipher;
}

/** The KMCrypt cipher for a KVM token; refuses a token it cannot key (empty or over 56 bytes). */
export function inputCipher(kvmToken: string): InputCipher {
	const token = new TextEncoder().encode(kvmToken);
	if (token.length === 0 || token.length > MAX_KEY) {
		throw new KvmError(
			"unsupported",
			`the BMC asks for encrypted keyboard and mouse input, but its KVM token (${token.length} bytes) cannot key the cipher (1 to ${MAX_KEY} bytes); turn keyboard/mouse encryption off in the BMC's KVM settings`,
		);
	}
	const key = new Uint8Array(Math.max(MIN_KEY, token.length));
	key.set(token);
	// NULL padding adds nothing to a whole block; decode strips trailing zeros, put back below.
	const blowfish = new Blowfish(key, Blowfish.MODE.ECB, Blowfish.PADDING.NULL);
	const whole = (block: Uint8Array): Uint8Array => {
		if (block.length !== BLOCK)
			throw new RangeError(`a cipher block is 8 bytes, not ${block.length}`);
		return block;
	};
	return {
		encrypt: (block) => blowfish.encode(whole(block)),
		decrypt: (block) => {
			const plain = new Uint8Array(BLOCK);
			plain.set(blowfish.decode(whole(block), Blowfish.TYPE.UINT8_ARRAY));
			return plain;
		},
	};
}
