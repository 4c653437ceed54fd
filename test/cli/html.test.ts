import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/run-cli.js";

// Writes the page with the CLI from a JSONL fixture, opens it in Debian's chromium (headless, no
// network) and checks what a user sees: one bar per run, nested in execution order, widths in
// proportion to durations, numbers, and the hover and click details.
const repoRoot = path.resolve(import.meta.dirname, "../..");
const fixture = path.join(repoRoot, "test/fixtures/cli/traces.jsonl");
const hostileName = `</script><script>window.__pwned = true</script><img src=x onerror="window.__pwned=true">`;
// A Chromium from the system (no browser download): RUNLEDGER_CHROMIUM if set, else the usual paths.
// Without one the browser checks are skipped, saying so; .ci/run installs Debian's chromium and sets
// RUNLEDGER_REQUIRE_BROWSER, so in CI a missing browser fails instead.
const chromiumCandidates =
  process.env.RUNLEDGER_CHROMIUM !== undefined
    ? [process.env.RUNLEDGER_CHROMIUM]
    : ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"];
const chromiumPath = chromiumCandidates.find((candidate) => candidate !== "" && existsSync(candidate));
if (chromiumPath === undefined) {
  if (process.env.RUNLEDGER_REQUIRE_BROWSER)
    throw new Error("RUNLEDGER_REQUIRE_BROWSER is set but no Chromium was found");
  console.warn(
    "test/cli/html.test.ts: SKIPPED, no Chromium found (install chromium or set RUNLEDGER_CHROMIUM to its path)",
  );
}
let dir: string;
let browser: BrowserContext;
let page: Page;
let html: string;
const consoleErrors: string[] = [];
const requests: string[] = [];

