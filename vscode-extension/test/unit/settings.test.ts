// Settings: what the server is told, which changes restart it, and that package.json contributes
// a setting for every server option.

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { clientSettings, needsRestart, SERVER_SETTING_KEYS, serverSettings } from '../../src/common/settings';

const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
const contributed: Record<string, { default?: unknown }> = manifest.contributes.configuration.properties;

function config(values: Record<string, unknown>): { get<T>(key: string): T | undefined } {
    return { get: <T>(key: string) => values[key] as T | undefined };
}

describe('settings', () => {
    it('contributes a neurodebug.* setting for every server option, and nothing unknown', () => {
        const clientOnly = [
            'interpreter',
            'decorations.enabled',
            'inlineValues.enabled',
            'inlineValues.steps',
            'trace.server',
        ];
        const expected = [...SERVER_SETTING_KEYS, ...clientOnly].map((key) => `neurodebug.${key}`).sort();
        assert.deepEqual(Object.keys(contributed).sort(), expected);
    });

    it('sends the server only its own keys, with their values', () => {
        const values = {
            select: ['ND1'],
            modelBits: 3,
            interpreter: ['/venv/bin/python'],
            'decorations.enabled': false,
            'trace.server': 'verbose',
        };
        assert.deepEqual(serverSettings(config(values)), { select: ['ND1'], modelBits: 3 });
    });

    it('the defaults the server receives are the ones package.json declares', () => {
        const defaults = Object.fromEntries(
            Object.entries(contributed).map(([key, schema]) => [key.replace(/^neurodebug\./, ''), schema.default]),
        );
        const sent = serverSettings(config(defaults));
        assert.deepEqual(Object.keys(sent).sort(), [...SERVER_SETTING_KEYS].sort());
        assert.equal(sent.maxSteps, 200);
        assert.equal(sent.modelBits, 4);
    });

    it('reads client settings, falling back to defaults on wrong types', () => {
        assert.deepEqual(clientSettings(config({})), {
            interpreter: [],
            decorations: true,
            inlineValues: true,
            inlineValueSteps: 10,
        });
        const odd = clientSettings(config({ interpreter: '/usr/bin/python3', 'inlineValues.steps': -2 }));
        assert.deepEqual(odd.interpreter, []);
        assert.equal(odd.inlineValueSteps, 10);
        const set = clientSettings(config({ interpreter: ['py', '', '-3.11'], 'decorations.enabled': false }));
        assert.deepEqual(set.interpreter, ['py', '-3.11']);
        assert.equal(set.decorations, false);
    });

    it('restarts the server for server options and the interpreter, not for visual settings', () => {
        const change = (...keys: string[]) => ({
            affectsConfiguration: (section: string) =>
                keys.some((key) => key === section || key.startsWith(`${section}.`)),
        });
        assert.equal(needsRestart(change('neurodebug.modelBits')), true);
        assert.equal(needsRestart(change('neurodebug.interpreter')), true);
        assert.equal(needsRestart(change('neurodebug.trace.server')), false);
        assert.equal(needsRestart(change('neurodebug.decorations.enabled')), false);
        assert.equal(needsRestart(change('editor.fontSize')), false);
    });
});
