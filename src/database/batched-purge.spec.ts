import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { purgeInBatches, PurgeSchedule } from './batched-purge.js';

describe('purgeInBatches', () => {
  it('goes on while batches come back full and stops at the first short one', async () => {
    const sizes = [3, 3, 1];
    const batch = jest.fn(async () => sizes.shift()!);
    expect(await purgeInBatches(batch, 3)).toBe(7);
    expect(batch).toHaveBeenCalledTimes(3);
  });

  it('goes on after a batch that another bound stopped short, and stops at the first that was not', async () => {
    const outcomes = [
      { removed: 1, full: true },
      { removed: 2, full: true },
      { removed: 2, full: false },
    ];
    const batch = jest.fn(async () => outcomes.shift()!);
    expect(await purgeInBatches(batch, 10)).toBe(5);
    expect(batch).toHaveBeenCalledTimes(3);
  });

  it('ends after the batch in progress once its signal is aborted, however large the backlog', async () => {
    const stop = new AbortController();
    let batches = 0;
    const endless = async (size: number) => {
      if (++batches === 2) stop.abort();
      return size;
    };
    expect(await purgeInBatches(endless, 10, stop.signal)).toBe(20);
    expect(batches).toBe(2);
  });
});

describe('PurgeSchedule.stop', () => {
  it('returns once the purge in progress has finished its current batch, and starts no other', async () => {
    let batches = 0;
    let release!: () => void;
    const firstBatchTaken = new Promise<void>((resolve) => (release = resolve));
    // A purge whose backlog never ends: only the stop signal can end it.
    const schedule = new PurgeSchedule(new Logger('test'), 'rows', (signal) =>
      purgeInBatches(async (size) => {
        batches++;
        release();
        return size;
      }, 100, signal),
    );
    const running = schedule.runOnce();
    await firstBatchTaken;
    await schedule.stop();
    await running;
    const afterStop = batches;
    await schedule.runOnce();
    expect(batches).toBe(afterStop);
    expect(afterStop).toBeLessThanOrEqual(2);
  });
});
