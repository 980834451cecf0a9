import { describe, expect, it } from "vitest";
import { canWrite, chooseProject } from "./project";

describe("chooseProject", () => {
  it("prefers the URL, then the last pick still readable, then the first", () => {
    expect(chooseProject("b", ["a"], "a")).toBe("b");
    expect(chooseProject(null, ["a", "c"], "c")).toBe("c");
    expect(chooseProject(null, ["a", "c"], "gone")).toBe("a");
    expect(chooseProject(null, [], null)).toBeNull();
  });
});

describe("canWrite", () => {
  it("is contributors and above", () => {
    expect(["VIEWER", "CONTRIBUTOR", "APPROVER", "ADMIN", null].map(canWrite)).toEqual([false, true, true, true, false]);
  });
});
