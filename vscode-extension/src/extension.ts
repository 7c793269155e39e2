// Activation and deactivation only; everything else lives in src/common/.

import * as vscode from 'vscode';
import { absorbServerResult, CLIENT_COMMANDS, registerCommands, SESSION_CONTEXT_KEY } from './common/commands';
import { createDecorationTypes, paint } from './common/decorations';
import { InlineValuesBridge } from './common/inlineValues';
import { ghostValues } from './common/layout';
import { pythonEnvironments } from './common/python';
import { ServerManager } from './common/server';
import { PredictionStore } from './common/session';
import { clientSettings, needsRestart, section } from './common/settings';
import { StatusBar } from './common/statusBar';

let manager: ServerManager | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
    const output = vscode.window.createOutputChannel('neurodebug', { log: true });
    const store = new PredictionStore();
    const status = new StatusBar(store.facts, CLIENT_COMMANDS.showLog);
    const types = createDecorationTypes(context.extensionUri);
    const sliceType = vscode.window.createTextEditorDecorationType({
        backgroundColor: new vscode.ThemeColor('editor.wordHighlightStrongBackground'),
        isWholeLine: true,
    });
    const width = (): number => {
        const value = section().get<number>('inlayHintWidth');
        return typeof value === 'number' && value > 0 ? value : 40;
    };
    const confidentAt = (): number | undefined => {
        const value = section().get<number>('confidenceThreshold');
        return typeof value === 'number' && value >= 0 && value <= 1 ? value : undefined;
    };
    const redraw = (uri?: string): void => {
        paint(types, store, clientSettings(section()).decorations, width(), uri, confidentAt());
        status.update();
    };
    const server = new ServerManager(output, pythonEnvironments, {
        onState: (state) => status.setState(state),
        onCommandResult: (command, args, result, ms) => absorbServerResult(store, command, args, result, ms),
        bridgeInlineValues: () => clientSettings(section()).inlineValues,
        drawnLines: (uri) => {
            const prediction = store.get(uri);
            if (prediction === undefined || !clientSettings(section()).decorations) {
                return new Set<number>();
            }
            return new Set(ghostValues(prediction.trace, width(), confidentAt()).map((ghost) => ghost.line));
        },
    });
    manager = server;
    const execute = (command: string, args: unknown[]): Promise<unknown> => server.execute(command, args);
    const bridge = new InlineValuesBridge(execute, () => {
        const settings = clientSettings(section());
        return {
            enabled: settings.inlineValues,
            steps: settings.inlineValueSteps,
            width: width(),
            confidentAt: confidentAt(),
        };
    });

    context.subscriptions.push(
        output,
        status,
        server,
        types.ghost,
        types.ghostUncertain,
        types.nextStop,
        types.dimmed,
        sliceType,
        ...registerCommands({
            execute,
            store,
            restart: () => server.restart(),
            showLog: () => output.show(),
            showSlice: (editor, ranges) => editor.setDecorations(sliceType, ranges),
            modelBits: () => section().get<number>('modelBits'),
        }),
        vscode.languages.registerInlineValuesProvider({ language: 'python' }, bridge),
        store.onDidChange((uri) => redraw(uri)),
        vscode.window.onDidChangeVisibleTextEditors(() => redraw()),
        vscode.workspace.onDidChangeTextDocument((event) => {
            // Predicted lines no longer match an edited document.
            if (event.contentChanges.length > 0 && store.get(event.document.uri.toString()) !== undefined) {
                store.clear(event.document.uri.toString());
                if (store.uris().length === 0) {
                    void vscode.commands.executeCommand('setContext', SESSION_CONTEXT_KEY, false);
                }
            }
        }),
        vscode.workspace.onDidChangeConfiguration((event) => {
            if (needsRestart(event)) {
                server.scheduleRestart();
            }
            redraw();
        }),
    );
    const environments = await pythonEnvironments();
    if (environments !== undefined) {
        context.subscriptions.push(
            environments.onDidChangeActiveEnvironmentPath(() => {
                if (clientSettings(section()).interpreter.length === 0) {
                    server.scheduleRestart();
                }
            }),
        );
    }
    await server.restart();
}

export async function deactivate(): Promise<void> {
    await manager?.stop();
    manager = undefined;
}
