import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { Palette } from '../src/palette';

const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8'));

test('package.json contributes exactly the palette commands the extension registers', () => {
    const contributed: string[] = manifest.contributes.commands.map((c: { command: string }) => c.command);
    assert.deepEqual([...contributed].sort(), Object.values(Palette).sort());
});

test('menus name only registered palette commands', () => {
    const ids = new Set<string>(Object.values(Palette));
    for (const [menu, items] of Object.entries(manifest.contributes.menus as Record<string, { command: string }[]>)) {
        for (const i of items) assert.ok(ids.has(i.command), `${menu} names ${i.command}`);
    }
});
