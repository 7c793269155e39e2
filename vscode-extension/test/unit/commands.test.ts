// Command wiring: every contributed command is registered and bound sensibly, and each command
// sends the server the command and arguments it expects, then updates what the editor shows.

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeEach, describe, it } from 'node:test';
import {
    absorbServerResult,
    CLIENT_COMMANDS,
    configuredEntry,
    registerCommands,
    SESSION_CONTEXT_KEY,
} from '../../src/common/commands';
import { SERVER_COMMANDS } from '../../src/common/protocol';
import { PredictionStore } from '../../src/common/session';
import { fakeEditor } from '../stub/editor';
import { commands, debug, Location, Range, recorded, reset, SourceBreakpoint, Uri, window } from '../stub/vscode';

const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));

const SOURCE = [
    '# neurodebug: total([2, 4])',
    'def total(items):',
    '    acc = 0',
    '    for x in items:',
    '        acc += x',
    '    return acc',
].join('\n');

const STOPS = [
    { line: 3, event: 'line', function: 'total', depth: 1, locals: { items: '[2, 4]' } },
    { line: 4, event: 'line', function: 'total', depth: 1, locals: { items: '[2, 4]', acc: '0' } },
    { line: 5, event: 'line', function: 'total', depth: 1, locals: { items: '[2, 4]', acc: '0', x: '2' } },
];

/** A `neurodebug.predict` answer, shaped as server/commands.py documents it. */
const PREDICTED = {
    function: 'total',
    entry: 'total([2, 4])',
    trace: { stops: STOPS, result: null, exception: null, status: 'ok' },
};

interface Harness {
    calls: { command: string; args: unknown[] }[];
    answers: unknown[];
    store: PredictionStore;
    slices: unknown[][];
    restarts: number;
}

function harness(): Harness {
    const state: Harness = { calls: [], answers: [], store: new PredictionStore(), slices: [], restarts: 0 };
    registerCommands({
        execute: async (command, args) => {
            state.calls.push({ command, args });
            const answer = state.answers.shift();
            if (answer instanceof Error) {
                throw answer;
            }
            return answer;
        },
        store: state.store,
        restart: async () => {
            state.restarts += 1;
        },
        showLog: () => undefined,
        showSlice: (_editor, ranges) => state.slices.push(ranges),
        modelBits: () => 4,
    });
    return state;
}

describe('command contributions', () => {
    beforeEach(reset);

    it('registers exactly the commands package.json contributes', () => {
        harness();
        const contributed = manifest.contributes.commands.map((each: { command: string }) => each.command).sort();
        assert.deepEqual([...recorded.commands.keys()].sort(), contributed);
        assert.deepEqual(Object.values(CLIENT_COMMANDS).sort(), contributed);
    });

    it('binds a key to every action the issue names, only to contributed commands', () => {
        const bound = new Set(manifest.contributes.keybindings.map((each: { command: string }) => each.command));
        const wanted = Object.entries(CLIENT_COMMANDS)
            .filter(([name]) => name !== 'showLog')
            .map(([, id]) => id);
        assert.deepEqual([...bound].sort(), wanted.sort());
        const keys = manifest.contributes.keybindings.map(
            (each: { key: string; when?: string }) => `${each.key}|${each.when}`,
        );
        assert.equal(new Set(keys).size, keys.length, 'no two bindings share a key and condition');
        for (const id of [
            CLIENT_COMMANDS.stepInto,
            CLIENT_COMMANDS.stepOver,
            CLIENT_COMMANDS.stepOut,
            CLIENT_COMMANDS.continue,
        ]) {
            const binding = manifest.contributes.keybindings.find((each: { command: string }) => each.command === id);
            assert.match(binding.when, new RegExp(SESSION_CONTEXT_KEY.replace('.', '\\.')));
        }
    });

    it('never reuses a server command name (the language client registers those itself)', () => {
        const server = new Set<string>(Object.values(SERVER_COMMANDS));
        for (const id of Object.values(CLIENT_COMMANDS)) {
            assert.equal(server.has(id), false, id);
        }
    });
});

