"""Hover: where a name is defined and what it depends on (data and control)."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.server.conftest import DATA, open_file, start_session

NEVER_RUNS = DATA.parent.parent / "analyzers" / "data" / "never_runs.py"

pytestmark = pytest.mark.e2e


async def _hover(client: LanguageClient, uri: str, line: int, character: int) -> str:
    result = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line, character),
        )
    )
    assert result is not None
    assert isinstance(result.contents, types.MarkupContent)
    return result.contents.value


async def test_hover_on_a_use_names_its_reaching_definitions(client: LanguageClient) -> None:
    await start_session(client)
    uri = open_file(client, DATA / "hints.py")
    # line 6 `    return total`: `total` may come from line 2 (`total = 0`) or line 5 (`+=`).
    text = await _hover(client, uri, 5, 12)
    assert "**total**" in text and "`total_of`" in text
    assert "line 2: `total = 0`" in text
    assert "line 5: `total += value`" in text


async def test_hover_on_a_write_shows_data_and_control_dependencies(
    client: LanguageClient,
) -> None:
    await start_session(client)
    uri = open_file(client, DATA / "hints.py")
    # line 5 `            total += value`: data from `value` (line 3) and `total`; runs when
    # `if value > 0` (line 4) holds.
    text = await _hover(client, uri, 4, 13)
    assert "Written here (augmented)" in text
    assert "`value` (line 3)" in text
    assert "line 4 `if value > 0:`" in text


async def test_hover_on_a_parameter_and_on_nothing(client: LanguageClient) -> None:
    await start_session(client)
    uri = open_file(client, DATA / "hints.py")
    text = await _hover(client, uri, 2, 18)  # `values` in `for value in values:`
    assert "line 1: `def total_of(values):`" in text
    nothing = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(6, 0)
        )
    )
    assert nothing is None


CLASSY = (
    "import os\n"  # 0
    "from json import loads as parse\n"  # 1
    "\n"  # 2
    "\n"  # 3
    "class App:\n"  # 4
    '    """A tiny app."""\n'  # 5
    "\n"  # 6
    "    def __init__(self, handler):\n"  # 7
    "        self.wsgi_app = handler\n"  # 8
    "\n"  # 9
    "    def __call__(self, environ: dict, start=None) -> list:\n"  # 10
    '        """Serve one request.\n'  # 11
    "\n"  # 12
    '        More text."""\n'  # 13
    "        self.calls = os.getpid()\n"  # 14
    "        return self.wsgi_app(parse(environ), self.helper, start.attr)\n"  # 15
)


async def test_hover_on_a_definition_shows_its_signature_and_docstring(
    client: LanguageClient,
) -> None:
    await start_session(client)
    uri = open_file(client, DATA / "classy.py", text=CLASSY)
    text = await _hover(client, uri, 10, 10)  # `__call__` in its `def`
    assert "```python\ndef __call__(self, environ: dict, start=None) -> list\n```" in text
    assert "Serve one request." in text and "More text" not in text
    cls = await _hover(client, uri, 4, 7)  # `App`
    assert "class App" in cls and "A tiny app." in cls


async def test_hover_on_an_attribute_says_where_the_class_assigns_it(
    client: LanguageClient,
) -> None:
    await start_session(client)
    uri = open_file(client, DATA / "classy.py", text=CLASSY)
    text = await _hover(client, uri, 15, 22)  # `wsgi_app` in `self.wsgi_app(...)`
    assert "**wsgi_app**: attribute of `self` (class `App`)" in text
    assert "line 9: `self.wsgi_app = handler`" in text
    assert "Not defined in this function" not in text
    unknown = await _hover(client, uri, 15, 53)  # `helper`: assigned nowhere
    assert "**helper**: attribute of `self`" in unknown and "Not assigned in `App`" in unknown
    other = await _hover(client, uri, 15, 67)  # `attr` of a parameter: only an attribute
    assert other.startswith("**attr**: attribute of `start`")
    assert "Not defined in this function" not in other
    module = await _hover(client, uri, 14, 24)  # `getpid` of the module `os`
    assert "attribute of `os`" in module and "Imported at line 1: `import os`" in module


async def test_hover_on_an_imported_name_shows_the_import(client: LanguageClient) -> None:
    await start_session(client)
    uri = open_file(client, DATA / "classy.py", text=CLASSY)
    text = await _hover(client, uri, 15, 31)  # `parse(environ)`
    assert "Imported at line 2: `from json import loads as parse`" in text
    assert "Not defined in this function" not in text


async def test_hover_in_code_that_never_runs_says_why(client: LanguageClient) -> None:
    await start_session(client)
    uri = open_file(client, NEVER_RUNS)  # `sep = None` ... `if sep is not None:` (line 4)
    text = await _hover(client, uri, 4, 9)  # `text` on line 5
    assert "Never runs: line 4 `if sep is not None:` is always false here" in text
    text = await _hover(client, uri, 5, 12)  # `text` on line 6: only line 3 reaches it
    assert "line 3: `text = str(x)`" in text and "line 5" not in text
