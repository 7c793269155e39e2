// The inline values bridge: real frame locals in (over DAP), predicted stops out as inline texts.

import * as assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import {
    frameLocals,
    InlineValuesBridge,
    predictedInlineTexts,
    type DebugSessionLike,
} from '../../src/common/inlineValues';
import { SERVER_COMMANDS } from '../../src/common/protocol';
import { fakeEditor } from '../stub/editor';
import { Range, reset } from '../stub/vscode';

const SOURCE = ['def total(items):', '    acc = 0', '    for x in items:', '        acc += x', '    return acc'].join(
    '\n',
);

/** A debugpy session answering scopes/variables like debugpy does (pseudo-entries included). */
function session(type = 'debugpy'): DebugSessionLike & { requests: [string, unknown][] } {
    const requests: [string, unknown][] = [];
    return {
        type,
        requests,
        customRequest: async (command: string, args?: unknown) => {
            requests.push([command, args]);
            if (command === 'scopes') {
                return {
                    scopes: [
                        { name: 'Globals', variablesReference: 9 },
                        { name: 'Locals', variablesReference: 7 },
                    ],
                };
            }
            return {
                variables: [
                    { name: 'special variables', value: '' },
                    { name: '__return__', value: 'None' },
                    { name: 'items', value: '[2, 4]' },
                    { name: 'acc', value: '0' },
                ],
            };
        },
    };
}

describe('inline values bridge', () => {
    beforeEach(reset);

    it("reads the stopped frame's program locals over DAP", async () => {
        const debug = session();
        assert.deepEqual(await frameLocals(debug, 3), { items: '[2, 4]', acc: '0' });
        assert.deepEqual(debug.requests, [
            ['scopes', { frameId: 3 }],
            ['variables', { variablesReference: 7 }],
        ]);
    });

    it('turns predicted stops into values at the lines ahead of the stop', () => {
        const texts = predictedInlineTexts(
            2,
            { items: '[2, 4]', acc: '0' },
            [
                { line: 4, event: 'line', function: 'total', depth: 1, locals: { items: '[2, 4]', acc: '0', x: '2' } },
                { line: 3, event: 'line', function: 'total', depth: 1, locals: { items: '[2, 4]', acc: '2', x: '2' } },
            ],
            40,
        );
        assert.deepEqual(texts, [
            { line: 2, text: '⟶ x = 2  (×2)' },
            { line: 3, text: '⟶ acc = 2' },
        ]);
    });

    it('asks the server with the real state and answers inline values in the viewport', async () => {
        const calls: [string, unknown[]][] = [];
        const editor = fakeEditor(SOURCE);
        const bridge = new InlineValuesBridge(
            async (command, args) => {
                calls.push([command, args]);
                return {
                    function: 'total',
                    stops: [
                        {
                            line: 4,
                            event: 'line',
                            function: 'total',
                            depth: 1,
                            locals: { items: '[2, 4]', acc: '0', x: '2' },
                        },
                        {
                            line: 3,
                            event: 'line',
                            function: 'total',
                            depth: 1,
                            locals: { items: '[2, 4]', acc: '2', x: '2' },
                        },
                    ],
                };
            },
            () => ({ enabled: true, steps: 5, width: 40 }),
            () => session(),
        );
        const values = (await bridge.provideInlineValues(
            editor.document as never,
            new Range(0, 0, 4, 0) as never,
            { frameId: 3, stoppedLocation: new Range(2, 4, 2, 4) } as never,
        )) as unknown as { range: Range; text: string }[];
        assert.deepEqual(calls, [
            [
                SERVER_COMMANDS.predictFromState,
                [{ uri: 'file:///work/example.py', line: 3, locals: { items: '[2, 4]', acc: '0' }, count: 5 }],
            ],
        ]);
        assert.deepEqual(
            values.map((value) => [value.range.start.line, value.range.start.character, value.text]),
            [
                [2, 19, '⟶ x = 2  (×2)'],
                [3, 16, '⟶ acc = 2'],
            ],
        );
    });

    it('stays silent when disabled or when the debugger is not a Python one', async () => {
        let asked = 0;
        const execute = async (): Promise<unknown> => {
            asked += 1;
            return { function: 'total', stops: [] };
        };
        const editor = fakeEditor(SOURCE);
        const context = { frameId: 1, stoppedLocation: new Range(1, 0, 1, 0) } as never;
        const off = new InlineValuesBridge(
            execute,
            () => ({ enabled: false, steps: 5, width: 40 }),
            () => session(),
        );
        assert.deepEqual(
            await off.provideInlineValues(editor.document as never, new Range(0, 0, 4, 0) as never, context),
            [],
        );
        const node = new InlineValuesBridge(
            execute,
            () => ({ enabled: true, steps: 5, width: 40 }),
            () => session('node'),
        );
        assert.deepEqual(
            await node.provideInlineValues(editor.document as never, new Range(0, 0, 4, 0) as never, context),
            [],
        );
        assert.equal(asked, 0);
    });
});
