// The package's `./migrations` entry: a host with its own TypeORM DataSource runs these in its
// own migration set, and lists the entities beside its own (README, "A host's own database").
export { ENTITIES as AUTH_ENTITIES, MIGRATIONS as AUTH_MIGRATIONS } from './database/data-source-options.js';
export { InitialSchema1764000000000 } from './database/migrations/1764000000000-InitialSchema.js';
export { Webhooks1764000000400 } from './database/migrations/1764000000400-Webhooks.js';
export { RefreshTokenSuccessorIndex1764000000700 } from './database/migrations/1764000000700-RefreshTokenSuccessorIndex.js';
export { Portal1764000000800 } from './database/migrations/1764000000800-Portal.js';
export { RetentionIndexes1764000001300 } from './database/migrations/1764000001300-RetentionIndexes.js';
export { RefreshTokenFamilyChain1764000001400 } from './database/migrations/1764000001400-RefreshTokenFamilyChain.js';
export { PartialTimeIndexes1764000001500 } from './database/migrations/1764000001500-PartialTimeIndexes.js';
