import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Clock } from './clock.js';
import { ContentTypeGuard } from './http/content-type.guard.js';
import { InputShapeGuard } from './http/input-shape.guard.js';

@Global()
@Module({
  providers: [Clock, { provide: APP_GUARD, useClass: ContentTypeGuard }, { provide: APP_GUARD, useClass: InputShapeGuard }],
  exports: [Clock],
})
export class CommonModule {}
