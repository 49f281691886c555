"""The ``runcoach`` command line: chat, demo, bot, import, parse, today, plan, eval, train, db."""

from __future__ import annotations

import json
import logging
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from bot.settings import get_settings
from prompts import render

if TYPE_CHECKING:
    from sqlalchemy import Engine

app = typer.Typer(add_completion=False, no_args_is_help=True, help="RunCoach: a running coach in a chat.")
db_app = typer.Typer(no_args_is_help=True, help="Database maintenance.")
eval_app = typer.Typer(no_args_is_help=True, help="Evaluate the models on data files.")
app.add_typer(db_app, name="db")
app.add_typer(eval_app, name="eval")

RunnerOpt = Annotated[str, typer.Option("--runner", "-r", help="Runner name (console identity).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable JSON output.")]


def _setup_logging() -> None:
    logging.basicConfig(level=get_settings().log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "apscheduler", "alembic.runtime.migration"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _engine() -> Engine:
    from models.db import make_engine, upgrade

    url = get_settings().database_url
    upgrade(url)
    return make_engine(url)


def _fail(template: str, code: int = 2, **ctx: Any) -> typer.Exit:
    typer.echo(render(f"cli/{template}", **ctx), err=True)
    return typer.Exit(code)


@app.command()
def chat(runner: RunnerOpt = "you") -> None:
    """Chat with the coach in this terminal (reads stdin; works piped)."""
    from bot.dialog import Dialog
    from bot.transports.console import ConsoleChat

    _setup_logging()
    console = ConsoleChat(Dialog(_engine()), runner)
    console.run(sys.stdin, prompt=sys.stdin.isatty())


@app.command()
def demo(runner: RunnerOpt = "demo", day: Annotated[str | None, typer.Option("--date")] = None) -> None:
    """Create (or reuse) a demo runner with weeks of history and print this morning's message."""
    from bot.services.demo import demo_morning

    _setup_logging()
    typer.echo(demo_morning(_engine(), runner, date.fromisoformat(day) if day else None))


@app.command()
def bot(webhook: Annotated[str | None, typer.Option("--webhook", help="Public HTTPS URL for webhook mode.")] = None,
        port: Annotated[int, typer.Option("--port", help="Port the webhook is served on.")] = 8443,
        listen: Annotated[str, typer.Option("--listen", help="Address the webhook is served on.")] = "0.0.0.0",
        ) -> None:
    """Run the Telegram bot (long polling by default)."""
    settings = get_settings()
    if settings.telegram_bot_token is None or not settings.telegram_bot_token.get_secret_value().strip():
        raise _fail("no_token")
    from bot.transports.telegram.app import run

    _setup_logging()
    run(settings, _engine(), webhook_url=webhook, port=port, listen=listen)


@app.command()
def scheduler() -> None:
    """Run the morning/evening sender alone (several can run beside one bot)."""
    settings = get_settings()
    if settings.telegram_bot_token is None:
        raise _fail("no_token")
    from bot.scheduling.worker import run_forever

    _setup_logging()
    run_forever(settings, _engine())


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply the Alembic migrations."""
    from models.db import upgrade

    _setup_logging()
    upgrade(get_settings().database_url, revision)
    typer.echo(render("cli/db_upgraded", revision=revision))


@app.command("import")
def import_(paths: Annotated[list[Path], typer.Argument(help="Activity files, archives or CSV exports.")],
            runner: RunnerOpt = "you", as_json: JsonOpt = False) -> None:
    """Import activity files for a runner; rejected files are reported, not fatal."""
    from bot.services.cli_import import import_paths

    _setup_logging()
    for line in import_paths(_engine(), runner, paths, as_json=as_json):
        typer.echo(line)


@app.command()
def parse(text: Annotated[str | None, typer.Argument()] = None, as_json: JsonOpt = False,
          tz: Annotated[str, typer.Option("--tz")] = "UTC") -> None:
    """Show how a message is understood; without TEXT, one message per stdin line (JSON Lines)."""
    from zoneinfo import ZoneInfo

    from bot.nlu import parse as nlu_parse

    zone = ZoneInfo(tz)
    lines = [text] if text is not None else (line.rstrip("\n") for line in sys.stdin)
    for line in lines:
        result = nlu_parse(line, tz=zone)
        out = result.to_json()
        typer.echo(json.dumps(out, ensure_ascii=False) if as_json or text is None else json.dumps(out, indent=2,
                                                                                                   ensure_ascii=False))


@app.command()
def today(runner: RunnerOpt = "you", day: Annotated[str | None, typer.Option("--date")] = None,
          as_json: JsonOpt = False) -> None:
    """Today's recommended workout for a runner, with readiness, risk and reasons."""
    from bot.services.coach_cli import today_output

    typer.echo(today_output(_engine(), runner, date.fromisoformat(day) if day else None, as_json))


@app.command()
def plan(runner: RunnerOpt = "you", as_json: JsonOpt = False) -> None:
    """The runner's training plan toward their goal."""
    from bot.services.coach_cli import plan_output

    typer.echo(plan_output(_engine(), runner, as_json))


@app.command()
def train(out: Annotated[Path | None, typer.Option("--out", help="Where to write the race model.")] = None) -> None:
    """Rebuild the shipped models from their data: the population race model and the message classifier."""
    from bot.nlu.intents import train as train_intents
    from coaching.prediction.population import train as train_population

    path = train_population(out) if out else train_population()
    typer.echo(render("cli/trained", path=str(path)))
    typer.echo(render("cli/trained", path=str(train_intents())))


@eval_app.command("races")
def eval_races(train_csv: Annotated[Path, typer.Option("--train")], test_csv: Annotated[Path, typer.Option("--test")],
               as_json: JsonOpt = False) -> None:
    """Marathon prediction on Vickers-format files: fit on TRAIN, score on TEST."""
    from coaching.evaluation import races

    result = races.evaluate(train_csv, test_csv)
    typer.echo(json.dumps(result, indent=2) if as_json else races.format_text(result))


@eval_app.command("history")
def eval_history(data: Annotated[Path, typer.Option("--data")], as_json: JsonOpt = False) -> None:
    """The personalisation curve on Strava-format run histories."""
    from coaching.evaluation import history

    result = history.evaluate(data)
    typer.echo(json.dumps(result, indent=2) if as_json else history.format_text(result))


@eval_app.command("readiness")
def eval_readiness(data: Annotated[Path, typer.Option("--data")], as_json: JsonOpt = False) -> None:
    """Readiness vs athletes' own next-day ratings on PMData-format folders."""
    from coaching.evaluation import pmdata

    result = pmdata.evaluate(data)
    typer.echo(json.dumps(result, indent=2, default=str))


@eval_app.command("nlu")
def eval_nlu(as_json: JsonOpt = False) -> None:
    """Intent and entity accuracy on the held-out split of the shipped corpus."""
    from bot.nlu import evaluate

    result = evaluate("test")
    typer.echo(json.dumps(result, indent=2) if as_json else render("cli/nlu_eval", r=result))


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
