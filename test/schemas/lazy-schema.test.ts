import { describe, expect, it } from "vitest";
import { z } from "zod";
import * as schemas from "../../schemas/index.js";
import { lazySchema } from "../../schemas/lazy-zod.js";
import * as root from "../../src/index.js";

// The public schemas are built at first use (schemas/lazy-zod.ts) with the zod runledger loads then;
// to an app they must be zod schemas like any other, also to the app's own copy of zod. The oracle
// is the same schema built directly with the app's zod.
const usage = { input_tokens: 10, output_tokens: 5, total_tokens: 15, input_token_details: { cache_read: 4, text: 6 } };
const badUsage = { input_tokens: -1, output_tokens: 5.5, total_tokens: "15" };

describe("lazily built public schemas", () => {
  it("are the same objects from runledger and runledger/schemas", () => {
    expect(root.RunSchema).toBe(schemas.RunSchema);
    expect(root.UsageMetadataSchema).toBe(schemas.UsageMetadataSchema);
    expect(root.RunSchema.parse).toBe(schemas.RunSchema.parse);
  });

  it("are instances of the app's zod classes", () => {
    expect(schemas.UsageMetadataSchema).toBeInstanceOf(z.ZodType);
    expect(schemas.UsageMetadataSchema).toBeInstanceOf(z.ZodObject);
    expect(schemas.RunTypeSchema).toBeInstanceOf(z.ZodEnum);
    expect(schemas.TokenCountSchema).toBeInstanceOf(z.ZodNumber);
    expect(schemas.TokenCountSchema).not.toBeInstanceOf(z.ZodString);
  });

  it("compose into the app's schemas and parse as they do alone", () => {
    const Wrapped = z.object({ usage: schemas.UsageMetadataSchema, kind: schemas.RunTypeSchema });
    expect(Wrapped.parse({ usage, kind: "llm" })).toEqual({
      usage: schemas.UsageMetadataSchema.parse(usage),
      kind: "llm",
    });
    const alone = schemas.UsageMetadataSchema.safeParse(badUsage);
    const wrapped = Wrapped.safeParse({ usage: badUsage, kind: "llm" });
    expect(wrapped.error?.issues.map((issue) => issue.path.slice(1))).toEqual(alone.error?.issues.map((i) => i.path));
  });

  it("extend, pick and describe themselves as the equivalent schema built with the app's zod", () => {
    const extended = root.ModelPriceSchema.extend({ note: z.string() });
    expect(Object.keys(extended.shape)).toEqual([...Object.keys(root.ModelPriceSchema.shape), "note"]);
    expect(schemas.RunTypeSchema.options).toEqual([
      "tool",
      "chain",
      "llm",
      "retriever",
      "embedding",
      "prompt",
      "parser",
    ]);
    expect(z.toJSONSchema(schemas.TokenCountSchema)).toEqual(z.toJSONSchema(z.int().nonnegative()));
    expect(z.toJSONSchema(schemas.RunTypeSchema)).toEqual(z.toJSONSchema(z.enum(schemas.RunTypeSchema.options)));
  });

  it("answer reflection like the schema they stand for", () => {
    const same = z.iso.datetime({ offset: true, local: true });
    expect(Object.keys(schemas.IsoTimeSchema)).toEqual(expect.arrayContaining(Object.keys(same)));
    expect(Object.getPrototypeOf(schemas.IsoTimeSchema)).toBe(Object.getPrototypeOf(schemas.IsoTimeSchema.clone()));
    // zod defines `_zod` non-configurable: reporting it must not break the Proxy's invariants.
    expect(Object.getOwnPropertyDescriptor(schemas.IsoTimeSchema, "_zod")?.configurable).toBe(false);
    expect("_zod" in schemas.IsoTimeSchema).toBe(true);
  });

  it("build once, at first use", () => {
    let builds = 0;
    const Name = lazySchema((zod) => {
      builds++;
      return zod.string().min(1);
    });
    expect(builds).toBe(0);
    expect(Name.safeParse("gpt-4o").success).toBe(true);
    expect(Name.safeParse("").success).toBe(false);
    expect(builds).toBe(1);
  });
});