beforeAll(async () => {
  if (chromiumPath === undefined) return;
  dir = mkdtempSync(path.join(os.tmpdir(), "runledger-html-"));
  // The fixture plus a hostile run name: it must stay text, never markup or script.
  const lines = readFileSync(fixture, "utf8").replace(
    '"name":"search_orders"',
    `"name":${JSON.stringify(hostileName)}`,
  );
  const input = path.join(dir, "traces.jsonl");
  writeFileSync(input, lines);
  const output = path.join(dir, "report.html");
  const sink = {
    text: "",
    write(chunk: string) {
      this.text += chunk;
      return true;
    },
  };
  expect(await runCli(["html", input, "-o", output], { stdout: sink, stderr: sink })).toBe(0);
  html = readFileSync(output, "utf8");

  // A fresh profile folder per run (Playwright takes it as the persistent context's directory).
  browser = await chromium.launchPersistentContext(path.join(dir, "profile"), {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-quic",
      "--no-first-run",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  page = await browser.newPage();
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  page.on("request", (request) => {
    if (!request.url().startsWith("file:")) requests.push(request.url());
  });
  await page.goto(pathToFileURL(output).href);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

interface BarBox {
  id: string;
  depth: number;
  left: number;
  width: number;
  laneLeft: number;
  laneWidth: number;
  duration: number;
  trace: string;
}

async function bars(): Promise<BarBox[]> {
  return page.$$eval(".row", (rows) =>
    rows.map((row) => {
      const bar = row.querySelector(".bar");
      const lane = row.querySelector(".lane");
      if (!bar || !lane) throw new Error("row without bar");
      const box = bar.getBoundingClientRect();
      const laneBox = lane.getBoundingClientRect();
      return {
        id: row.getAttribute("data-run-id") ?? "",
        depth: Number(row.getAttribute("data-depth")),
        left: box.left,
        width: box.width,
        laneLeft: laneBox.left,
        laneWidth: laneBox.width,
        duration: Number(bar.getAttribute("data-duration-ms")),
        trace: row.closest(".trace")?.getAttribute("data-trace-id") ?? "",
      };
    }),
  );
}

describe.skipIf(chromiumPath === undefined)("runledger html (in a real Chromium)", () => {
  it("is one self-contained file: no external resources, data that cannot break out of its script", () => {
    expect(html).not.toMatch(/<(link|img|iframe)\b/i);
    expect(html).not.toMatch(/\b(src|href)=["']?https?:/i);
    const data = /<script type="application\/json" id="runledger-data">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? "";
    expect(data).not.toContain("<");
    const parsed = JSON.parse(data) as { runs: Record<string, { name: string }> };
    expect(Object.values(parsed.runs).map((run) => run.name)).toContain(hostileName);
    expect(requests).toEqual([]);
  });

  it("draws one bar per run, newest trace first, nested by depth in execution order", async () => {
    const boxes = await bars();
    expect(boxes).toHaveLength(9);
    expect(boxes.map((box) => [box.id.slice(-2), box.depth])).toEqual([
      ["01", 0], // summarize_ticket (11:30)
      ["02", 1],
      ["03", 2],
      ["01", 0], // support_agent (10:00)
      ["02", 1],
      ["03", 1],
      ["04", 1],
      ["05", 1],
      ["06", 1],
    ]);
    const labels = await page.$$eval(".row .label", (cells) =>
      cells.map((cell) => (cell as unknown as { style: { paddingLeft: string } }).style.paddingLeft),
    );
    expect(labels.slice(3, 6)).toEqual(["0px", "14px", "14px"]);
  });

  it("places and sizes bars in proportion to start times and durations", async () => {
    const boxes = await bars();
    for (const trace of new Set(boxes.map((box) => box.trace))) {
      const rows = boxes.filter((box) => box.trace === trace);
      const root = rows[0];
      if (!root) throw new Error("no root row");
      const span = root.duration; // the root spans its whole trace in the fixture
      for (const box of rows) {
        expect(Math.abs(box.width - Math.max((box.duration / span) * box.laneWidth, 2)), box.id).toBeLessThan(1.5);
        expect(box.left, box.id).toBeGreaterThanOrEqual(box.laneLeft - 0.5);
        expect(box.left + box.width, box.id).toBeLessThanOrEqual(box.laneLeft + box.laneWidth + 1.5);
      }
    }
    // The fixture's first trace: the Anthropic call (1.35s → 2.80s of 3.25s) sits after the tool call.
    const sonnet = boxes.find((box) => box.id.endsWith("b04"));
    const tool = boxes.find((box) => box.id.endsWith("b03"));
    if (!sonnet || !tool) throw new Error("missing rows");
    expect((sonnet.left - sonnet.laneLeft) / sonnet.laneWidth).toBeCloseTo(1.35 / 3.25, 2);
    expect(sonnet.width / tool.width).toBeCloseTo(1.45 / 0.35, 1);
  });

  it("shows the numbers: totals, the per-model table and chart, errors marked", async () => {
    const summary = await page.textContent("#summary");
    expect(summary).toContain("9 runs · 5 LLM calls · 5,120 input / 1,410 output tokens · $0.0150");
    const rows = await page.$$eval("#models tbody tr", (trs) =>
      trs.map((tr) => (tr as unknown as { innerText: string }).innerText.split("\t")),
    );
    expect(rows).toContainEqual(["claude-haiku-4-5-20251001", "2", "1", "420", "0", "60", "0", "$0.000720"]);
    expect(rows).toContainEqual(["gpt-4o-mini-2024-07-18", "1", "0", "1,200", "1,024", "150", "0", "$0.000193"]);
    expect(await page.$$eval("svg .model-row", (groups) => groups.length)).toBe(4);
    expect(await page.$$eval(".bar.error", (errors) => errors.map((bar) => bar.getAttribute("data-run-id")))).toEqual([
      "0b8e3a52-6f1d-4c2a-9e57-2d4c1f0a9b06",
    ]);
  });

  it("keeps a hostile run name as text", async () => {
    expect(await page.evaluate(() => (globalThis as { __pwned?: boolean }).__pwned)).toBeUndefined();
    expect(await page.$$eval(".row .label", (cells) => cells.map((cell) => cell.textContent))).toContain(
      `${hostileName}tool`,
    );
    expect(consoleErrors).toEqual([]);
  });

  it("shows tokens and cost on hover and in the side panel on click", async () => {
    const bar = page.locator('.bar[data-run-id="0b8e3a52-6f1d-4c2a-9e57-2d4c1f0a9b04"]');
    await bar.hover();
    const tooltip = page.locator("#tooltip");
    await expect.poll(() => tooltip.isVisible()).toBe(true);
    const tip = (await tooltip.textContent()) ?? "";
    expect(tip).toContain("Model: claude-sonnet-4-5-20250929");
    expect(tip).toContain("Input tokens: 3,000");
    expect(tip).toContain("Cached input: 2,000");
    expect(tip).toContain("Reasoning: 120");
    expect(tip).toContain("Cost: ~$0.00997");

    await page.locator('.bar[data-run-id="0b8e3a52-6f1d-4c2a-9e57-2d4c1f0a9b06"]').click();
    const panel = (await page.textContent("#run-details")) ?? "";
    expect(panel).toContain("RateLimitError: 429 Too Many Requests");
    expect(panel).toContain("claude-haiku-4-5-20251001");
    expect(await page.getAttribute(".row.selected", "data-run-id")).toBe("0b8e3a52-6f1d-4c2a-9e57-2d4c1f0a9b06");

    // The tooltip shows an error's first line only; the panel keeps all of it, line breaks included.
    await page.locator('.bar[data-run-id="0b8e3a52-6f1d-4c2a-9e57-2d4c1f0a9b06"]').hover();
    await expect.poll(async () => (await tooltip.textContent()) ?? "").toContain("Error: RateLimitError: 429");
    expect(await tooltip.textContent()).not.toContain("retry-after");
    const errorText = await page
      .locator("#run-details dd.err")
      .evaluate((dd) => (dd as unknown as { innerText: string }).innerText);
    expect(errorText).toBe("RateLimitError: 429 Too Many Requests\nretry-after: 2");

    // Inputs and outputs in the panel, never in the tooltip.
    await page.locator('.bar[data-run-id="0b8e3a52-6f1d-4c2a-9e57-2d4c1f0a9b05"]').click();
    const blocks = await page.$$eval("#run-details dd.block", (dds) =>
      dds.map((dd) => (dd as unknown as { innerText: string }).innerText),
    );
    expect(blocks.some((text) => text.includes('"text": "Verified."'))).toBe(true);
    expect(await tooltip.textContent()).not.toContain("Verified.");

    await bar.hover();
    const screenshot = path.join(os.tmpdir(), "runledger-html-report.png");
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`screenshot: ${screenshot}`);
  });
});
