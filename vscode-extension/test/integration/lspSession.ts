// A language client session against the real server, for the integration tests: it starts the
// process exactly as the extension does (`<python> -m neurodebug serve`, the interpreter chosen by
// python.ts) and speaks LSP through vscode-languageserver-protocol, the layer
// vscode-languageclient itself is built on.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import {
    createProtocolConnection,
    ExitNotification,
    InitializeRequest,
    InitializedNotification,
    ShutdownRequest,
    StreamMessageReader,
    StreamMessageWriter,
    type ClientCapabilities,
    type InitializeResult,
    type PublishDiagnosticsParams,
    type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { resolveInterpreter, serverCommandLine, type Interpreter } from '../../src/common/python';
import { configurationAnswer, serverSettings, type ConfigurationLike } from '../../src/common/settings';

/** Client capabilities close to what vscode-languageclient 9 announces for these features. */
const CAPABILITIES: ClientCapabilities = {
    general: { positionEncodings: ['utf-16'] },
    window: { workDoneProgress: true },
    workspace: {
        configuration: true,
        workspaceFolders: true,
        didChangeConfiguration: { dynamicRegistration: true },
        executeCommand: { dynamicRegistration: true },
        inlayHint: { refreshSupport: true },
        codeLens: { refreshSupport: true },
        diagnostics: { refreshSupport: true },
    },
    textDocument: {
        synchronization: { dynamicRegistration: true, didSave: true },
        publishDiagnostics: { relatedInformation: true, versionSupport: true },
        diagnostic: { dynamicRegistration: true, relatedDocumentSupport: false },
        codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } } },
        codeLens: {},
        hover: { contentFormat: ['markdown', 'plaintext'] },
        documentHighlight: {},
        inlayHint: {},
        inlineValue: {},
    },
};

export interface Session {
    connection: ProtocolConnection;
    initialized: InitializeResult;
    interpreter: Interpreter;
    commandLine: string[];
    /** `workspace/configuration` answers the server asked for. */
    configurationRequests: unknown[];
    /** Diagnostics the server pushed (when it does not leave them to pulls). */
    published: PublishDiagnosticsParams[];
    stderr: string[];
    close(): Promise<void>;
}

/** Reject after `ms` so a hung server fails the test instead of hanging CI. */
export function within<T>(promise: Thenable<T>, ms: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms);
        promise.then(
            (value) => {
                clearTimeout(timer);
                resolve(value);
            },
            (error: unknown) => {
                clearTimeout(timer);
                reject(error);
            },
        );
    });
}

/**
 * Start the server in `cwd` with the settings `config` (as the editor would read them).
 * NEURODEBUG_TEST_PYTHON plays the `neurodebug.interpreter` setting; without it the extension's
 * fallback (`python3`) is used, as there is no Python extension here.
 */
export async function startSession(cwd: string, config: ConfigurationLike): Promise<Session> {
    const setting = process.env.NEURODEBUG_TEST_PYTHON ? [process.env.NEURODEBUG_TEST_PYTHON] : [];
    const interpreter = await resolveInterpreter(setting, undefined);
    const { command, args } = serverCommandLine(interpreter.command);
    const child: ChildProcessWithoutNullStreams = spawn(command, args, {
        cwd,
        env: { ...process.env, PYTHONUNBUFFERED: '1' },
    });
    const stderr: string[] = [];
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    const connection = createProtocolConnection(
        new StreamMessageReader(child.stdout),
        new StreamMessageWriter(child.stdin),
    );
    const configurationRequests: unknown[] = [];
    connection.onRequest('workspace/configuration', (params: { items: { section?: string; scopeUri?: string }[] }) => {
        configurationRequests.push(params);
        return configurationAnswer(
            params.items,
            params.items.map(() => null),
            () => config,
        );
    });
    // Registrations, progress tokens and refresh requests need only an empty answer here.
    for (const method of [
        'client/registerCapability',
        'client/unregisterCapability',
        'window/workDoneProgress/create',
        'workspace/inlayHint/refresh',
        'workspace/codeLens/refresh',
        'workspace/diagnostic/refresh',
        'workspace/inlineValue/refresh',
        'window/showMessageRequest',
    ]) {
        connection.onRequest(method, () => null);
    }
    const published: PublishDiagnosticsParams[] = [];
    connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) =>
        published.push(params),
    );
    for (const method of ['window/logMessage', 'window/showMessage', '$/progress', 'telemetry/event', '$/logTrace']) {
        connection.onNotification(method, () => undefined);
    }
    connection.listen();
    const initialized = await within(
        connection.sendRequest(InitializeRequest.type, {
            processId: process.pid,
            rootUri: `file://${cwd}`,
            workspaceFolders: [{ uri: `file://${cwd}`, name: 'fixtures' }],
            capabilities: CAPABILITIES,
            initializationOptions: serverSettings(config),
        }),
        30_000,
        'initialize',
    );
    await connection.sendNotification(InitializedNotification.type, {});
    const close = async (): Promise<void> => {
        try {
            await within(connection.sendRequest(ShutdownRequest.type), 10_000, 'shutdown');
            await connection.sendNotification(ExitNotification.type);
        } finally {
            const exited = new Promise((resolve) => child.once('exit', resolve));
            const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
            if (child.exitCode === null) {
                await exited;
            }
            clearTimeout(killer);
            connection.dispose();
        }
    };
    return {
        connection,
        initialized,
        interpreter,
        commandLine: [command, ...args],
        configurationRequests,
        published,
        stderr,
        close,
    };
}

/** A configuration section from package.json's defaults with some values overridden. */
export function settingsFrom(
    properties: Record<string, { default?: unknown }>,
    overrides: Record<string, unknown> = {},
): ConfigurationLike {
    const values: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(properties)) {
        values[key.replace(/^neurodebug\./, '')] = schema.default;
    }
    Object.assign(values, overrides);
    return { get: <T>(key: string) => values[key] as T | undefined };
}
