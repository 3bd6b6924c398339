"""The ``pluginary`` command: a typer app built from the extension manager.

Every command, the core's own included, arrives through the ``register_commands`` hook, so
:func:`make_app` only assembles them and adds the global options. :func:`run` is the one place
that turns exceptions into one-line messages and exit codes (documented in ``docs/cli.md``).
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Annotated

import typer

from . import __version__
from .catalogue import Catalogue, normalise_url, open_catalogue
from .config import Settings, resolve_settings
from .errors import ExtensionError, PluginaryError
from .logs import setup_logging
from .manager import ExtensionManager, describe, make_plugin_manager, strict_mode
from .registry import collect_commands

log = logging.getLogger(__name__)

EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130


@dataclass
class Session:
    """What one CLI run shares between the global options and the command: ``ctx.obj``."""

    pm: ExtensionManager
    verbosity: int = 0
    json: bool = False
    settings: Settings | None = None
    _catalogue: Catalogue | None = field(default=None, repr=False)

    def resolved(self) -> Settings:
        if self.settings is None:
            self.settings = resolve_settings()
        return self.settings

    def catalogue(self, *, create: bool = False) -> Catalogue:
        """Open the catalogue once per run. Reading commands create only the default catalogue:
        a path the user named must exist, so a typo is reported instead of creating a new file.
        Commands that fill the catalogue (``scan``) pass ``create=True``."""
        if self._catalogue is None:
            settings = self.resolved()
            create = create or settings.sources.get("db") == "default"
            self._catalogue = open_catalogue(self.pm, normalise_url(settings.db), create=create)
        return self._catalogue

    def close(self) -> None:
        if self._catalogue is not None:
            self._catalogue.close()
            self._catalogue = None


def make_app(pm: ExtensionManager, session: Session | None = None) -> typer.Typer:
    """Build the CLI for ``pm``: global options plus every registered command."""
    session = session or Session(pm=pm)
    app = typer.Typer(
        name="pluginary",
        help="Find every audio plugin on this machine and keep a searchable catalogue of it.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )

    @app.callback()
    def main_options(
        ctx: typer.Context,
        db: Annotated[str | None, typer.Option(
            "--db", help="Catalogue path or URL. Env: PLUGINARY_DB. Default: the user data dir.",
            show_default=False)] = None,
        verbose: Annotated[int, typer.Option(
            "--verbose", "-v", count=True, help="More detail; -vv for debug and tracebacks.")] = 0,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Errors only.")] = False,
        log_file: Annotated[str | None, typer.Option(
            "--log-file", help="Also write a debug log here. Env: PLUGINARY_LOG_FILE.")] = None,
        json: Annotated[bool, typer.Option(
            "--json", help="Print JSON on every command that lists or shows something.")] = False,
        version: Annotated[bool, typer.Option(
            "--version", help="Print the version and exit.", is_eager=True,
            callback=_print_version)] = False,
    ) -> None:
        session.verbosity = -1 if quiet else verbose
        session.json = json
        session.settings = resolve_settings(db=db, log_file=log_file)
        setup_logging(session.verbosity, session.settings.log_file)
        ctx.obj = session

    for name, entry in sorted(collect_commands(pm).items()):
        command = entry.item
        # A help text may be a function of the manager (``export`` lists the exporters).
        try:
            text = command.help(pm) if callable(command.help) else command.help
        except Exception as exc:  # an extension's help must not take down every command
            log.warning("%s: the help of command '%s' failed: %s: %s",
                        describe(pm, entry.extension), name, type(exc).__name__, exc)
            text = ""
        if isinstance(command.target, typer.Typer):
            app.add_typer(command.target, name=name, help=text or None)
        elif callable(command.target):
            app.command(name=name, help=text or None)(command.target)
        else:
            message = (f"{describe(pm, entry.extension)} registered command '{name}' as "
                       f"{type(command.target).__name__}; expected a function or typer.Typer")
            if strict_mode():
                raise ExtensionError(message, hint="fix or disable that extension")
            log.warning("%s: the command is left out", message)
    return app


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"pluginary {__version__}")
        raise typer.Exit()


def _early_options(argv: Sequence[str]) -> tuple[int, str | None]:
    """Read -v/-q and --log-file before the app exists, so that the warnings of extension
    loading go where the user asked."""
    level, log_file = 0, None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg in ("-q", "--quiet"):
            level = -1
        elif arg == "--verbose" and level >= 0:
            level += 1
        elif arg.startswith("-") and not arg.startswith("--") and set(arg[1:]) == {"v"}:
            level += len(arg) - 1 if level >= 0 else 0
        elif arg == "--log-file" and i + 1 < len(argv):
            log_file = argv[i + 1]
        elif arg.startswith("--log-file="):
            log_file = arg.split("=", 1)[1]
    return level, log_file


def report_error(message: str, hint: str = "") -> None:
    """The one format of a user-facing error: one line on stderr."""
    line = f"error: {message}"
    if hint:
        line += f" (hint: {hint})"
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def run(argv: Sequence[str] | None = None, pm: ExtensionManager | None = None) -> int:
    """Run the CLI on ``argv`` and return the exit code instead of exiting."""
    args = list(sys.argv[1:] if argv is None else argv)
    verbosity, log_flag = _early_options(args)
    setup_logging(verbosity)
    session: Session | None = None
    try:
        setup_logging(verbosity, resolve_settings(log_file=log_flag).log_file)
        pm = pm or make_plugin_manager()
        session = Session(pm=pm, verbosity=verbosity)
        command = typer.main.get_command(make_app(pm, session))
        # Standalone mode lets typer print its own usage errors; it ends every run with
        # SystemExit, which carries the exit code.
        command.main(args=args, prog_name="pluginary", standalone_mode=True)
        return 0
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except PluginaryError as exc:
        if (session.verbosity if session else verbosity) > 0:
            traceback.print_exc()
        report_error(exc.message, exc.hint)
        return exc.exit_code
    except KeyboardInterrupt:
        report_error("interrupted")
        return EXIT_INTERRUPTED
    except Exception as exc:
        if (session.verbosity if session else verbosity) > 0:
            traceback.print_exc()
        report_error(f"internal error: {type(exc).__name__}: {exc}",
                     "rerun with -v for the traceback and report it as a bug")
        return EXIT_INTERNAL
    finally:
        if session is not None:
            session.close()


def main() -> None:
    """Console-script entry point."""
    sys.exit(run())
