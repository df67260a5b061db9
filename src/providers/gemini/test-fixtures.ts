import { readFileSync } from "node:fs";
import type { UpstreamTarget } from "../types.js";

/** A fixture of this folder's __fixtures__, as text or parsed JSON (for tests). */
export function readFixtureText(name: string): string {
  return readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8");
}

export function readFixture(name: string): unknown {
  return JSON.parse(readFixtureText(name));
}

export const geminiTestTarget: UpstreamTarget = {
  providerId: "gemini",
  model: "gemini-2.5-flash",
  apiBase: "https://generativelanguage.googleapis.com",
  apiKey: "AIzaSy-test-key-0123456789",
  organization: undefined,
};
