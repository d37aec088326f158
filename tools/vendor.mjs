// Copy the browser libraries the page needs from node_modules/ into static/vendor/, as ES
// modules the unbundled page (./dev serve --dev) and the node tests import: socket.io-client's
// own ESM file, and @msgpack/msgpack (many files) bundled into one by esbuild. Only these land
// there; static/vendor/ is generated (gitignored) and shipped in the wheel. Run through
// `npm run vendor` after `npm ci`.
import { buildSync } from "esbuild";
import { copyFileSync, mkdirSync, existsSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const target = join(root, "static", "vendor");

/** [source under node_modules, name in static/vendor] */
const FILES = [
  ["socket.io-client/dist/socket.io.esm.min.js", "socket.io.esm.min.js"],
  ["socket.io-client/LICENSE", "socket.io-client.LICENSE.txt"],
  ["@msgpack/msgpack/LICENSE", "msgpack.LICENSE.txt"],
];
/** [package entry, name in static/vendor]: bundled into one ES module each */
const BUNDLED = [["@msgpack/msgpack", "msgpack.esm.js"]];

mkdirSync(target, { recursive: true });
const wanted = new Set([...FILES, ...BUNDLED].map(([, name]) => name));
for (const name of readdirSync(target)) {
  if (!wanted.has(name)) rmSync(join(target, name), { recursive: true, force: true });
}
for (const [source, name] of FILES) {
  const from = join(root, "node_modules", source);
  if (!existsSync(from)) {
    console.error(`vendor: ${from} is missing; run \`npm ci\` first`);
    process.exit(1);
  }
  copyFileSync(from, join(target, name));
}
for (const [entry, name] of BUNDLED) {
  buildSync({ absWorkingDir: root, entryPoints: [entry], bundle: true, format: "esm", minify: true,
    outfile: join(target, name), logLevel: "warning", legalComments: "eof" });
}
