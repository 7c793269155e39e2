// The inline values bridge against a real debugpy session and the real server: stopped at a
// breakpoint, it reads the frame's locals over DAP and asks the server to roll them forward.

import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DidOpenTextDocumentNotification, ExecuteCommandRequest } from 'vscode-languageserver-protocol/node';
import { InlineValuesBridge } from '../../src/common/inlineValues';
import { SERVER_COMMANDS } from '../../src/common/protocol';
import { fakeEditor } from '../stub/editor';
import { Range } from '../stub/vscode';
import { DapSession } from './dapSession';
import { settingsFrom, startSession, within, type Session } from './lspSession';

const ROOT = path.join(__dirname, '..', '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'integration', 'fixtures');
const PROGRAM = path.join(FIXTURES, 'debugged.py');
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const PYTHON = process.env.NEURODEBUG_TEST_PYTHON ?? 'python3';

describe('inline values bridge in a real debugpy session', () => {
    let server: Session;
    let dap: DapSession;
    let frameId: number;
    let stoppedLine: number;

    before(async () => {
        const checkpoint = process.env.NEURODEBUG_TEST_CHECKPOINT;
        const overrides = checkpoint ? { checkpoint, predictTimeout: 150 } : {};
        server = await startSession(FIXTURES, settingsFrom(manifest.contributes.configuration.properties, overrides));
        await server.connection.sendNotification(DidOpenTextDocumentNotification.type, {
            textDocument: {
                uri: `file://${PROGRAM}`,
                languageId: 'python',
                version: 1,
                text: readFileSync(PROGRAM, 'utf8'),
            },
        });
        dap = new DapSession(PYTHON);
        await dap.customRequest('initialize', {
            adapterID: 'debugpy',
            pathFormat: 'path',
            linesStartAt1: true,
            columnsStartAt1: true,
        });
        dap.send('launch', {
            program: PROGRAM,
            cwd: mkdtempSync(path.join(tmpdir(), 'neurodebug-dap-')),
            python: [PYTHON],
            console: 'internalConsole',
            justMyCode: true,
            subProcess: false,
        });
        await dap.waitForEvent('initialized');
        await dap.customRequest('setBreakpoints', { source: { path: PROGRAM }, breakpoints: [{ line: 5 }] });
        await dap.customRequest('setExceptionBreakpoints', { filters: [] });
        await dap.customRequest('configurationDone');
        const stopped = await dap.waitForEvent('stopped');
        const trace = await dap.customRequest('stackTrace', { threadId: stopped.body?.threadId, levels: 1 });
        const frame = (trace.stackFrames as { id: number; line: number }[])[0];
        frameId = frame.id;
        stoppedLine = frame.line - 1;
    });

    after(async () => {
        await dap?.close();
        await server?.close();
    });

    it("sends the real frame's locals to predictFromState and shows its stops ahead", async (t) => {
        assert.equal(stoppedLine, 4, 'stopped at the breakpoint on `acc += x`');
        const calls: unknown[][] = [];
        let failure: string | undefined;
        const bridge = new InlineValuesBridge(
            async (command, args) => {
                calls.push([command, ...args]);
                try {
                    return await within(
                        server.connection.sendRequest(ExecuteCommandRequest.type, { command, arguments: args }),
                        180_000,
                        command,
                    );
                } catch (error) {
                    failure = (error as Error).message;
                    throw error;
                }
            },
            () => ({ enabled: true, steps: 3, width: 40 }),
            () => dap,
        );
        const editor = fakeEditor(readFileSync(PROGRAM, 'utf8'), 0, PROGRAM);
        const values = (await bridge.provideInlineValues(
            editor.document as never,
            new Range(0, 0, editor.document.lineCount - 1, 0) as never,
            { frameId, stoppedLocation: new Range(stoppedLine, 4, stoppedLine, 4) } as never,
        )) as unknown as { range: Range; text: string }[];
        assert.deepEqual(calls, [
            [
                SERVER_COMMANDS.predictFromState,
                { uri: `file://${PROGRAM}`, line: 5, locals: { items: '[2, 4]', acc: '0', x: '2' }, count: 3 },
            ],
        ]);
        if (failure !== undefined) {
            // Without a model the bridge shows nothing and the real debugger's values remain.
            assert.deepEqual(values, []);
            t.diagnostic(`no model: ${failure}`);
            return;
        }
        for (const value of values) {
            assert.match(value.text, /^⟶ /);
            assert.ok(value.range.start.line >= 0 && value.range.start.line < editor.document.lineCount);
        }
        t.diagnostic(`inline values: ${JSON.stringify(values.map((value) => [value.range.start.line, value.text]))}`);
    });
});
