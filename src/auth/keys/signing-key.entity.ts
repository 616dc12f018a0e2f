import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '../../database/transformers.js';

@Entity({ name: 'signing_keys' })
export class SigningKey {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  kid: string;

  @Column({ type: 'varchar', length: 16 })
  alg: string;

  @Column({ name: 'public_jwk', type: 'text' })
  publicJwk: string;

  /** PKCS#8 PEM, sealed with KEY_ENCRYPTION_KEY. */
  @Column({ name: 'private_key_sealed', type: 'text' })
  privateKeySealed: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: epochMs })
  createdAt: number;

  /** When another key became current; null while this one signs. */
  @Column({ name: 'retired_at', type: 'bigint', nullable: true, transformer: epochMs })
  retiredAt: number | null;

  /** After this, no token signed by the key can still be valid; it leaves the JWKS. */
  @Column({ name: 'published_until', type: 'bigint', nullable: true, transformer: epochMs })
  publishedUntil: number | null;
}
