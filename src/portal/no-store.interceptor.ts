import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import type { HeaderWriter } from './portal-cookie.js';

/** Portal answers carry sessions and secrets: never cached. Set before the handler runs, so errors carry it too. */
@Injectable()
export class NoStoreInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const response = context.switchToHttp().getResponse<HeaderWriter>();
    response.header('cache-control', 'no-store');
    response.header('pragma', 'no-cache');
    return next.handle();
  }
}
