// The page's production bundle: static/js/main.js and everything it imports (socket.io-client
// included, from static/vendor) as one minified ES module, static/css/app.css minified, each
// with a source map, under content-hashed names in static/dist/, precompressed (.br, .gz; not the maps), and
// a manifest naming them (app/web/assets.py serves them). static/dist/ is generated
// (gitignored) and shipped in the wheel. Run through `npm run build` (after `npm run vendor`).
import { build } from "esbuild";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, statSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "static", "dist");

/** Browsers the page supports (ES2022 modules, CSS nesting not used). */
export const TARGET = ["chrome100", "firefox100", "safari15.4", "edge100"];

/** Build the bundle into `dir`; returns the manifest {"app.js": name, "app.css": name, ...}. */
export async function bundle(dir = out) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: [{ in: "static/js/main.js", out: "app" }, { in: "static/css/app.css", out: "app" }],
    bundle: true,
    minify: true,
    sourcemap: "linked",
    format: "esm",
    target: TARGET,
    outdir: dir,
    entryNames: "[name]-[hash]",
    metafile: true,
    logLevel: "warning",
    legalComments: "eof",
  });
  const manifest = {};
  const own = {}; // bytes of this project's own code in each output (vendor excluded)
  for (const [path, info] of Object.entries(result.metafile.outputs)) {
    const name = basename(path);
    if (!name.endsWith(".map")) {
      manifest[`app${name.slice(name.lastIndexOf("."))}`] = name;
      own[name] = Object.entries(info.inputs).filter(([input]) => !input.includes("vendor/")).reduce((sum, [, v]) => sum + v.bytesInOutput, 0);
    }
  }
  for (const name of readdirSync(dir).filter((n) => !n.endsWith(".map"))) { // maps load with the devtools only
    const data = readFileSync(join(dir, name));
    writeFileSync(join(dir, `${name}.br`), brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } }));
    writeFileSync(join(dir, `${name}.gz`), gzipSync(data, { level: 9 }));
  }
  const sizes = Object.fromEntries(Object.values(manifest).map((name) => [name, {
    bytes: statSync(join(dir, name)).size, br: statSync(join(dir, `${name}.br`)).size, gzip: statSync(join(dir, `${name}.gz`)).size, own: own[name],
  }]));
  writeFileSync(join(dir, "manifest.json"), `${JSON.stringify({ files: manifest, sizes }, null, 1)}\n`);
  return { files: manifest, sizes };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { files, sizes } = await bundle();
  const line = (name) => `${name} ${(sizes[name].bytes / 1024).toFixed(1)} KB (brotli ${(sizes[name].br / 1024).toFixed(1)} KB)`;
  if (!process.argv.includes("--quiet")) console.log(`build: ${relative(root, out)}/ ${Object.values(files).map(line).join(", ")}`);
}
