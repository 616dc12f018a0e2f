import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { User } from './user.entity.js';
import { USER_STORE } from './user-store.js';
import { UserRepository } from './user.repository.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([User])],
  providers: [UserRepository, UsersService, { provide: USER_STORE, useExisting: UsersService }],
  exports: [UsersService, USER_STORE],
})
export class UsersModule {}
