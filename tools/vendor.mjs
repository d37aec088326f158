// Copy the browser libraries the page needs from node_modules/ into static/vendor/.
// Only the files listed here are copied; static/vendor/ is generated (gitignored) and
// shipped in the wheel. Run through `npm run vendor` after `npm ci`.
import { copyFileSync, mkdirSync, existsSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const target = join(root, "static", "vendor");

/** [source under node_modules, name in static/vendor] */
const FILES = [
  ["socket.io-client/dist/socket.io.esm.min.js", "socket.io.esm.min.js"],
  ["socket.io-client/LICENSE", "socket.io-client.LICENSE.txt"],
];

mkdirSync(target, { recursive: true });
const wanted = new Set(FILES.map(([, name]) => name));
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
