// The status bar item: whether the server runs, whether the model is loaded and at how many
// bits, and how long the last prediction took. Clicking it shows the output channel.

import * as vscode from 'vscode';
import type { ServerFacts } from './session';

export type ServerState = 'starting' | 'running' | 'stopped' | 'missing';

export interface StatusView {
    text: string;
    tooltip: string;
}

/** What the item says for a server state and the latest facts (pure, for tests). */
export function statusView(state: ServerState, facts: ServerFacts): StatusView {
    if (state === 'starting') {
        return { text: '$(sync~spin) neurodebug', tooltip: 'neurodebug: starting the language server' };
    }
    if (state === 'missing') {
        return {
            text: '$(warning) neurodebug',
            tooltip: 'neurodebug is not installed in the selected Python environment',
        };
    }
    if (state === 'stopped') {
        return { text: '$(circle-slash) neurodebug', tooltip: 'neurodebug: the language server is stopped' };
    }
    const parts = ['$(pulse) neurodebug'];
    const lines = ['neurodebug: language server running'];
    const model = facts.model;
    if (model === undefined) {
        lines.push('Model: not loaded yet (loads on the first prediction)');
    } else if (model.loaded) {
        const bits = model.bits === undefined ? '' : `${model.bits}-bit`;
        parts.push(bits === '' ? 'model' : bits);
        lines.push(`Model: loaded${bits === '' ? '' : `, ${bits} weights`}`);
    } else {
        parts.push('no model');
        lines.push(`Model: not available${model.detail ? ` (${model.detail})` : ''}; static features work`);
    }
    if (facts.lastLatencyMs !== undefined) {
        const ms = Math.round(facts.lastLatencyMs);
        parts.push(`${ms} ms`);
        lines.push(`Last prediction: ${ms} ms`);
    }
    return { text: parts.join(' · '), tooltip: lines.join('\n') };
}

export class StatusBar implements vscode.Disposable {
    private readonly item: vscode.StatusBarItem;
    private state: ServerState = 'stopped';

    constructor(
        private readonly facts: ServerFacts,
        showLogCommand: string,
    ) {
        this.item = vscode.window.createStatusBarItem('neurodebug.status', vscode.StatusBarAlignment.Right, 100);
        this.item.name = 'neurodebug';
        this.item.command = showLogCommand;
        this.update();
        this.item.show();
    }

    setState(state: ServerState): void {
        this.state = state;
        this.update();
    }

    update(): void {
        const view = statusView(this.state, this.facts);
        this.item.text = view.text;
        this.item.tooltip = view.tooltip;
    }

    dispose(): void {
        this.item.dispose();
    }
}
