// A minimal DAP client over a real `python -m debugpy.adapter`, standing in for VS Code's debug
// session in the inline values bridge test: it launches a program, stops at a breakpoint, and
// answers `customRequest` as vscode.DebugSession does.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

interface Message {
    type: 'request' | 'response' | 'event';
    seq: number;
    command?: string;
    event?: string;
    request_seq?: number;
    success?: boolean;
    message?: string;
    body?: Record<string, unknown>;
}

export class DapSession {
    readonly type = 'debugpy';
    private readonly child: ChildProcessWithoutNullStreams;
    private buffer = Buffer.alloc(0);
    private seq = 1;
    private readonly pending = new Map<number, (message: Message) => void>();
    private readonly events: Message[] = [];
    private readonly waiters: { event: string; resolve: (message: Message) => void }[] = [];

    constructor(python: string) {
        this.child = spawn(python, ['-m', 'debugpy.adapter'], { stdio: ['pipe', 'pipe', 'pipe'] });
        this.child.stdout.on('data', (chunk: Buffer) => this.receive(chunk));
    }

    /** Send a request and wait for its response body (rejects on failure or after `ms`). */
    customRequest(command: string, args?: unknown, ms = 20_000): Promise<Record<string, unknown>> {
        const seq = this.send(command, args);
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`DAP ${command}: no answer in ${ms} ms`)), ms);
            this.pending.set(seq, (message) => {
                clearTimeout(timer);
                if (message.success) {
                    resolve(message.body ?? {});
                } else {
                    reject(new Error(`DAP ${command}: ${message.message}`));
                }
            });
        });
    }

    /** Send a request without waiting (debugpy answers `launch` only after configurationDone). */
    send(command: string, args?: unknown): number {
        const seq = this.seq++;
        const json = JSON.stringify({ seq, type: 'request', command, arguments: args });
        this.child.stdin.write(`Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
        return seq;
    }

    waitForEvent(event: string, ms = 30_000): Promise<Message> {
        const seen = this.events.findIndex((message) => message.event === event);
        if (seen >= 0) {
            return Promise.resolve(this.events.splice(seen, 1)[0]);
        }
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`DAP: no ${event} event in ${ms} ms`)), ms);
            this.waiters.push({
                event,
                resolve: (message) => {
                    clearTimeout(timer);
                    resolve(message);
                },
            });
        });
    }

    async close(): Promise<void> {
        try {
            await this.customRequest('disconnect', { terminateDebuggee: true }, 5000);
        } catch {
            // Already gone.
        }
        this.child.kill();
    }

    private receive(chunk: Buffer): void {
        this.buffer = Buffer.concat([this.buffer, chunk]);
        for (;;) {
            const header = this.buffer.indexOf('\r\n\r\n');
            if (header < 0) {
                return;
            }
            const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, header).toString())?.[1]);
            if (this.buffer.length < header + 4 + length) {
                return;
            }
            const message = JSON.parse(this.buffer.subarray(header + 4, header + 4 + length).toString()) as Message;
            this.buffer = this.buffer.subarray(header + 4 + length);
            this.dispatch(message);
        }
    }

    private dispatch(message: Message): void {
        if (message.type === 'response' && message.request_seq !== undefined) {
            this.pending.get(message.request_seq)?.(message);
            this.pending.delete(message.request_seq);
        } else if (message.type === 'event') {
            const waiter = this.waiters.findIndex((each) => each.event === message.event);
            if (waiter >= 0) {
                this.waiters.splice(waiter, 1)[0].resolve(message);
            } else {
                this.events.push(message);
            }
        } else if (message.type === 'request') {
            // Reverse requests (runInTerminal, startDebugging): decline.
            const json = JSON.stringify({
                seq: this.seq++,
                type: 'response',
                request_seq: message.seq,
                command: message.command,
                success: false,
            });
            this.child.stdin.write(`Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
        }
    }
}
