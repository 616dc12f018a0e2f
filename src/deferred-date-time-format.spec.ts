import { deferDateTimeFormats, deferringDateTimeFormat } from './deferred-date-time-format.js';

/** A formatter that counts how often it is built, standing in for ICU's. */
class CountingFormat {
  static built = 0;
  constructor(readonly locales?: string | string[]) {
    CountingFormat.built++;
  }
  format(date: number): string {
    return `formatted ${date} for ${String(this.locales)}`;
  }
  static supportedLocalesOf(): string[] {
    return [];
  }
}

const options: Intl.DateTimeFormatOptions = {
  timeZone: 'UTC',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
};

describe('deferringDateTimeFormat', () => {
  beforeEach(() => {
    CountingFormat.built = 0;
  });

  it('builds the real formatter on first use, once, and not before', () => {
    const Deferred = deferringDateTimeFormat(CountingFormat as unknown as typeof Intl.DateTimeFormat);
    const formatter = new Deferred('en-GB');
    expect(CountingFormat.built).toBe(0);

    expect(formatter.format(7)).toBe('formatted 7 for en-GB');
    expect(formatter.format(8)).toBe('formatted 8 for en-GB');
    expect(CountingFormat.built).toBe(1);
  });

  it('answers as the real formatter would: format, parts, ranges, options, instanceof', () => {
    const Deferred = deferringDateTimeFormat(Intl.DateTimeFormat);
    const deferred = new Deferred('en-US', options);
    const real = new Intl.DateTimeFormat('en-US', options);
    const moment = Date.UTC(2026, 10, 30, 21, 5, 9);

    expect(deferred.format(moment)).toBe(real.format(moment));
    expect(deferred.formatToParts(moment)).toEqual(real.formatToParts(moment));
    expect(deferred.formatRange(moment, moment + 86_400_000)).toBe(real.formatRange(moment, moment + 86_400_000));
    expect(deferred.resolvedOptions()).toEqual(real.resolvedOptions());
    expect([1, 2].map(deferred.format)).toEqual([real.format(1), real.format(2)]);
    expect(deferred).toBeInstanceOf(Intl.DateTimeFormat);
    expect(Object.prototype.toString.call(deferred)).toBe('[object Intl.DateTimeFormat]');
  });

  it('throws the real error for a bad locale when first used', () => {
    const Deferred = deferringDateTimeFormat(Intl.DateTimeFormat);
    const formatter = new Deferred('not a locale');
    expect(() => formatter.format(0)).toThrow(RangeError);
  });
});

describe('deferDateTimeFormats', () => {
  it('defers until restored, and the formatters built meanwhile keep working', () => {
    const real = Intl.DateTimeFormat;
    const restore = deferDateTimeFormats();
    let built: Intl.DateTimeFormat;
    try {
      expect(Intl.DateTimeFormat).not.toBe(real);
      built = new Intl.DateTimeFormat('en-US', options);
    } finally {
      restore();
    }

    expect(Intl.DateTimeFormat).toBe(real);
    expect(built.format(0)).toBe(new real('en-US', options).format(0));
  });
});
