import { DataSource } from 'typeorm';
import { readDatabaseConfig } from './src/config/database.config.js';
import { dataSourceOptions } from './src/database/data-source-options.js';

/** The TypeORM CLI's DataSource (npm run migration:*): the same options as the app. */
export default new DataSource(dataSourceOptions(readDatabaseConfig(process.env)));
