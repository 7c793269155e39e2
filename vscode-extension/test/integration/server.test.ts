// The extension's side of the protocol against the real server: started with the exact command
// line the extension builds, fed the settings the extension sends, called with the command
// arguments the extension's builders make, and its answers read by the extension's readers.

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
    CodeLensRequest,
    DidOpenTextDocumentNotification,
    DocumentDiagnosticRequest,
    ExecuteCommandRequest,
    type CodeLens,
    type Diagnostic,
    type FullDocumentDiagnosticReport,
} from 'vscode-languageserver-protocol/node';
import { CLIENT_COMMANDS, MODEL_UNAVAILABLE } from '../../src/common/commands';
import { enclosingFunction, layoutPrediction } from '../../src/common/layout';
import {
    editorLine,
    predictFromStateArgs,
    predictTraceArgs,
    readRanges,
    readTrace,
    SERVER_COMMANDS,
    sliceArgs,
    stepArgs,
} from '../../src/common/protocol';
import { isNeurodebugImportable } from '../../src/common/python';
import { settingsFrom, startSession, within, type Session } from './lspSession';

const ROOT = path.join(__dirname, '..', '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'integration', 'fixtures');
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const properties = manifest.contributes.configuration.properties;

const uriOf = (name: string): string => `file://${path.join(FIXTURES, name)}`;

async function open(session: Session, name: string): Promise<string> {
    const uri = uriOf(name);
    const text = readFileSync(path.join(FIXTURES, name), 'utf8');
    await session.connection.sendNotification(DidOpenTextDocumentNotification.type, {
        textDocument: { uri, languageId: 'python', version: 1, text },
    });
    return uri;
}

async function diagnostics(session: Session, uri: string): Promise<Diagnostic[]> {
    const report = await within(
        session.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } }),
        20_000,
        'textDocument/diagnostic',
    );
    return (report as FullDocumentDiagnosticReport).items;
}

/** Run a server command; the wait outlasts the server's own limits (load plus predictTimeout). */
function execute(session: Session, command: string, args: unknown): Promise<unknown> {
    return within(
        session.connection.sendRequest(ExecuteCommandRequest.type, { command, arguments: [args] }),
        180_000,
        command,
    );
}

describe('the real server, driven as the extension drives it', () => {
    let session: Session;

    before(async () => {
        const python = process.env.NEURODEBUG_TEST_PYTHON ?? 'python3';
        assert.ok(
            await isNeurodebugImportable([python]),
            `neurodebug must be importable by ${python} (pip install -e .)`,
        );
        session = await startSession(FIXTURES, settingsFrom(properties));
    });

    after(async () => {
        await session?.close();
    });

    it('starts from the command line the extension builds', () => {
        const python = process.env.NEURODEBUG_TEST_PYTHON ?? 'python3';
        assert.deepEqual(session.commandLine, [python, '-m', 'neurodebug', 'serve']);
        assert.equal(session.initialized.serverInfo?.name, 'neurodebug');
    });

    it('knows every command the server advertises, and shares no ID with the client', () => {
        const advertised = session.initialized.capabilities.executeCommandProvider?.commands ?? [];
        const known = new Set<string>(Object.values(SERVER_COMMANDS));
        assert.ok(advertised.includes(SERVER_COMMANDS.slice));
        assert.ok(advertised.includes(SERVER_COMMANDS.functionHints));
        for (const command of advertised) {
            assert.ok(known.has(command), `the client does not know the server command ${command}`);
        }
        const client = new Set<string>(Object.values(CLIENT_COMMANDS));
        assert.deepEqual(
            advertised.filter((command) => client.has(command)),
            [],
        );
    });

    it('accepts the settings the extension sends without a warning', async () => {
        const uri = await open(session, 'hints.py');
        await diagnostics(session, uri); // by now the server has asked for its configuration
        assert.ok(session.configurationRequests.length > 0, 'the server asked for workspace/configuration');
        const log = session.stderr.join('');
        assert.doesNotMatch(log, /unknown setting|invalid value/);
    });

    it('reports syntax errors and performance hints to a pulling client', async () => {
        const broken = await diagnostics(session, await open(session, 'broken.py'));
        assert.ok(
            broken.some((each) => each.code === 'ND000' && each.range.start.line === 0),
            JSON.stringify(broken),
        );
        const hints = await diagnostics(session, uriOf('hints.py'));
        assert.ok(
            hints.some((each) => each.code === 'ND101' && each.range.start.line === 10),
            JSON.stringify(hints),
        );
    });

    it('puts only commands the client handles on its code lenses, with {uri, line} of the def', async () => {
        const uri = uriOf('hints.py');
        const lenses = (await within(
            session.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } }),
            20_000,
            'textDocument/codeLens',
        )) as CodeLens[];
        const known = new Set<string>(Object.values(SERVER_COMMANDS));
        assert.ok(lenses.length >= 2);
        for (const lens of lenses) {
            assert.ok(lens.command !== undefined && known.has(lens.command.command), JSON.stringify(lens));
            assert.deepEqual(lens.command.arguments, [{ uri, line: lens.range.start.line }]);
        }
        const defLines = [...new Set(lenses.map((lens) => lens.range.start.line))].sort();
        assert.deepEqual(defLines, [1, 8]);
    });

    it('answers a functionHints lens with the hints the client lists', async () => {
        const answer = (await execute(session, SERVER_COMMANDS.functionHints, { uri: uriOf('hints.py'), line: 8 })) as {
            hints: { code: string; range: { start: { line: number } } }[];
        };
        assert.deepEqual(
            answer.hints.map((hint) => [hint.code, hint.range.start.line]),
            [['ND101', 10]],
        );
    });

    it('answers the slice command with ranges the client can highlight', async () => {
        // `acc` in `acc += x` (line 4): its slice holds `acc = 0`, the loop header and itself.
        const answer = await execute(session, SERVER_COMMANDS.slice, sliceArgs(uriOf('hints.py'), 4, 8));
        const lines = readRanges(answer).map((range) => range.start.line);
        for (const line of [2, 3, 4]) {
            assert.ok(lines.includes(line), `slice lines ${JSON.stringify(lines)} lack ${line}`);
        }
        assert.ok(!lines.includes(10), 'another function is not in the slice');
    });
});

