// The extension's settings, read in one place, and the part of them the server is told.
//
// Server options use the server's own camelCase keys (server/options.py), so the object sent as
// `initializationOptions` and as the answer to `workspace/configuration` needs no renaming on
// either side. Client-only settings (interpreter, decorations, the inline values bridge) are kept
// out of what the server sees: it would log each unknown key as a warning.

import * as vscode from 'vscode';

export const SECTION = 'neurodebug';

/** Keys of `neurodebug.*` settings the server understands, with the type each must have. */
export const SERVER_SETTING_KEYS = [
    'select',
    'ignore',
    'predictions',
    'maxSteps',
    'modelBits',
    'checkpoint',
    'runTimeout',
    'predictTimeout',
    'inlayHintWidth',
    'confidenceThreshold',
    'debounceMs',
    'diagnosticMode',
] as const;

export type ServerSettingKey = (typeof SERVER_SETTING_KEYS)[number];

/** What the server is told: only keys the user (or the defaults) set, never client-only ones. */
export type ServerSettings = Partial<Record<ServerSettingKey, unknown>>;

/** Client-side settings, with the defaults package.json declares. */
export interface ClientSettings {
    /** The interpreter command, e.g. ["/usr/bin/python3"] or ["py", "-3.11"]; empty = automatic. */
    interpreter: string[];
    /** Draw the predicted path (ghost values, next-stop marker, dimmed lines) in the editor. */
    decorations: boolean;
    /** Ask the server for predicted values ahead of a real debugger stop. */
    inlineValues: boolean;
    /** How many predicted stops the inline values bridge asks for. */
    inlineValueSteps: number;
}

/** The minimal view of a configuration section this module reads (vscode's or a test's). */
export interface ConfigurationLike {
    get<T>(key: string): T | undefined;
}

/** Read the client-side settings; a wrong type falls back to the default instead of failing. */
export function clientSettings(config: ConfigurationLike): ClientSettings {
    const interpreter = config.get<unknown>('interpreter');
    const steps = config.get<unknown>('inlineValues.steps');
    return {
        interpreter:
            Array.isArray(interpreter) && interpreter.every((part) => typeof part === 'string')
                ? interpreter.filter((part: string) => part.trim() !== '')
                : [],
        decorations: config.get<unknown>('decorations.enabled') !== false,
        inlineValues: config.get<unknown>('inlineValues.enabled') !== false,
        inlineValueSteps:
            typeof steps === 'number' && Number.isInteger(steps) && steps > 0 && steps <= 1000 ? steps : 10,
    };
}

/** The server's options from the `neurodebug` section, keyed as server/options.py expects. */
export function serverSettings(config: ConfigurationLike): ServerSettings {
    const settings: ServerSettings = {};
    for (const key of SERVER_SETTING_KEYS) {
        const value = config.get<unknown>(key);
        if (value !== undefined) {
            settings[key] = value;
        }
    }
    return settings;
}

/**
 * The answer to a `workspace/configuration` request: server options for our section, what the
 * editor answered for any other section.
 */
export function configurationAnswer(
    items: { section?: string; scopeUri?: string }[],
    answers: unknown[],
    read: (scopeUri: string | undefined) => ConfigurationLike,
): unknown[] {
    return items.map((item, index) =>
        item.section === SECTION ? serverSettings(read(item.scopeUri)) : answers[index],
    );
}

/** The `neurodebug` configuration section for a resource (a document's folder may override). */
export function section(resource?: vscode.Uri): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION, resource);
}

/**
 * Whether a configuration change needs the server restarted.
 *
 * Every `neurodebug.*` setting does except `neurodebug.trace.server`, which the language client
 * applies to the running connection, and the purely visual client settings.
 */
export function needsRestart(event: { affectsConfiguration(section: string): boolean }): boolean {
    if (!event.affectsConfiguration(SECTION)) {
        return false;
    }
    const live = ['trace.server', 'decorations.enabled', 'inlineValues.enabled', 'inlineValues.steps'];
    const serverKeys = [...SERVER_SETTING_KEYS, 'interpreter'];
    if (serverKeys.some((key) => event.affectsConfiguration(`${SECTION}.${key}`))) {
        return true;
    }
    return !live.some((key) => event.affectsConfiguration(`${SECTION}.${key}`));
}
