// Starts, stops and restarts the language server: `<python> -m neurodebug serve` over stdio,
// with the Python chosen by python.ts and the options read by settings.ts. Restarts are
// debounced and serialised, so a burst of setting changes gives one restart and two restarts
// never overlap.

import * as vscode from 'vscode';
import {
    ExecuteCommandRequest,
    LanguageClient,
    State,
    type LanguageClientOptions,
    type ServerOptions,
} from 'vscode-languageclient/node';
import { debounce, type Debounced } from './debounce';
import {
    installCommandLine,
    isNeurodebugImportable,
    resolveInterpreter,
    runProcess,
    serverCommandLine,
    type Interpreter,
    type PythonEnvironmentsApi,
} from './python';
import { clientSettings, configurationAnswer, section, SECTION, serverSettings } from './settings';
import type { ServerState } from './statusBar';

export const RESTART_DELAY_MS = 1000;

export interface ServerHooks {
    /** The server's state changed (for the status bar). */
    onState(state: ServerState): void;
    /** A server command ran through the client (e.g. a code lens); lets the UI use its answer. */
    onCommandResult(command: string, args: unknown[], result: unknown, ms: number): void;
    /** The inline values bridge answers instead of the server's own provider, when enabled. */
    bridgeInlineValues(): boolean;
    /** 0-based lines of a document where the client draws predicted values itself. */
    drawnLines(uri: string): Set<number>;
}

export class ServerManager implements vscode.Disposable {
    private client: LanguageClient | undefined;
    private queue: Promise<void> = Promise.resolve();
    private readonly offeredInstall = new Set<string>();
    readonly scheduleRestart: Debounced;

    constructor(
        private readonly output: vscode.LogOutputChannel,
        private readonly environments: () => Promise<PythonEnvironmentsApi | undefined>,
        private readonly hooks: ServerHooks,
    ) {
        this.scheduleRestart = debounce(() => void this.restart(), RESTART_DELAY_MS);
    }

    /** Stop the running server (if any) and start it again; calls queue one after another. */
    restart(): Promise<void> {
        this.queue = this.queue.then(async () => {
            await this.stopNow();
            await this.startNow();
        });
        return this.queue;
    }

    stop(): Promise<void> {
        this.scheduleRestart.cancel();
        this.queue = this.queue.then(() => this.stopNow());
        return this.queue;
    }

    /** `workspace/executeCommand` on the running server. */
    async execute(command: string, args: unknown[]): Promise<unknown> {
        const client = this.client;
        if (client === undefined || client.state !== State.Running) {
            throw new Error('the language server is not running (see the neurodebug output)');
        }
        return client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args });
    }

    /** The commands the running server advertises. */
    serverCommands(): string[] {
        return this.client?.initializeResult?.capabilities.executeCommandProvider?.commands ?? [];
    }

    private async startNow(): Promise<void> {
        const resource = vscode.workspace.workspaceFolders?.[0]?.uri;
        const settings = clientSettings(section(resource));
        const interpreter = await resolveInterpreter(settings.interpreter, await this.environments(), resource);
        this.output.info(`Python: ${interpreter.command.join(' ')} (from ${interpreter.source})`);
        if (!(await isNeurodebugImportable(interpreter.command))) {
            this.output.warn(`neurodebug cannot be imported by ${interpreter.command.join(' ')}`);
            this.hooks.onState('missing');
            void this.offerInstall(interpreter);
            return;
        }
        const { command, args } = serverCommandLine(interpreter.command);
        this.output.info(`Starting: ${[command, ...args].join(' ')}`);
        const serverOptions: ServerOptions = {
            command,
            args,
            options: { cwd: resource?.fsPath, env: { ...process.env, PYTHONUNBUFFERED: '1' } },
        };
        const client = new LanguageClient(SECTION, 'neurodebug', serverOptions, this.clientOptions());
        client.onDidChangeState((event) => {
            this.hooks.onState(
                event.newState === State.Running
                    ? 'running'
                    : event.newState === State.Starting
                      ? 'starting'
                      : 'stopped',
            );
        });
        this.client = client;
        this.hooks.onState('starting');
        try {
            await client.start();
        } catch (error) {
            this.output.error(`The language server failed to start: ${String(error)}`);
            this.hooks.onState('stopped');
        }
    }

    private clientOptions(): LanguageClientOptions {
        const hooks = this.hooks;
        return {
            documentSelector: [
                { scheme: 'file', language: 'python' },
                { scheme: 'untitled', language: 'python' },
            ],
            outputChannel: this.output,
            traceOutputChannel: this.output,
            initializationOptions: serverSettings(section()),
            middleware: {
                // Answer `workspace/configuration` for our section with server options only.
                workspace: {
                    configuration: async (params, token, next) => {
                        const answers = await next(params, token);
                        if (!Array.isArray(answers)) {
                            return answers;
                        }
                        return configurationAnswer(params.items, answers, (scopeUri) =>
                            section(scopeUri ? vscode.Uri.parse(scopeUri) : undefined),
                        );
                    },
                },
                executeCommand: async (command, args, next) => {
                    const started = Date.now();
                    const result = await next(command, args);
                    hooks.onCommandResult(command, args, result, Date.now() - started);
                    return result;
                },
                // The bridge reads the real frame's locals, which the server's own inline values
                // cannot see; showing both would draw every value twice.
                provideInlineValues: (document, viewPort, context, token, next) =>
                    hooks.bridgeInlineValues() ? [] : next(document, viewPort, context, token),
                // The server's inlay hints show the same predicted values as the ghost text;
                // where the client draws a line's values, its hint would repeat them.
                provideInlayHints: async (document, range, token, next) => {
                    const hints = await next(document, range, token);
                    const drawn = hooks.drawnLines(document.uri.toString());
                    return drawn.size === 0 || !hints ? hints : hints.filter((hint) => !drawn.has(hint.position.line));
                },
            },
        };
    }

    private async stopNow(): Promise<void> {
        const client = this.client;
        this.client = undefined;
        if (client !== undefined) {
            try {
                await client.stop(2000);
            } catch (error) {
                this.output.warn(`Stopping the language server: ${String(error)}`);
            }
            await client.dispose().catch(() => undefined);
        }
        this.hooks.onState('stopped');
    }

    /** One notification per interpreter: offer `pip install neurodebug` into that environment. */
    private async offerInstall(interpreter: Interpreter): Promise<void> {
        const key = interpreter.command.join(' ');
        if (this.offeredInstall.has(key)) {
            return;
        }
        this.offeredInstall.add(key);
        const choice = await vscode.window.showWarningMessage(
            `neurodebug is not installed for ${key}. Install it into that environment with pip?`,
            'Install',
            'Show Log',
        );
        if (choice === 'Show Log') {
            this.output.show();
            return;
        }
        if (choice !== 'Install') {
            return;
        }
        const { command, args } = installCommandLine(interpreter.command);
        this.output.info(`Running: ${[command, ...args].join(' ')}`);
        const result = await vscode.window.withProgress(
            { location: vscode.ProgressLocation.Notification, title: 'Installing neurodebug…' },
            () => runProcess(command, args, 600_000),
        );
        this.output.info(result.output);
        if (result.code === 0) {
            void vscode.window.showInformationMessage('neurodebug installed; starting the language server.');
            await this.restart();
        } else {
            this.offeredInstall.delete(key);
            void vscode.window.showErrorMessage(`pip install neurodebug failed (exit ${result.code}); see the output.`);
        }
    }

    dispose(): void {
        void this.stop();
    }
}
