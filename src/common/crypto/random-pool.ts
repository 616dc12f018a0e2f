import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
const pool = Buffer.allocUnsafeSlow(POOL_BYTES);
let offset = POOL_BYTES;

/**
 * `size` bytes from the CSPRNG (at most 256), taken from a pool that one `randomFillSync`
 * refills, as Node's own randomUUID() does. A call to the CSPRNG costs several microseconds
 * here whatever its size, and a refresh needs two (the successor token and its sealed copy's
 * IV). Every byte is handed out once; each caller gets a copy of its own.
 */
export function pooledRandomBytes(size: number): Buffer {
  if (!Number.isInteger(size) || size < 1 || size > 256) throw new RangeError(`pooledRandomBytes: size ${size} is not in 1..256`);
  if (offset + size > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const bytes = Buffer.from(pool.subarray(offset, offset + size));
  // Handed out bytes are not left behind in the pool.
  pool.fill(0, offset, offset + size);
  offset += size;
  return bytes;
}
