"""``--help`` as a person reads it: each option with its value's name (``--out DIR``), never a type.

Typer's own help adds a column of Python types (``<list[Path]>``, ``<bool>`` on every flag, its own ``--help``
included) that a metavar cannot replace for arguments. The commands here lay their help out from what the
command line declares (names, metavars, help, defaults) with the help formatter every command has, as ``git``'s
and click's plain help do: usage, what the command does, its arguments, its options, its commands.
"""

from __future__ import annotations

import inspect
from typing import Any

import typer.core

DEFAULTS_SHOWN = (int, float, str)  # a default worth saying (flags, lists and None go without)


def _usage_pieces(command: Any, ctx: Any) -> list[str]:
    pieces = ["[OPTIONS]"]
    for param in command.get_params(ctx):
        if param.param_type_name != "argument":
            continue
        name = param.metavar or (param.name or "").upper()
        if param.nargs != 1:
            name += "..."
        pieces.append(name if param.required else f"[{name}]")
    return pieces


def _help_of(param: Any) -> str:
    text = inspect.cleandoc(param.help or "")
    extra = []
    default = param.default
    if (
        param.param_type_name == "option"
        and not param.is_flag
        and getattr(param, "show_default", False)
        and isinstance(default, DEFAULTS_SHOWN)
        and not isinstance(default, bool)
    ):
        extra.append(f"default: {default}")
    if param.required:
        extra.append("required")
    return f"{text}  [{'; '.join(extra)}]" if extra else text


def _name_of(param: Any) -> str:
    if param.param_type_name == "argument":
        name = param.metavar or (param.name or "").upper()
        return name + "..." if param.nargs != 1 else name
    short = sorted(o for o in param.opts if not o.startswith("--"))
    names = ", ".join([*short, *(o for o in param.opts if o.startswith("--"))])
    if param.secondary_opts:
        names += " / " + ", ".join(param.secondary_opts)
    if not param.is_flag and not getattr(param, "count", False):
        names += f" {param.metavar or (param.name or '').upper()}"
    return names


def format_help(command: Any, ctx: Any, formatter: Any) -> None:
    """The help of ``command`` (a Typer command or group) into ``formatter``: usage, text, arguments, options."""
    formatter.write_usage(ctx.command_path, " ".join(command.collect_usage_pieces(ctx)))
    command.format_help_text(ctx, formatter)
    params = [p for p in command.get_params(ctx) if not getattr(p, "hidden", False)]
    for title, kind in (("Arguments", "argument"), ("Options", "option")):
        rows = [(_name_of(p), _help_of(p)) for p in params if p.param_type_name == kind]
        if rows:
            with formatter.section(title):
                formatter.write_dl(rows)
    if isinstance(command, typer.core.TyperGroup):
        commands = [(name, command.get_command(ctx, name)) for name in command.list_commands(ctx)]
        rows = [(name, sub.get_short_help_str(limit=1000)) for name, sub in commands if sub and not sub.hidden]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)  # whole sentences, wrapped (not cut at the terminal's width)
    command.format_epilog(ctx, formatter)


class HelpCommand(typer.core.TyperCommand):
    """A command whose ``--help`` names values, not types (see the module)."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        return _usage_pieces(self, ctx)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        format_help(self, ctx, formatter)


class HelpGroup(typer.core.TyperGroup):
    """A group of commands whose ``--help`` names values, not types (see the module)."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        return [*_usage_pieces(self, ctx), self.subcommand_metavar or "COMMAND [ARGS]..."]

    def format_help(self, ctx: Any, formatter: Any) -> None:
        format_help(self, ctx, formatter)
