from django.core.management import call_command
from django.core.management.base import BaseCommand

from indicators.framework_file import shipped_codes


class Command(BaseCommand):
    help = "Loads every framework the portal ships (idempotent); used by `make run`."

    def handle(self, *args, **options):
        for code in shipped_codes():
            call_command("load_framework", code, stdout=self.stdout, stderr=self.stderr)
