/** The admin UI's built files (`dist/ui`, made by `npm run build`), read once and served from memory. */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

export interface StaticFile {
  body: Buffer;
  contentType: string;
  etag: string;
  /** Hashed asset names never change: cached for a year. The page itself is revalidated. */
  immutable: boolean;
}

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".woff2": "font/woff2",
};

/** Where the build puts the UI: `dist/ui`, next to this file's `dist/proxy/ui/`. */
export const DEFAULT_UI_DIRECTORY = fileURLToPath(new URL("../../ui/", import.meta.url));

function walk(directory: string, found: string[]): string[] {
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) walk(path, found);
    else found.push(path);
  }
  return found;
}

/** The files under `directory` by URL path (`index.html`, `assets/x.js`); empty when there is none. */
export function loadStaticFiles(directory: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  let paths: string[];
  try {
    paths = walk(directory, []);
  } catch {
    return files;
  }
  for (const path of paths) {
    const body = readFileSync(path);
    const name = relative(directory, path).split(sep).join("/");
    files.set(name, {
      body,
      contentType: CONTENT_TYPES[extname(path)] ?? "application/octet-stream",
      etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`,
      immutable: name.startsWith("assets/"),
    });
  }
  return files;
}
