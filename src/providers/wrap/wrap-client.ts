import type { ChatCallSpec } from "./chat-call-spec.js";
import { callInstrumented } from "./instrumented-call.js";
import { mergeWrapOptions, type WrapClientOptions } from "./wrap-options.js";

type Method = (this: unknown, ...args: unknown[]) => unknown;

/** Where the instrumented methods sit in a client: e.g. `chat` → `completions` → `create`. */
interface SpecNode {
  readonly children: Map<string, SpecNode>;
  call?: ChatCallSpec;
}

interface WrappedClient {
  kind: string;
  target: object;
  options: WrapClientOptions;
}

// Every wrapped client, to unwrap it when wrapped again. Shared through globalThis so the ESM and
// CJS builds recognize each other's wrappers.
const REGISTRY_KEY = Symbol.for("runledger.wrapped-clients");
const registryHolder = globalThis as { [REGISTRY_KEY]?: WeakMap<object, WrappedClient> };
const wrappedClients: WeakMap<object, WrappedClient> = (registryHolder[REGISTRY_KEY] ??= new WeakMap());

/** A client wrapper function: `(client, options?) => client of the same type`. */
export type ClientWrapper<O extends WrapClientOptions> = <T extends object>(client: T, options?: O) => T;

/**
 * Builds a client wrapper from the dotted paths of the methods to instrument (e.g.
 * `"chat.completions.create"`), chosen per client (`calls` sees the options and the client, e.g. to
 * read its base URL; a `withOptions()` copy gets its own). The wrapper returns a Proxy of the client: the listed methods make
 * chat-model runs; every other member is the client's own. Wrapping a wrapped client again wraps
 * the original with both option sets merged (no event is ever emitted twice).
 *
 * @example
 * const wrapMistral = defineClientWrapper<WrapClientOptions>("mistral", () => ({ "chat.complete": MISTRAL_CHAT }));
 * const mistral = wrapMistral(new Mistral(), { tags: ["eval"] });
 */
export function defineClientWrapper<O extends WrapClientOptions>(
  kind: string,
  calls: (options: O, client: object) => Readonly<Record<string, ChatCallSpec>>,
): ClientWrapper<O> {
  const wrap = <T extends object>(client: T, options?: O): T => {
    const given = options ?? ({} as O);
    const existing = wrappedClients.get(client);
    if (existing !== undefined && existing.kind === kind) {
      return wrap(existing.target as T, mergeWrapOptions(existing.options as O, given));
    }
    const proxy = new ClientProxies(client, specTree(calls(given, client)), given, (copy) => wrap(copy, given))
      .root as T;
    wrappedClients.set(proxy, { kind, target: client, options: given });
    return proxy;
  };
  return wrap;
}

function specTree(calls: Readonly<Record<string, ChatCallSpec>>): SpecNode {
  const root: SpecNode = { children: new Map() };
  for (const [path, spec] of Object.entries(calls)) {
    let node = root;
    for (const part of path.split(".")) {
      let child = node.children.get(part);
      if (child === undefined) node.children.set(part, (child = { children: new Map() }));
      node = child;
    }
    node.call = spec;
  }
  return root;
}

/** The proxies of one wrapped client: the client itself and the resources on the paths to instrumented methods. */
class ClientProxies {
  readonly root: object;
  private readonly _options: WrapClientOptions;
  private readonly rewrap: (client: object) => object;
  private readonly resources = new WeakMap<object, object>();

  constructor(client: object, tree: SpecNode, options: WrapClientOptions, rewrap: (client: object) => object) {
    this._options = options;
    this.rewrap = rewrap;
    this.root = this.proxy(client, tree, true);
  }

  private proxy(target: object, node: SpecNode, isRoot: boolean): object {
    const members = new Map<PropertyKey, { source: unknown; wrapper: unknown }>();
    const cached = (prop: PropertyKey, source: unknown, make: () => unknown): unknown => {
      const hit = members.get(prop);
      if (hit !== undefined && hit.source === source) return hit.wrapper;
      const wrapper = make();
      members.set(prop, { source, wrapper });
      return wrapper;
    };
    return new Proxy(target, {
      get: (object, prop) => {
        // Resource helpers (`stream()`, `parse()`, `runTools()`) reach the API through `this._client`:
        // pointing it at the wrapped client routes their inner `create` calls through the instrumentation.
        if (!isRoot && prop === "_client") return this.root;
        // Read on the target itself: the SDK clients' getters and methods use private (#) fields.
        const value: unknown = Reflect.get(object, prop);
        const child = typeof prop === "string" ? node.children.get(prop) : undefined;
        if (child !== undefined) {
          const spec = child.call;
          if (spec !== undefined && typeof value === "function") {
            return cached(prop, value, () => this.instrument(value as Method, object, spec));
          }
          if (typeof value === "object" && value !== null) return this.resource(value, child);
          return value;
        }
        // Resource methods stay unbound so `this` is the resource proxy (see `_client` above);
        // client methods run on the client itself.
        if (!isRoot || typeof value !== "function" || prop === "constructor") return value;
        return cached(prop, value, () => this.bindToClient(value as Method, object));
      },
      set: (object, prop, value) => Reflect.set(object, prop, value),
    });
  }

  private resource(target: object, node: SpecNode): object {
    let proxy = this.resources.get(target);
    if (proxy === undefined) this.resources.set(target, (proxy = this.proxy(target, node, false)));
    return proxy;
  }

  private instrument(original: Method, owner: object, spec: ChatCallSpec): Method {
    const options = this._options;
    return function instrumented(this: unknown, ...args: unknown[]): unknown {
      // Called on the resource itself: calls the SDK makes internally (retries, its own helpers) are not runs.
      return callInstrumented(original, owner, spec, options, args);
    };
  }

  private bindToClient(method: Method, client: object): Method {
    const root = this.root;
    const rewrap = this.rewrap;
    return function bound(this: unknown, ...args: unknown[]): unknown {
      const result = method.apply(client, args);
      if (result === client) return root;
      // `withOptions()` and the like return a new client of the same class: it stays wrapped.
      if (typeof result === "object" && result !== null && result.constructor === client.constructor)
        return rewrap(result);
      return result;
    };
  }
}
