// libmime (mailparser's MIME helper) ships no types; only what @cg/mail uses. Its export is an
// instance whose methods use `this`: import the default and call them on it.
declare module 'libmime' {
  const libmime: {
    /** Decodes RFC 2047 encoded words in a header value (any charset iconv-lite knows). */
    decodeWords(value: string): string;
  };
  export default libmime;
}
