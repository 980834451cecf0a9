import { describe, expect, it } from "vitest";
import { chooseProject } from "./project";

describe("chooseProject", () => {
  it("prefers the URL, then the last pick still readable, then the first", () => {
    expect(chooseProject("b", ["a"], "a")).toBe("b");
    expect(chooseProject(null, ["a", "c"], "c")).toBe("c");
    expect(chooseProject(null, ["a", "c"], "gone")).toBe("a");
    expect(chooseProject(null, [], null)).toBeNull();
  });
});
