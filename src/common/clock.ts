import { Injectable } from '@nestjs/common';

/** The time source, injectable so tests can move it. Epoch milliseconds. */
@Injectable()
export class Clock {
  now(): number {
    return Date.now();
  }
}
