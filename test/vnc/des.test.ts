import { describe, expect, it } from "vitest";
import { desEncrypt, vncAuthResponse } from "../../src/vnc/des.ts";

const hex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (b) => Number.parseInt(b, 16));
const toHex = (b: Uint8Array) => [...b].map((v) => v.toString(16).padStart(2, "0")).join("");

describe("DES", () => {
	// Published vectors: the classic worked example, NBS SP 500-20 and the
	// validation set in Schneier's Applied Cryptography.
	it.each([
		["133457799BBCDFF1", "0123456789ABCDEF", "85e813540f0ab405"],
		["0101010101010101", "8000000000000000", "95f8a5e5dd31d900"],
		["0E329232EA6D0D73", "8787878787878787", "0000000000000000"],
		["7CA110454A1A6E57", "01A1D6D039776742", "690f5b0d9a26939b"],
	])("key %s encrypts %s", (key, plain, cipher) => {
		expect(toHex(desEncrypt(hex(key), hex(plain)))).toBe(cipher);
	});

	it("encrypts several blocks independently (ECB)", () => {
		const two = desEncrypt(hex("133457799BBCDFF1"), hex("0123456789ABCDEF0123456789ABCDEF"));
		expect(toHex(two)).toBe("85e813540f0ab405".repeat(2));
	});
});

describe("VNC Authentication", () => {
	// TigerVNC's `vncpasswd -f` stores DES(password) under the fixed key
	// 23,82,107,6,35,78,88,7 through the same bit-reversed key schedule that
	// VNC auth uses: `printf 'secret\n' | vncpasswd -f | xxd -p` = 2e2dbf576eb06c9e.
	it("matches vncpasswd's DES for the fixed obfuscation key", () => {
		const fixedKey = String.fromCharCode(23, 82, 107, 6, 35, 78, 88, 7);
		const challenge = new Uint8Array(16);
		challenge.set(new TextEncoder().encode("secret"));
		expect(toHex(vncAuthResponse(fixedKey, challenge).subarray(0, 8))).toBe("2e2dbf576eb06c9e");
	});

	it("uses only the first 8 bytes of the password", () => {
		const c = hex("00112233445566778899aabbccddeeff");
		expect(vncAuthResponse("12345678extra", c)).toEqual(vncAuthResponse("12345678", c));
		expect(vncAuthResponse("1234567", c)).not.toEqual(vncAuthResponse("12345678", c));
	});
});
