"""One module per `neurodebug` subcommand; each exposes `register(subparsers)`."""
