// Which Python runs the server, and whether `neurodebug` can be imported there.
//
// Interpreter order (first that gives a command wins):
//   1. the setting `neurodebug.interpreter` (a command line such as ["/opt/py/bin/python"]);
//   2. the Python extension's active environment for the workspace, read through its public API
//      (@vscode/python-extension: environments.getActiveEnvironmentPath + resolveEnvironment);
//   3. `python3` from PATH.
// The server is then started as `<python> -m neurodebug serve` (see serverCommandLine).

import { execFile } from 'node:child_process';
import { PythonExtension } from '@vscode/python-extension';
import type * as vscode from 'vscode';

/** Where the interpreter came from, shown in the output channel so users can see why. */
export type InterpreterSource = 'setting' | 'python-extension' | 'default';

export interface Interpreter {
    /** The command line of the interpreter: the executable, then any arguments it needs. */
    command: string[];
    source: InterpreterSource;
}

/** The part of the Python extension's API this extension uses. */
export interface PythonEnvironmentsApi {
    getActiveEnvironmentPath(resource?: vscode.Uri): { id: string; path: string };
    resolveEnvironment(
        environment: { id: string; path: string } | string,
    ): Promise<{ executable: { uri?: vscode.Uri } } | undefined>;
    onDidChangeActiveEnvironmentPath: vscode.Event<unknown>;
}

export const DEFAULT_INTERPRETER = 'python3';

/** Apply the interpreter order above. Never throws: a broken Python extension falls through. */
export async function resolveInterpreter(
    setting: string[],
    environments: PythonEnvironmentsApi | undefined,
    resource?: vscode.Uri,
): Promise<Interpreter> {
    if (setting.length > 0) {
        return { command: setting, source: 'setting' };
    }
    if (environments !== undefined) {
        try {
            const active = environments.getActiveEnvironmentPath(resource);
            const resolved = await environments.resolveEnvironment(active);
            const executable = resolved?.executable.uri?.fsPath;
            if (executable) {
                return { command: [executable], source: 'python-extension' };
            }
        } catch {
            // The Python extension failed to resolve its environment: use the default below.
        }
    }
    return { command: [DEFAULT_INTERPRETER], source: 'default' };
}

/** The process the extension starts: `<python> -m neurodebug serve`, stdio transport. */
export function serverCommandLine(interpreter: string[]): { command: string; args: string[] } {
    const [command, ...prefix] = interpreter;
    return { command, args: [...prefix, '-m', 'neurodebug', 'serve'] };
}

/** The command that installs the package into the interpreter's environment. */
export function installCommandLine(interpreter: string[]): { command: string; args: string[] } {
    const [command, ...prefix] = interpreter;
    return { command, args: [...prefix, '-m', 'pip', 'install', 'neurodebug'] };
}

/** Runs a process and reports its exit; injectable so tests need no real Python. */
export type ProcessRunner = (
    command: string,
    args: string[],
    timeoutMs: number,
) => Promise<{ code: number; output: string }>;

export const runProcess: ProcessRunner = (command, args, timeoutMs) =>
    new Promise((resolve) => {
        execFile(command, args, { timeout: timeoutMs, windowsHide: true }, (error, stdout, stderr) => {
            const output = `${stdout}${stderr}`;
            if (error === null) {
                resolve({ code: 0, output });
            } else {
                const code = typeof error.code === 'number' ? error.code : -1;
                resolve({ code, output: output || error.message });
            }
        });
    });

/** Whether `import neurodebug` works in that interpreter (a missing interpreter counts as no). */
export async function isNeurodebugImportable(interpreter: string[], run: ProcessRunner = runProcess): Promise<boolean> {
    const [command, ...prefix] = interpreter;
    const result = await run(command, [...prefix, '-c', 'import neurodebug'], 20_000);
    return result.code === 0;
}

/** The Python extension's environments API, or undefined when it is not installed. */
export async function pythonEnvironments(): Promise<PythonEnvironmentsApi | undefined> {
    try {
        return (await PythonExtension.api()).environments;
    } catch {
        return undefined;
    }
}
