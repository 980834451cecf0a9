import { describe, expect, it } from "vitest";
import { csv, kindLabel, relativeTime } from "./format";

describe("format", () => {
  it("labels kinds", () => {
    expect(kindLabel("DATASET_VERSION")).toBe("Dataset version");
    expect(kindLabel("RUN")).toBe("Run");
  });
  it("says how long ago", () => {
    const now = new Date("2026-01-01T12:00:00Z");
    expect(relativeTime("2026-01-01T11:59:58Z", now)).toBe("just now");
    expect(relativeTime("2026-01-01T11:59:30Z", now)).toBe("30 s ago");
    expect(relativeTime("2026-01-01T11:59:00Z", now)).toBe("1 min ago");
    expect(relativeTime("2026-01-01T11:00:00Z", now)).toBe("1 h ago");
    expect(relativeTime("2025-12-25T12:00:00Z", now)).toBe("7 days ago");
    expect(relativeTime("not a time", now)).toBe("");
  });
  it("quotes CSV fields that need it", () => {
    expect(csv([["id", "name"], ["a", 'say "hi", then\nleave'], [1, null]])).toBe('id,name\r\na,"say ""hi"", then\nleave"\r\n1,');
  });
});
