// The predictions the client shows, per document, and the neural stepping position in each.
//
// A neural session is a predicted trace plus the index of the stop the neural debugger stands
// on. Stepping asks the server for the next stop from that stop's state; the answer replaces
// the predicted tail, since the model may continue differently from a state than it did in one
// rollout. Edits to a document drop its prediction (its lines no longer match).

import type { FunctionSpan } from './layout';
import type { ModelStatus, Prediction, Step, Trace } from './protocol';

export interface DocumentPrediction {
    uri: string;
    /** The function the prediction is for, at the time it was made. */
    span: FunctionSpan | undefined;
    /** The entry call the trace starts from, e.g. `f(3, [1, 2])`. */
    entry: string | undefined;
    trace: Trace;
    /** Index into trace.steps of the stop the neural debugger stands on. */
    stop: number;
}

export type Listener = (uri: string) => void;

/** The latest model facts and request latency, for the status bar. */
export interface ServerFacts {
    model: ModelStatus | undefined;
    lastLatencyMs: number | undefined;
}

export class PredictionStore {
    private readonly predictions = new Map<string, DocumentPrediction>();
    private readonly listeners: Listener[] = [];
    readonly facts: ServerFacts = { model: undefined, lastLatencyMs: undefined };

    /** Call `listener(uri)` after every change to that document's prediction. */
    onDidChange(listener: Listener): { dispose(): void } {
        this.listeners.push(listener);
        return {
            dispose: () => {
                const index = this.listeners.indexOf(listener);
                if (index >= 0) {
                    this.listeners.splice(index, 1);
                }
            },
        };
    }

    get(uri: string): DocumentPrediction | undefined {
        return this.predictions.get(uri);
    }

    uris(): string[] {
        return [...this.predictions.keys()];
    }

    /** Record a new prediction; the neural debugger starts at its first stop. */
    set(uri: string, prediction: Prediction, span: FunctionSpan | undefined, entry?: string): void {
        this.noteFacts(prediction);
        this.predictions.set(uri, { uri, span, entry, trace: prediction.trace, stop: 0 });
        this.fire(uri);
    }

    /**
     * After a neural step to `prediction`'s first stop: when the predicted path already holds
     * that stop further on, move there and keep the path; otherwise keep the path up to the
     * current stop, then the new stop, and the path is no longer known to the end.
     */
    advance(uri: string, prediction: Prediction): Step | undefined {
        this.noteFacts(prediction);
        const current = this.predictions.get(uri);
        const next = prediction.trace.steps[0];
        if (current === undefined || next === undefined) {
            return undefined;
        }
        const ahead = current.trace.steps.findIndex((step, index) => index > current.stop && sameStop(step, next));
        if (ahead >= 0) {
            this.predictions.set(uri, { ...current, stop: ahead });
        } else {
            const kept = current.trace.steps.slice(0, current.stop + 1);
            const trace: Trace = { ...prediction.trace, steps: [...kept, ...prediction.trace.steps], complete: false };
            this.predictions.set(uri, { ...current, trace, stop: kept.length });
        }
        this.fire(uri);
        return next;
    }

    noteFacts(prediction: Prediction): void {
        this.facts.lastLatencyMs = prediction.latencyMs;
        if (prediction.model !== undefined) {
            this.facts.model = prediction.model;
        }
    }

    clear(uri?: string): void {
        const uris = uri === undefined ? this.uris() : [uri];
        for (const each of uris) {
            if (this.predictions.delete(each)) {
                this.fire(each);
            }
        }
    }

    private fire(uri: string): void {
        for (const listener of [...this.listeners]) {
            listener(uri);
        }
    }
}

/** Two stops are the same when line, event, depth and every local agree. */
export function sameStop(a: Step, b: Step): boolean {
    const names = Object.keys(a.locals);
    return (
        a.line === b.line &&
        a.event === b.event &&
        a.depth === b.depth &&
        names.length === Object.keys(b.locals).length &&
        names.every((name) => a.locals[name] === b.locals[name])
    );
}