describe('neural commands, with or without a model', () => {
    let session: Session;

    before(async () => {
        // NEURODEBUG_TEST_CHECKPOINT picks a model other than the shipped one (neurodebug.checkpoint).
        // The test checks shapes, not the model's quality: a short rollout with a generous
        // limit keeps it independent of how fast this machine decodes (a loop the model never
        // leaves would otherwise run to the default step budget).
        const checkpoint = process.env.NEURODEBUG_TEST_CHECKPOINT;
        const bounded = { maxSteps: 12, predictTimeout: 150 };
        const overrides = checkpoint ? { checkpoint, ...bounded } : bounded;
        session = await startSession(FIXTURES, settingsFrom(properties, overrides));
    });

    after(async () => {
        await session?.close();
    });

    it('answer in the shapes the client reads, or with the error the status bar shows as "no model"', async (t) => {
        const uri = await open(session, 'hints.py');
        const lines = readFileSync(path.join(FIXTURES, 'hints.py'), 'utf8').split('\n');
        let answer: unknown;
        try {
            answer = await execute(session, SERVER_COMMANDS.predictTrace, predictTraceArgs(uri, 1));
        } catch (error) {
            // Without the neural extra or a checkpoint the server says so in one message, which
            // the client recognises; static features keep working afterwards.
            const message = (error as Error).message;
            assert.match(message, MODEL_UNAVAILABLE, message);
            t.diagnostic(`no model: ${message}`);
            const items = await diagnostics(session, uri);
            assert.ok(items.some((each) => each.code === 'ND101'));
            return;
        }
        const trace = readTrace(answer);
        assert.ok(trace !== undefined && trace.steps.length > 0, JSON.stringify(answer));
        t.diagnostic(`predicted ${trace.steps.length} stops`);
        for (const step of trace.steps) {
            assert.ok(step.line >= 1 && step.line <= lines.length, `line ${step.line} is in the file`);
        }
        const layout = layoutPrediction(lines, enclosingFunction(lines, 2), trace, 0, 40);
        assert.equal(layout.nextStop, editorLine(trace.steps[0].line));

        const first = readTrace(await execute(session, SERVER_COMMANDS.stepInto, stepArgs(uri, 1, null)));
        assert.ok(first !== undefined && first.steps.length <= 1);
        const ahead = readTrace(
            await execute(
                session,
                SERVER_COMMANDS.predictFromState,
                predictFromStateArgs(uri, 3, { items: '[2, 4]', acc: '0' }, 3),
            ),
        );
        assert.ok(ahead !== undefined);
        const cleared = (await execute(session, SERVER_COMMANDS.clearPredictions, { uri })) as { cleared: unknown };
        assert.equal(typeof cleared.cleared, 'number');
    });
});

describe('settings from the editor change what the server reports', () => {
    it('an ignored rule code is not reported', async () => {
        const session = await startSession(FIXTURES, settingsFrom(properties, { ignore: ['ND101'] }));
        try {
            const uri = await open(session, 'hints.py');
            const items = await diagnostics(session, uri);
            assert.ok(!items.some((each) => each.code === 'ND101'), JSON.stringify(items));
        } finally {
            await session.close();
        }
    });
});
