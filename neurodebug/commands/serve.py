"""`neurodebug serve`: run the language server over stdio (default) or TCP.

stdout is the LSP channel in stdio mode, so everything else — logs included — goes to stderr
(and, once a client is connected, to its log through `window/logMessage`).
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import gc
import logging
import os
import sys

LOG = logging.getLogger(__name__)


def parse_address(text: str) -> tuple[str, int]:
    """`HOST:PORT` (or `:PORT` for localhost) → (host, port); raises ArgumentTypeError."""
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {text!r}")
    return host or "127.0.0.1", int(port)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="run the language server (stdio by default)",
        description="Run the neurodebug language server for an editor: stdio by default.",
    )
    transport = parser.add_mutually_exclusive_group()
    transport.add_argument(
        "--stdio", action="store_true", help="talk LSP over stdin/stdout (the default)"
    )
    transport.add_argument(
        "--tcp",
        type=parse_address,
        metavar="HOST:PORT",
        help="listen for one editor on a TCP address instead, e.g. 127.0.0.1:2087",
    )
    parser.set_defaults(handler=run)


class _AbandoningExecutor(concurrent.futures.ThreadPoolExecutor):
    """The event loop's default executor, whose shutdown does not wait for running work.

    `asyncio.run` joins the default executor on the way out; when the client has gone, a
    rollout nobody will read must not keep the process alive.
    """

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        super().shutdown(wait=False, cancel_futures=True)


class _ServerLoopPolicy(asyncio.DefaultEventLoopPolicy):
    def new_event_loop(self) -> asyncio.AbstractEventLoop:
        loop = super().new_event_loop()
        loop.set_default_executor(_AbandoningExecutor(thread_name_prefix="neurodebug-work"))
        return loop


def run(args: argparse.Namespace) -> int:
    from neurodebug.code_cache import generated_code_cache

    # Analyses and rollouts run on worker threads; a short GIL switch interval lets the event
    # loop thread answer hovers and publish diagnostics between their bytecodes (default 5 ms).
    sys.setswitchinterval(0.001)
    # As the CLI: deeply nested code (1,000 lambdas) must not turn hovers into RecursionErrors.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    asyncio.set_event_loop_policy(_ServerLoopPolicy())
    # Start-up (issue 20; `neurodebug bench lsp`). lsprotocol's types are most of it: their
    # attrs-generated methods (and our dataclasses') come from a code cache after the first
    # launch (code_cache.py).
    # The imports and the server's construction make ~100k container objects that live as long
    # as the process: no collection runs while they are made (full collections cost ~30 ms
    # each here), then `gc.freeze()` moves them out of the collector's sight. The start-up's
    # cyclic garbage (~10 MB) is collected once the editor is served, at an idle moment
    # (`lifecycle.settle_start_up_objects`).
    gc.disable()
    try:
        with generated_code_cache() as counts:
            from neurodebug.server.main import create_server

            server = create_server()  # imports the feature modules
        LOG.debug("generated code cache: %(hits)d reused, %(misses)d compiled", counts)
        gc.freeze()
    finally:
        gc.enable()
    if args.tcp is not None:
        host, port = args.tcp
        print(f"neurodebug: serving LSP on {host}:{port}", file=sys.stderr, flush=True)
        server.start_tcp(host, port)
    else:
        LOG.info("serving LSP on stdio")
        server.start_io()
    # The client is gone (exit notification or end of input). Rollouts and analyses may still be
    # running on worker threads that nobody will read: leave now rather than let the
    # interpreter join them, which kept an orphaned server computing for minutes.
    LOG.info("client disconnected; exiting")
    logging.shutdown()
    os._exit(0)
