export { Ast2x00Decoder, type Ast2x00FrameHeader } from "./decoder.ts";
export { type Ast2x00EncodeOptions, encodeAst2x00 } from "./encoder.ts";
