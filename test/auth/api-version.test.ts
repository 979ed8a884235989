import { describe, expect, it } from "vitest";
import { ApiVersionError, checkApiVersion, SUPPORTED_API_VERSION } from "../../src/auth/index.ts";

describe("checkApiVersion", () => {
  it("accepts exactly the supported version", () => {
    expect(SUPPORTED_API_VERSION).toBe("2025-09");
    expect(checkApiVersion("2025-09")).toBe("2025-09");
  });

  const refused: { given: string | undefined; message: string }[] = [
    { given: undefined, message: "The x-api-version header is required. The supported version is 2025-09." },
    { given: "", message: "The x-api-version header is required. The supported version is 2025-09." },
    { given: "2025-08", message: "Unsupported x-api-version '2025-08'. The supported version is 2025-09." },
    { given: " 2025-09", message: "Unsupported x-api-version ' 2025-09'. The supported version is 2025-09." },
    { given: "2025-09-01", message: "Unsupported x-api-version '2025-09-01'. The supported version is 2025-09." },
    { given: "2025-09, 2025-09", message: "Unsupported x-api-version '2025-09, 2025-09'. The supported version is 2025-09." },
    { given: "x".repeat(100), message: `Unsupported x-api-version '${"x".repeat(40)}…'. The supported version is 2025-09.` },
  ];
  it.each(refused)("refuses $given", ({ given, message }) => {
    let error: unknown;
    try {
      checkApiVersion(given);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ApiVersionError);
    expect(error).toMatchObject({ code: "unsupported_api_version", message });
  });
});
