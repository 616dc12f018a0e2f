type DateTimeFormatConstructor = typeof Intl.DateTimeFormat;

/**
 * A stand-in for `Intl.DateTimeFormat` that builds the real formatter on first use.
 *
 * Building one loads ICU's locale, calendar and time-zone data: about 8 MB resident in a bare
 * node, kept for the life of the process. `@nestjs/common` builds two when it is imported, for
 * the timestamps of its console logger; a service that logs through pino never formats with
 * them. The stand-in answers everything the real one does, and `instanceof` holds, so a caller
 * that does format gets exactly what the real formatter would give. Its arguments are checked
 * on first use too (checking them takes the same ICU data), so a bad locale throws there.
 */
export function deferringDateTimeFormat(Real: DateTimeFormatConstructor): DateTimeFormatConstructor {
  function DeferredDateTimeFormat(locales?: string | string[], options?: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
    let real: Intl.DateTimeFormat | undefined;
    const materialise = (): Intl.DateTimeFormat => (real ??= new Real(locales, options));
    return new Proxy(Object.create(Real.prototype) as Intl.DateTimeFormat, {
      get(_target, property) {
        const value: unknown = Reflect.get(materialise(), property);
        return typeof value === 'function' ? value.bind(materialise()) : value;
      },
    });
  }
  DeferredDateTimeFormat.prototype = Real.prototype;
  DeferredDateTimeFormat.supportedLocalesOf = Real.supportedLocalesOf.bind(Real);
  return DeferredDateTimeFormat as unknown as DateTimeFormatConstructor;
}

/**
 * Makes `Intl.DateTimeFormat` defer while the app's modules load; the returned function puts
 * the real constructor back. Formatters built in between stay deferred, and build the real one
 * the first time they are used.
 */
export function deferDateTimeFormats(): () => void {
  const real = Intl.DateTimeFormat;
  Intl.DateTimeFormat = deferringDateTimeFormat(real);
  return () => {
    Intl.DateTimeFormat = real;
  };
}
