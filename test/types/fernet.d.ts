/**
 * Minimal typing of the npm `fernet` package (0.4.x, CommonJS, untyped), used
 * only by the interop tests. Messages are strings: it encrypts their UTF-8 and
 * decodes plaintexts as UTF-8.
 */
declare module 'fernet' {
  namespace fernet {
    interface Secret {
      readonly signingKeyHex: string;
      readonly encryptionKeyHex: string;
    }
    interface TokenOptions {
      secret?: Secret;
      /** The token to decode. */
      token?: string;
      /** Maximum age in seconds; 0 disables the time checks. Default 60. */
      ttl?: number;
      /** Token time, for deterministic tokens (whole seconds only). */
      time?: string | Date;
      /** IV bytes, for deterministic tokens. */
      iv?: number[];
    }
    interface Token {
      encode(message?: string): string;
      decode(token?: string): string;
    }
  }
  const fernet: {
    Secret: new (secret64: string) => fernet.Secret;
    Token: new (opts?: fernet.TokenOptions) => fernet.Token;
    ttl: number;
  };
  export = fernet;
}
