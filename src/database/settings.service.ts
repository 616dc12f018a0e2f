import { Injectable } from '@nestjs/common';
import { Database } from './database.js';

/** Values the service generates once and keeps: first writer wins across processes. */
@Injectable()
export class SettingsService {
  constructor(private readonly db: Database) {}

  async getOrCreate(key: string, create: () => string): Promise<string> {
    const existing = await this.db.query<{ value: string }>('SELECT value FROM settings WHERE key = ?', [key]);
    if (existing[0]) return existing[0].value;
    return this.db.transaction(async (tx) => {
      await tx.execute('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING', [key, create()]);
      const rows = await tx.query<{ value: string }>('SELECT value FROM settings WHERE key = ?', [key]);
      return rows[0]!.value;
    });
  }
}
