// A stand-in for the `vscode` module, for unit tests under node (VS Code cannot run here).
// It implements the API surface the extension touches and records what the extension does
// (messages shown, commands registered, contexts set), so tests assert on effects. Unknown
// names resolve to inert classes, so libraries that subclass vscode types at load time
// (vscode-languageclient) can be imported.

/* eslint-disable @typescript-eslint/no-explicit-any */

export class Position {
    constructor(
        readonly line: number,
        readonly character: number,
    ) {}
}

export class Range {
    readonly start: Position;
    readonly end: Position;
    constructor(a: number | Position, b: number | Position, c?: number, d?: number) {
        if (typeof a === 'number') {
            this.start = new Position(a, b as number);
            this.end = new Position(c as number, d as number);
        } else {
            this.start = a;
            this.end = b as Position;
        }
    }
}

export class Selection extends Range {
    get active(): Position {
        return this.end;
    }
}

export class Location {
    constructor(
        readonly uri: Uri,
        readonly range: Range,
    ) {}
}

export class Breakpoint {
    constructor(readonly enabled = true) {}
}

export class SourceBreakpoint extends Breakpoint {
    constructor(
        readonly location: Location,
        enabled = true,
    ) {
        super(enabled);
    }
}

export class ThemeColor {
    constructor(readonly id: string) {}
}

export class MarkdownString {
    value = '';
    appendCodeblock(code: string, language = ''): this {
        this.value += `\n\`\`\`${language}\n${code}\n\`\`\`\n`;
        return this;
    }
    appendText(text: string): this {
        this.value += text;
        return this;
    }
}

export class InlineValueText {
    constructor(
        readonly range: Range,
        readonly text: string,
    ) {}
}

export class Uri {
    private constructor(
        readonly scheme: string,
        readonly fsPath: string,
    ) {}
    static file(path: string): Uri {
        return new Uri('file', path);
    }
    static parse(text: string): Uri {
        const match = /^(\w+):\/\/(.*)$/.exec(text);
        return match ? new Uri(match[1], match[2]) : new Uri('file', text);
    }
    static joinPath(base: Uri, ...parts: string[]): Uri {
        return new Uri(base.scheme, [base.fsPath, ...parts].join('/'));
    }
    get path(): string {
        return this.fsPath;
    }
    toString(): string {
        return `${this.scheme}://${this.fsPath}`;
    }
}

export class Disposable {
    constructor(private readonly onDispose: () => void = () => undefined) {}
    dispose(): void {
        this.onDispose();
    }
    static from(...items: { dispose(): unknown }[]): Disposable {
        return new Disposable(() => items.forEach((item) => item.dispose()));
    }
}

export class EventEmitter<T> {
    private listeners: ((value: T) => void)[] = [];
    event = (listener: (value: T) => void): Disposable => {
        this.listeners.push(listener);
        return new Disposable(() => {
            this.listeners = this.listeners.filter((each) => each !== listener);
        });
    };
    fire(value: T): void {
        this.listeners.forEach((listener) => listener(value));
    }
    dispose(): void {
        this.listeners = [];
    }
}

export enum StatusBarAlignment {
    Left = 1,
    Right = 2,
}
export enum DecorationRangeBehavior {
    OpenOpen = 0,
    ClosedClosed = 1,
}
export enum OverviewRulerLane {
    Left = 1,
}
export enum ProgressLocation {
    SourceControl = 1,
    Window = 10,
    Notification = 15,
}
export enum TextEditorRevealType {
    Default = 0,
    InCenter = 1,
    InCenterIfOutsideViewport = 2,
}

/** What the extension did through the stub, for assertions; `reset()` between tests. */
export const recorded = {
    messages: [] as { level: 'info' | 'warning' | 'error'; text: string; items: string[] }[],
    contexts: new Map<string, unknown>(),
    logs: [] as string[],
    statusItems: [] as { text: string; tooltip: string; command?: string }[],
    /** Answers the next input box / quick pick / message gets (FIFO). */
    answers: [] as (string | undefined)[],
    settings: new Map<string, unknown>(),
    commands: new Map<string, (...args: any[]) => unknown>(),
    extensions: new Map<string, any>(),
};

