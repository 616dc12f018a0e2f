import { lowerPriorityPrelude } from './thread-priority.js';

// What the prelude does to a thread is checked where threads run with it (signing-thread-pool.spec.ts,
// webhook.sender.spec.ts).

describe('lowerPriorityPrelude', () => {
  it('is empty for 0: the thread keeps the event loop’s priority', () => {
    expect(lowerPriorityPrelude(0)).toBe('');
  });

  it.each([-1, 20, 1.5, Number.NaN])('refuses %p, which is no nice step', (nice) => {
    expect(() => lowerPriorityPrelude(nice)).toThrow(RangeError);
  });
});
