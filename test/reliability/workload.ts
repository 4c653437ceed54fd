import { getCurrentRun, traceable, type RunTracer } from "../../src/tracing/index.js";

/**
 * Traces `traces` requests through `tracer`, each a root run with two child steps (3 runs), one
 * after the other, and returns the id of every run created, in creation order.
 */
export async function traceRequests(tracer: RunTracer, traces: number): Promise<string[]> {
  const ids: string[] = [];
  const remember = (): void => void ids.push((getCurrentRun() as { id: string }).id);
  const step = traceable(
    async (n: number) => {
      remember();
      return n * 2;
    },
    { name: "step" },
  );
  const request = traceable(
    async (n: number) => {
      remember();
      return (await step(n)) + (await step(n + 1));
    },
    { name: "request", tracer },
  );
  for (let i = 0; i < traces; i++) await request(i);
  return ids;
}
