// Check what a .vsix holds: exactly the manifest, the bundle, the readme, the licence and the
// media the extension uses; no source maps, TypeScript sources, tests or node_modules.
// Usage: node scripts/check-package.mjs neurodebug.vsix   (exit 1 and a list when it is wrong)
import { readFileSync } from 'node:fs';

/** Entry names from a zip's central directory (a .vsix is a zip). */
export function zipEntries(buffer) {
    const eocd = buffer.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd < 0) {
        throw new Error('not a zip file');
    }
    const count = buffer.readUInt16LE(eocd + 10);
    let offset = buffer.readUInt32LE(eocd + 16);
    const names = [];
    for (let index = 0; index < count; index += 1) {
        if (buffer.readUInt32LE(offset) !== 0x02014b50) {
            throw new Error(`bad central directory entry at ${offset}`);
        }
        const nameLength = buffer.readUInt16LE(offset + 28);
        const extraLength = buffer.readUInt16LE(offset + 30);
        const commentLength = buffer.readUInt16LE(offset + 32);
        names.push(buffer.toString('utf8', offset + 46, offset + 46 + nameLength));
        offset += 46 + nameLength + extraLength + commentLength;
    }
    return names;
}

export const EXPECTED = [
    '[Content_Types].xml',
    'extension.vsixmanifest',
    'extension/LICENSE.txt',
    'extension/dist/extension.js',
    'extension/media/icon.png',
    'extension/media/next-stop.svg',
    'extension/package.json',
    'extension/readme.md',
];

const path = process.argv[2];
if (path === undefined) {
    console.error('usage: node scripts/check-package.mjs FILE.vsix');
    process.exit(2);
}
const names = zipEntries(readFileSync(path)).sort();
const missing = EXPECTED.filter((name) => !names.includes(name));
const extra = names.filter((name) => !EXPECTED.includes(name));
for (const name of names) {
    console.log(name);
}
if (missing.length > 0 || extra.length > 0) {
    console.error(`${path}: missing ${JSON.stringify(missing)}, unexpected ${JSON.stringify(extra)}`);
    process.exit(1);
}
console.log(`${path}: ${names.length} files, as expected`);
