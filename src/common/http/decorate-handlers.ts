/**
 * A class decorator that applies `decorator` to each of the controller's own methods (its
 * route handlers), for what Nest reads per handler and a controller wants on all of them.
 */
export function decorateHandlers(decorator: MethodDecorator): ClassDecorator {
  return (target) => {
    const prototype = (target as unknown as { prototype: object }).prototype;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const descriptor = Object.getOwnPropertyDescriptor(prototype, name);
      if (name === 'constructor' || !descriptor || typeof descriptor.value !== 'function') continue;
      decorator(prototype, name, descriptor);
    }
  };
}
