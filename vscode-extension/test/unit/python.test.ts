// Interpreter selection (setting → Python extension → python3) and the exact command lines the
// extension runs.

import * as assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import {
    installCommandLine,
    isNeurodebugImportable,
    pythonEnvironments,
    resolveInterpreter,
    serverCommandLine,
    type PythonEnvironmentsApi,
} from '../../src/common/python';
import { recorded, reset, Uri } from '../stub/vscode';

function environments(executable: string | undefined, fail = false): PythonEnvironmentsApi & { asked: unknown[] } {
    const asked: unknown[] = [];
    return {
        asked,
        getActiveEnvironmentPath: (resource) => {
            asked.push(resource);
            if (fail) {
                throw new Error('no environment');
            }
            return { id: 'env', path: executable ?? '' };
        },
        resolveEnvironment: async () =>
            executable === undefined ? undefined : { executable: { uri: Uri.file(executable) as never } },
        onDidChangeActiveEnvironmentPath: () => ({ dispose: () => undefined }),
    };
}

describe('interpreter selection', () => {
    beforeEach(reset);

    it('uses the setting first, even when the Python extension has an environment', async () => {
        const api = environments('/venv/bin/python');
        const chosen = await resolveInterpreter(['/opt/py/bin/python3', '-X', 'utf8'], api);
        assert.deepEqual(chosen, { command: ['/opt/py/bin/python3', '-X', 'utf8'], source: 'setting' });
        assert.equal(api.asked.length, 0);
    });

    it("uses the Python extension's active environment for the workspace next", async () => {
        const api = environments('/venv/bin/python');
        const folder = Uri.file('/work/project');
        const chosen = await resolveInterpreter([], api, folder as never);
        assert.deepEqual(chosen, { command: ['/venv/bin/python'], source: 'python-extension' });
        assert.deepEqual(api.asked, [folder]);
    });

    it('falls back to python3 without the extension, or when it cannot resolve', async () => {
        const fallback = { command: ['python3'], source: 'default' };
        assert.deepEqual(await resolveInterpreter([], undefined), fallback);
        assert.deepEqual(await resolveInterpreter([], environments(undefined)), fallback);
        assert.deepEqual(await resolveInterpreter([], environments('/x', true)), fallback);
    });

    it("reads the environments API from the ms-python.python extension's exports", async () => {
        assert.equal(await pythonEnvironments(), undefined);
        const api = environments('/venv/bin/python');
        let activated = false;
        recorded.extensions.set('ms-python.python', {
            isActive: false,
            activate: async () => {
                activated = true;
            },
            exports: { environments: api },
        });
        assert.equal(await pythonEnvironments(), api);
        assert.ok(activated, 'the Python extension is activated before its API is used');
    });
});

describe('command lines', () => {
    it('starts the server as <python> -m neurodebug serve', () => {
        assert.deepEqual(serverCommandLine(['python3']), { command: 'python3', args: ['-m', 'neurodebug', 'serve'] });
        assert.deepEqual(serverCommandLine(['py', '-3.11']), {
            command: 'py',
            args: ['-3.11', '-m', 'neurodebug', 'serve'],
        });
    });

    it('installs with pip into the same interpreter', () => {
        assert.deepEqual(installCommandLine(['/venv/bin/python']), {
            command: '/venv/bin/python',
            args: ['-m', 'pip', 'install', 'neurodebug'],
        });
    });

    it('checks importability by running the interpreter', async () => {
        const runs: string[][] = [];
        const ok = await isNeurodebugImportable(['py', '-3.11'], async (command, args) => {
            runs.push([command, ...args]);
            return { code: 0, output: '' };
        });
        assert.equal(ok, true);
        assert.deepEqual(runs, [['py', '-3.11', '-c', 'import neurodebug']]);
        const missing = await isNeurodebugImportable(['python3'], async () => ({
            code: 1,
            output: 'ModuleNotFoundError',
        }));
        assert.equal(missing, false);
    });

    it('answers no for an interpreter that does not exist (real process)', async () => {
        assert.equal(await isNeurodebugImportable(['/nonexistent/python']), false);
    });
});
