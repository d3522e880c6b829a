#!/usr/bin/env node
// Draws the tray icons (one per state of electron/main/decisions/tray-state.ts) and the app icon as
// PNGs, so the repository holds no opaque binaries it cannot regenerate. Run: node scripts/make-icons.mjs
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const root = path.resolve(import.meta.dirname, '..');

const CRC = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
};
function png(size, pixel) {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const [r, g, b, a] = pixel((x + 0.5) / size, (y + 0.5) / size, size);
      raw.set([r, g, b, Math.round(a * 255)], y * (size * 4 + 1) + 1 + x * 4);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
// Coverage of a shape's edge, for antialiasing: distance (in pixels) → 0..1.
const edge = (d, size) => Math.max(0, Math.min(1, 0.5 - d * size));
const hex = (h) => [1, 3, 5].map((i) => Number.parseInt(h.slice(i, i + 2), 16));

const STATES = {
  firing: { color: '#e5484d', mark: 'dot' },
  analyzing: { color: '#f5a524', mark: 'ring' },
  paused: { color: '#8b949e', mark: 'bars' },
  ok: { color: '#30a46c', mark: 'none' },
};

function trayPixel({ color, mark }) {
  const [r, g, b] = hex(color);
  return (x, y, size) => {
    const dx = x - 0.5;
    const dy = y - 0.5;
    const d = Math.hypot(dx, dy);
    let a = edge(d - 0.44, size);
    // A white mark inside tells the states apart without colour (colour-blind users, mono trays).
    let white = 0;
    if (mark === 'dot') white = edge(d - 0.16, size);
    if (mark === 'ring') white = edge(Math.abs(d - 0.22) - 0.06, size);
    if (mark === 'bars')
      white = Math.abs(dy) < 0.2 && (Math.abs(dx + 0.1) < 0.05 || Math.abs(dx - 0.1) < 0.05) ? 1 : 0;
    a = Math.max(a, 0);
    const mix = (c) => Math.round(c * (1 - white) + 255 * white);
    return [mix(r), mix(g), mix(b), a];
  };
}

const trayDir = path.join(root, 'resources', 'tray');
fs.mkdirSync(trayDir, { recursive: true });
for (const [name, spec] of Object.entries(STATES)) {
  fs.writeFileSync(path.join(trayDir, `${name}.png`), png(16, trayPixel(spec)));
  fs.writeFileSync(path.join(trayDir, `${name}@2x.png`), png(32, trayPixel(spec)));
}

// App icon: a dark rounded square with a radar sweep, the colour of "ok".
fs.writeFileSync(
  path.join(root, 'resources', 'icon.png'),
  png(512, (x, y, size) => {
    const qx = Math.max(Math.abs(x - 0.5) - 0.32, 0);
    const qy = Math.max(Math.abs(y - 0.5) - 0.32, 0);
    const box = edge(Math.hypot(qx, qy) - 0.14, size);
    const d = Math.hypot(x - 0.5, y - 0.5);
    const ring = Math.max(edge(Math.abs(d - 0.3) - 0.018, size), edge(Math.abs(d - 0.18) - 0.018, size));
    const dot = edge(d - 0.06, size);
    const angle = Math.atan2(y - 0.5, x - 0.5);
    const sweep = d < 0.3 && angle > -Math.PI / 2 && angle < -Math.PI / 4 ? 0.35 : 0;
    const g = Math.max(ring, dot, sweep);
    const [r1, g1, b1] = hex('#14191f');
    const [r2, g2, b2] = hex('#30a46c');
    return [r1 + (r2 - r1) * g, g1 + (g2 - g1) * g, b1 + (b2 - b1) * g, box].map((v, i) =>
      i < 3 ? Math.round(v) : v,
    );
  }),
);
console.log(`icons written to ${path.relative(root, trayDir)} and resources/icon.png`);
