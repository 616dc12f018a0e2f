import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Client } from './client.entity.js';
import { ClientRepository } from './client.repository.js';
import { ClientsService } from './clients.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Client])],
  providers: [ClientRepository, ClientsService],
  exports: [ClientsService],
})
export class ClientsModule {}
