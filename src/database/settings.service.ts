import { Injectable } from '@nestjs/common';
import { Database } from './database.js';
import { Setting } from './setting.entity.js';

/** Values the service generates once and keeps: first writer wins across processes. */
@Injectable()
export class SettingsService {
  constructor(private readonly db: Database) {}

  async getOrCreate(key: string, create: () => string): Promise<string> {
    const existing = await this.db.dataSource.getRepository(Setting).findOneBy({ key });
    if (existing) return existing.value;
    return this.db.transaction(async (tx) => {
      // Hand-written: ON CONFLICT DO NOTHING lets processes starting together agree on the first value written.
      await tx.execute('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING', [key, create()]);
      return (await tx.manager.getRepository(Setting).findOneByOrFail({ key })).value;
    });
  }
}
