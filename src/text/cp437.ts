/**
 * Code page 437, the PC's text-mode character set, as Unicode: what a VGA
 * text screen and most firmware draw. Index = CP437 byte.
 */
export const CP437 =
	"\u0000☺☻♥♦♣♠•◘○◙♂♀♪♫☼►◄↕‼¶§▬↨↑↓→←∟↔▲▼" +
	" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~⌂" +
	"ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»" +
	"░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀" +
	"αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0";

/**
 * Characters a VGA adapter draws 9 pixels wide by repeating their 8th
 * column (CP437 0xC0-0xDF, the line graphics that must join); every other
 * character gets a blank 9th column.
 */
export const NINTH_COLUMN_REPEATS: ReadonlySet<string> = new Set(CP437.slice(0xc0, 0xe0));
