from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from indicators.framework_file import (
    FrameworkFileError,
    parse_framework_file,
    shipped_codes,
    shipped_path,
)
from indicators.services import FrameworkFrozen, FrameworkNotComparable, framework_load


class Command(BaseCommand):
    help = (
        "Loads a framework version from its data file (indicators/frameworks/<code>.json, "
        "or --file). Validates everything before writing; loading twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help=f"framework code, e.g. {', '.join(shipped_codes())}")
        parser.add_argument("--file", type=Path, help="load this file instead of the shipped one")

    def handle(self, *args, code, file, **options):
        path = file or shipped_path(code)
        if not path.exists():
            raise CommandError(
                f"No framework file for {code!r} at {path}. "
                f"Shipped frameworks: {', '.join(shipped_codes())}."
            )
        try:
            definition = parse_framework_file(path)
        except FrameworkFileError as exc:
            raise CommandError(
                f"{path} refused; nothing was written:\n"
                + "\n".join(f"  - {problem}" for problem in exc.problems)
            ) from None
        if definition.code != code:
            raise CommandError(
                f"{path} defines framework {definition.code!r}, not {code!r}; nothing was written."
            )
        try:
            outcome = framework_load(definition=definition)
        except (FrameworkFrozen, FrameworkNotComparable) as exc:
            raise CommandError(str(exc)) from None
        framework = outcome.framework
        if not outcome.changed:
            self.stdout.write(f"Framework {code} is already up to date; nothing changed.")
            return
        verb = "Loaded" if outcome.created else "Reloaded"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} framework {code}: {framework.domains.count()} domains, "
                f"{framework.aspects.count()} aspects, {framework.indicators.count()} indicators."
            )
        )
