export { Ast2x00Decoder, type Ast2x00FrameHeader } from "./decoder.ts";