describe('command behaviour', () => {
    beforeEach(reset);

    it('reads the entry from a "# neurodebug:" comment for that function only', () => {
        const lines = SOURCE.split('\n');
        assert.equal(configuredEntry(lines, { start: 1, end: 5 }), 'total([2, 4])');
        assert.equal(configuredEntry(['def other():', '    pass'], { start: 0, end: 1 }), undefined);
    });

    it('predict sends the function, the entry and the URI, and starts a neural session', async () => {
        const state = harness();
        const editor = fakeEditor(SOURCE, 3);
        window.activeTextEditor = editor;
        window.visibleTextEditors = [editor];
        state.answers.push(PREDICTED);
        await commands.executeCommand(CLIENT_COMMANDS.predict);
        assert.deepEqual(state.calls, [
            {
                command: SERVER_COMMANDS.predictTrace,
                args: [{ uri: 'file:///work/example.py', line: 1, entry: 'total([2, 4])' }],
            },
        ]);
        const prediction = state.store.get('file:///work/example.py');
        assert.equal(prediction?.trace.steps.length, 3);
        assert.deepEqual(prediction?.span, { start: 1, end: 5 });
        assert.equal(prediction?.stop, 0);
        assert.equal(recorded.contexts.get(SESSION_CONTEXT_KEY), true);
        assert.deepEqual(state.store.facts.model, { loaded: true, bits: 4, detail: undefined }, 'bits as configured');
        assert.equal(typeof state.store.facts.lastLatencyMs, 'number');
    });

    it('asks for the entry call when the file configures none, and cancelling sends nothing', async () => {
        const state = harness();
        window.activeTextEditor = fakeEditor('def f(a):\n    return a\n', 1);
        recorded.answers.push(undefined);
        await commands.executeCommand(CLIENT_COMMANDS.predict);
        assert.equal(state.calls.length, 0);
        recorded.answers.push('f(7)');
        state.answers.push(PREDICTED);
        await commands.executeCommand(CLIENT_COMMANDS.predict);
        assert.deepEqual(state.calls[0].args, [{ uri: 'file:///work/example.py', line: 0, entry: 'f(7)' }]);
    });

    it('neural step over sends the current stop, then moves the marker and cursor', async () => {
        const state = harness();
        const editor = fakeEditor(SOURCE, 3);
        window.activeTextEditor = editor;
        state.answers.push(PREDICTED);
        await commands.executeCommand(CLIENT_COMMANDS.predict);
        state.answers.push({ stop: STOPS[1] });
        await commands.executeCommand(CLIENT_COMMANDS.stepOver);
        assert.deepEqual(state.calls[1], {
            command: SERVER_COMMANDS.stepOver,
            args: [{ uri: 'file:///work/example.py', line: 1, entry: 'total([2, 4])', stop: STOPS[0] }],
        });
        const prediction = state.store.get('file:///work/example.py');
        assert.equal(prediction?.stop, 1, 'the stop the path predicted: it is kept');
        assert.deepEqual(
            prediction?.trace.steps.map((each) => each.line),
            [3, 4, 5],
        );
        assert.equal(editor.selection.active.line, 3);
    });

    it('neural continue runs to the breakpoints set in the editor for this file', async () => {
        const state = harness();
        window.activeTextEditor = fakeEditor(SOURCE, 3);
        const here = Uri.file('/work/example.py');
        debug.breakpoints = [
            new SourceBreakpoint(new Location(here, new Range(4, 0, 4, 0))),
            new SourceBreakpoint(new Location(here, new Range(2, 0, 2, 0)), false),
            new SourceBreakpoint(new Location(Uri.file('/work/other.py'), new Range(1, 0, 1, 0))),
        ];
        state.answers.push(PREDICTED, { stop: STOPS[2] });
        await commands.executeCommand(CLIENT_COMMANDS.predict);
        await commands.executeCommand(CLIENT_COMMANDS.continue);
        assert.deepEqual(state.calls[1], {
            command: SERVER_COMMANDS.continue,
            args: [
                { uri: 'file:///work/example.py', line: 1, entry: 'total([2, 4])', stop: STOPS[0], breakpoints: [5] },
            ],
        });
    });

    it('a step past the end says what the call returns instead of moving', async () => {
        const state = harness();
        window.activeTextEditor = fakeEditor(SOURCE, 3);
        state.answers.push(PREDICTED, { stop: null, result: '6', exception: null });
        await commands.executeCommand(CLIENT_COMMANDS.predict);
        await commands.executeCommand(CLIENT_COMMANDS.continue);
        assert.equal(state.calls[1].command, SERVER_COMMANDS.continue);
        assert.match(recorded.messages.at(-1)!.text, /ends here \(returns 6\)/);
        assert.equal(state.store.get('file:///work/example.py')?.stop, 0);
    });

    it('stepping without a prediction starts at the first line of the function', async () => {
        const state = harness();
        const editor = fakeEditor(SOURCE, 3);
        window.activeTextEditor = editor;
        state.answers.push({ stop: STOPS[0] });
        await commands.executeCommand(CLIENT_COMMANDS.stepInto);
        assert.deepEqual(state.calls, [
            {
                command: SERVER_COMMANDS.stepInto,
                args: [{ uri: 'file:///work/example.py', line: 1, entry: 'total([2, 4])', stop: null }],
            },
        ]);
        assert.equal(state.store.get('file:///work/example.py')?.stop, 0);
        assert.equal(recorded.contexts.get(SESSION_CONTEXT_KEY), true);
        assert.equal(editor.selection.active.line, 2);
    });

    it('predict inputs sends the output and predicts from the picked candidate', async () => {
        const state = harness();
        window.activeTextEditor = fakeEditor(SOURCE, 3);
        recorded.answers.push('6', 'total([2, 4])  ✓ checked');
        state.answers.push(
            {
                function: 'total',
                candidates: [
                    { entry: 'total([2, 4])', verified: true },
                    { entry: 'total([6])', verified: null },
                ],
            },
            PREDICTED,
        );
        await commands.executeCommand(CLIENT_COMMANDS.predictInputs);
        assert.deepEqual(state.calls[0], {
            command: SERVER_COMMANDS.predictInputs,
            args: [{ uri: 'file:///work/example.py', line: 1, output: '6' }],
        });
        assert.deepEqual(state.calls[1].args, [{ uri: 'file:///work/example.py', line: 1, entry: 'total([2, 4])' }]);
    });

    it('verify, slice, clear and restart reach the server or the editor', async () => {
        const state = harness();
        window.activeTextEditor = fakeEditor(SOURCE, 4);
        window.visibleTextEditors = [window.activeTextEditor];
        state.answers.push({
            function: 'total',
            entry: 'total([2, 4])',
            actual: { stops: STOPS },
            predicted: null,
            mismatches: [],
        });
        await commands.executeCommand(CLIENT_COMMANDS.verify);
        assert.deepEqual(state.calls[0], {
            command: SERVER_COMMANDS.verify,
            args: [{ uri: 'file:///work/example.py', line: 1, entry: 'total([2, 4])' }],
        });
        assert.match(recorded.messages.at(-1)!.text, /matches the real run over 3 real stops/);

        state.answers.push({
            variable: 'acc',
            line: 5,
            lines: [3, 5],
            ranges: [{ start: { line: 2, character: 4 }, end: { line: 2, character: 11 } }],
        });
        await commands.executeCommand(CLIENT_COMMANDS.slice);
        assert.deepEqual(state.calls[1].args, [{ uri: 'file:///work/example.py', line: 4, character: 0 }]);
        assert.equal(state.slices[0].length, 1);

        state.answers.push(PREDICTED, { cleared: 1 });
        await commands.executeCommand(CLIENT_COMMANDS.predict);
        await commands.executeCommand(CLIENT_COMMANDS.clear);
        assert.deepEqual(state.calls.at(-1), {
            command: SERVER_COMMANDS.clearPredictions,
            args: [{ uri: 'file:///work/example.py' }],
        });
        assert.equal(state.store.get('file:///work/example.py'), undefined);
        assert.deepEqual(state.slices.at(-1), []);
        assert.equal(recorded.contexts.get(SESSION_CONTEXT_KEY), false);

        await commands.executeCommand(CLIENT_COMMANDS.restart);
        assert.equal(state.restarts, 1);
    });

    it('a failing server command becomes one error message, and a missing model shows', async () => {
        const state = harness();
        window.activeTextEditor = fakeEditor(SOURCE, 3);
        state.answers.push(new Error('predict needs the neural extra (missing: torch)'));
        await commands.executeCommand(CLIENT_COMMANDS.predict);
        assert.deepEqual(
            recorded.messages.map((each) => [each.level, each.text]),
            [['error', 'neurodebug: predict trace failed: predict needs the neural extra (missing: torch)']],
        );
        assert.equal(state.store.facts.model?.loaded, false);
    });

    it("draws a prediction a code lens ran through the server's own command", () => {
        const store = new PredictionStore();
        const editor = fakeEditor(SOURCE, 0);
        window.visibleTextEditors = [editor];
        const args = [{ uri: 'file:///work/example.py', line: 1, entry: 'total([2, 4])' }];
        absorbServerResult(store, SERVER_COMMANDS.slice, args, PREDICTED, 5);
        assert.equal(store.get('file:///work/example.py'), undefined);
        absorbServerResult(store, SERVER_COMMANDS.predictTrace, args, PREDICTED, 5);
        assert.equal(store.get('file:///work/example.py')?.entry, 'total([2, 4])');
        assert.equal(store.facts.lastLatencyMs, 5);
    });
});
