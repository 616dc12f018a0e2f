import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Clock } from './clock.js';
import { ContentTypeGuard } from './http/content-type.guard.js';

@Global()
@Module({ providers: [Clock, { provide: APP_GUARD, useClass: ContentTypeGuard }], exports: [Clock] })
export class CommonModule {}
