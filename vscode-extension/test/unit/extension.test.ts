// Activation with an interpreter that lacks neurodebug: every command is registered, the status
// bar says so, and the install offer comes once per interpreter however often the server restarts.

import * as assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { activate, deactivate } from '../../src/extension';
import { CLIENT_COMMANDS } from '../../src/common/commands';
import { commands, recorded, reset, Uri } from '../stub/vscode';

describe('activation', () => {
    after(async () => {
        await deactivate();
        reset();
    });

    it('offers pip install once when neurodebug is not importable', async () => {
        reset();
        recorded.settings.set('neurodebug.interpreter', ['/nonexistent/python3']);
        const context = { subscriptions: [] as { dispose(): unknown }[], extensionUri: Uri.file('/ext') };
        await activate(context as never);
        assert.deepEqual([...recorded.commands.keys()].sort(), Object.values(CLIENT_COMMANDS).sort());
        const offers = () => recorded.messages.filter((each) => each.level === 'warning');
        assert.equal(offers().length, 1);
        assert.match(offers()[0].text, /neurodebug is not installed for \/nonexistent\/python3/);
        assert.deepEqual(offers()[0].items, ['Install', 'Show Log']);
        assert.match(recorded.statusItems[0].tooltip, /not installed/);
        assert.ok(recorded.logs.some((line) => line.includes('Python: /nonexistent/python3 (from setting)')));

        await commands.executeCommand(CLIENT_COMMANDS.restart);
        assert.equal(offers().length, 1, 'no second notification for the same interpreter');
    });
});
