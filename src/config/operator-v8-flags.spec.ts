import { operatorFlagNames } from './operator-v8-flags.js';

describe('operatorFlagNames', () => {
  it('names a flag whatever its spelling: negated, with a value, with underscores', () => {
    const names = operatorFlagNames(['--no-turbofan', '--max_semi_space_size=8'], {});
    expect([...names].sort()).toEqual(['max-semi-space-size', 'turbofan']);
  });

  it('reads NODE_OPTIONS as well as the command line', () => {
    const names = operatorFlagNames(['--cpu-prof'], { NODE_OPTIONS: '  --jitless --stack-size=2000 ' });
    expect([...names].sort()).toEqual(['cpu-prof', 'jitless', 'stack-size']);
  });

  it('takes values and paths for what they are, not for flags', () => {
    const names = operatorFlagNames(['--report-directory=/tmp/opt-turbofan', '--require', './sparkplug.js'], {});
    expect([...names].sort()).toEqual(['report-directory', 'require']);
  });
});