export function reset(): void {
    recorded.messages.length = 0;
    recorded.contexts.clear();
    recorded.logs.length = 0;
    recorded.statusItems.length = 0;
    recorded.answers.length = 0;
    recorded.settings.clear();
    recorded.commands.clear();
    recorded.extensions.clear();
    window.activeTextEditor = undefined;
    window.visibleTextEditors = [];
    debug.activeDebugSession = undefined;
    debug.breakpoints = [];
}

function message(level: 'info' | 'warning' | 'error') {
    return async (text: string, ...items: any[]): Promise<string | undefined> => {
        const labels = items.filter((item) => typeof item === 'string');
        recorded.messages.push({ level, text, items: labels });
        return labels.length > 0 ? recorded.answers.shift() : undefined;
    };
}

const noEvent = (): Disposable => new Disposable();

export const window = {
    activeTextEditor: undefined as any,
    visibleTextEditors: [] as any[],
    showInformationMessage: message('info'),
    showWarningMessage: message('warning'),
    showErrorMessage: message('error'),
    showInputBox: async (): Promise<string | undefined> => recorded.answers.shift(),
    showQuickPick: async (items: string[]): Promise<string | undefined> => {
        const answer = recorded.answers.shift();
        return answer !== undefined && items.includes(answer) ? answer : undefined;
    },
    withProgress: async <T>(_options: unknown, task: () => Promise<T>): Promise<T> => task(),
    createOutputChannel: (name: string) => {
        const log = (level: string) => (text: string) => recorded.logs.push(`[${level}] ${text}`);
        return {
            name,
            info: log('info'),
            warn: log('warn'),
            error: log('error'),
            debug: log('debug'),
            trace: log('trace'),
            append: log('raw'),
            appendLine: log('raw'),
            show: () => undefined,
            dispose: () => undefined,
        };
    },
    createStatusBarItem: () => {
        const item = {
            text: '',
            tooltip: '',
            command: undefined as string | undefined,
            name: '',
            show: () => undefined,
            dispose: () => undefined,
        };
        recorded.statusItems.push(item);
        return item;
    },
    createTextEditorDecorationType: (options: unknown) => ({ options, dispose: () => undefined }),
    onDidChangeVisibleTextEditors: noEvent,
    onDidChangeActiveTextEditor: noEvent,
};

export const workspace = {
    workspaceFolders: undefined as { uri: Uri }[] | undefined,
    getConfiguration: (section?: string) => ({
        get: <T>(key: string, fallback?: T): T | undefined => {
            const full = section ? `${section}.${key}` : key;
            return recorded.settings.has(full) ? (recorded.settings.get(full) as T) : fallback;
        },
        has: (key: string) => recorded.settings.has(section ? `${section}.${key}` : key),
    }),
    onDidChangeConfiguration: noEvent,
    onDidChangeTextDocument: noEvent,
    onDidOpenTextDocument: noEvent,
    onDidCloseTextDocument: noEvent,
    textDocuments: [] as unknown[],
};

export const commands = {
    registerCommand: (id: string, handler: (...args: any[]) => unknown): Disposable => {
        if (recorded.commands.has(id)) {
            throw new Error(`command '${id}' already exists`);
        }
        recorded.commands.set(id, handler);
        return new Disposable(() => recorded.commands.delete(id));
    },
    executeCommand: async (id: string, ...args: any[]): Promise<unknown> => {
        if (id === 'setContext') {
            recorded.contexts.set(args[0], args[1]);
            return undefined;
        }
        const handler = recorded.commands.get(id);
        if (handler === undefined) {
            throw new Error(`command '${id}' not found`);
        }
        return handler(...args);
    },
};

export const languages = {
    registerInlineValuesProvider: (): Disposable => new Disposable(),
};

export const extensions = {
    getExtension: (id: string): any => recorded.extensions.get(id),
};

export const debug = {
    activeDebugSession: undefined as any,
    breakpoints: [] as Breakpoint[],
};

export const env = { language: 'en' };
export const version = '1.90.0';

// Names the extension does not use but libraries touch at load time become inert classes.
const known = module.exports as Record<string | symbol, unknown>;
module.exports = new Proxy(known, {
    get(target, name) {
        if (name in target || typeof name === 'symbol') {
            return target[name];
        }
        const inert = class {};
        target[name] = inert;
        return inert;
    },
});
