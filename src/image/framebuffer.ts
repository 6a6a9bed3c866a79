/** Decoded console pixels: row-major RGBA8, alpha always 255. */
export interface Framebuffer {
	width: number;
	height: number;
	rgba: Uint8Array;
}
