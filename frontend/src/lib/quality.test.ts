import { describe, expect, it } from "vitest";
import { formatObserved, formatPercent } from "./quality";

describe("formatObserved", () => {
  it("formats numbers, nulls and structured values", () => {
    expect(formatObserved(0.6666666)).toBe("0.6667");
    expect(formatObserved(1000000)).toBe("1,000,000");
    expect(formatObserved(null)).toBe("—");
    expect(formatObserved(true)).toBe("true");
    expect(formatObserved({ psi: 0.31234, bins: 10 })).toBe("psi 0.3123 · bins 10");
  });
});

describe("formatPercent", () => {
  it("keeps small shares readable", () => {
    expect(formatPercent(0.0123)).toBe("0.01 %");
    expect(formatPercent(33.3333)).toBe("33.3 %");
    expect(formatPercent(null)).toBe("—");
  });
});
