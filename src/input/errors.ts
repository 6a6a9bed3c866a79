import { UserFacingError } from "../errors.ts";

/** Keys or text that cannot become key events; raised before anything is sent. */
export class InputError extends UserFacingError {
	override name = "InputError";
}

/** A key name nobody knows; `token` is the name as the caller wrote it. */
export class UnknownKeyError extends InputError {
	override name = "UnknownKeyError";
	readonly token: string;
	constructor(token: string, message: string) {
		super(message);
		this.token = token;
	}
}

/** A character the layout has no key for (or only a dead key). */
export class UntypeableCharacterError extends InputError {
	override name = "UntypeableCharacterError";
	readonly character: string;
	readonly layout: string;
	constructor(character: string, layout: string, message: string) {
		super(message);
		this.character = character;
		this.layout = layout;
	}
}
