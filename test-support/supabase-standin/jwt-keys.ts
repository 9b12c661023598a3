// The stand-in's signing keys. API keys (anon, service_role) are always HS256 JWTs signed with the
// shared secret, like a project's legacy keys. User access tokens are HS256 too by default, or ES256
// with a `kid` published at /auth/v1/.well-known/jwks.json, like a project on asymmetric signing keys.
import { exportJWK, generateKeyPair, jwtVerify, SignJWT, decodeProtectedHeader, type CryptoKey, type JWK } from 'jose';
import { randomUUID } from 'node:crypto';
import type { JwtClaims } from './database.ts';

export type UserTokenAlgorithm = 'HS256' | 'ES256';

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

export class JwtKeys {
  private constructor(
    readonly secret: string,
    private readonly asymmetric: SigningKey | undefined,
  ) {}

  static async create(secret: string, userTokenAlgorithm: UserTokenAlgorithm): Promise<JwtKeys> {
    if (userTokenAlgorithm === 'HS256') return new JwtKeys(secret, undefined);
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const kid = randomUUID();
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig', key_ops: ['verify'] };
    return new JwtKeys(secret, { kid, privateKey, publicKey, publicJwk });
  }

  private get secretKey(): Uint8Array {
    return new TextEncoder().encode(this.secret);
  }

  /** API keys: HS256 with the shared secret. */
  signWithSecret(claims: JwtClaims): Promise<string> {
    return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(this.secretKey);
  }

  /** User access tokens: ES256 with the published key when configured, else HS256. */
  signUserToken(claims: JwtClaims): Promise<string> {
    if (!this.asymmetric) return this.signWithSecret(claims);
    return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: this.asymmetric.kid }).sign(this.asymmetric.privateKey);
  }

  /** Verifies signature and expiry of any token the stand-in issued; throws with a reason otherwise. */
  async verify(token: string): Promise<JwtClaims> {
    const header = decodeProtectedHeader(token);
    if (header.alg === 'ES256' && this.asymmetric && header.kid === this.asymmetric.kid) {
      return (await jwtVerify(token, this.asymmetric.publicKey, { algorithms: ['ES256'] })).payload;
    }
    return (await jwtVerify(token, this.secretKey, { algorithms: ['HS256'] })).payload;
  }

  /** The JWKS document: public asymmetric keys only (HS256 secrets are never published). */
  jwks(): { keys: JWK[] } {
    return { keys: this.asymmetric ? [this.asymmetric.publicJwk] : [] };
  }
}
