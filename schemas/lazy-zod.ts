import type * as Zod from "zod";
import { loadZod } from "./zod-loader.cjs";

let loaded: typeof Zod.z | undefined;

/**
 * zod's `z`, loaded at the first call rather than at import: loading zod costs more than the rest of
 * runledger's root entry (bench/cold-start.ts), and most programs never validate anything at start-up.
 * Synchronous, so a boundary validates the first time it is crossed like every later time.
 */
export function zod(): typeof Zod.z {
  return (loaded ??= (loadZod() as typeof Zod).z);
}

/**
 * A schema built at its first use, from zod's `z` (loaded then): the returned object forwards every operation (property reads,
 * `instanceof` through zod's traits, prototype, own keys, composition into other schemas) to the zod
 * schema `build` makes the first time any of them happens, so it is that schema to every caller.
 *
 * @example
 * export const NameSchema = lazySchema((z) => z.string().min(1));
 * NameSchema.parse("gpt-4o"); // zod is loaded and the schema built here, once
 */
export function lazySchema<T extends object>(build: (z: typeof Zod.z) => T): T {
  let schema: T | undefined;
  const real = (): T => (schema ??= build(zod()));
  // Proxy invariants: a property the schema has as non-configurable must exist on the target too, so
  // such descriptors are mirrored onto the (otherwise empty) target when they are reported or defined.
  const mirror = (target: T, key: string | symbol, descriptor: PropertyDescriptor | undefined): void => {
    if (descriptor && !descriptor.configurable && !Object.hasOwn(target, key)) {
      Reflect.defineProperty(target, key, descriptor);
    }
  };
  return new Proxy({} as T, {
    get: (_target, key) => Reflect.get(real(), key),
    set: (_target, key, value) => Reflect.set(real(), key, value),
    has: (_target, key) => Reflect.has(real(), key),
    deleteProperty: (_target, key) => Reflect.deleteProperty(real(), key),
    ownKeys: () => Reflect.ownKeys(real()),
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
    setPrototypeOf: (_target, prototype) => Reflect.setPrototypeOf(real(), prototype),
    getOwnPropertyDescriptor: (target, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(real(), key);
      mirror(target, key, descriptor);
      return descriptor;
    },
    defineProperty: (target, key, descriptor) => {
      if (!Reflect.defineProperty(real(), key, descriptor)) return false;
      mirror(target, key, Reflect.getOwnPropertyDescriptor(real(), key));
      return true;
    },
  });
}
