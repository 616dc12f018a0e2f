import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DATABASE_FAULT_OBSERVER } from '../common/http/all-exceptions.filter.js';
import { databaseConfig, type DatabaseConfig } from '../config/database.config.js';
import { dataSourceOptions } from './data-source-options.js';
import { Database } from './database.js';
import { DatabaseHealth } from './database-health.js';
import { runMigrationsExclusively } from './migration-lock.js';
import { Setting } from './setting.entity.js';
import { SettingsService } from './settings.service.js';
import { SqliteCheckpointer } from './sqlite-checkpointer.js';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [databaseConfig.KEY],
      useFactory: (config: DatabaseConfig) => dataSourceOptions(config),
      dataSourceFactory: async (options) => {
        const dataSource = await new DataSource(options!).initialize();
        await runMigrationsExclusively(dataSource);
        return dataSource;
      },
    }),
    TypeOrmModule.forFeature([Setting]),
  ],
  providers: [Database, DatabaseHealth, { provide: DATABASE_FAULT_OBSERVER, useExisting: DatabaseHealth }, SettingsService, SqliteCheckpointer],
  exports: [Database, DatabaseHealth, DATABASE_FAULT_OBSERVER, SettingsService],
})
export class DatabaseModule {}
