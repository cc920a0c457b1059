import pytest
from django.core.management import call_command


@pytest.fixture
def spbe2020(db):
    """The shipped PermenPANRB 59/2020 framework, loaded through the real loader."""
    from indicators.models import FrameworkVersion

    call_command("load_framework", "spbe-2020", verbosity=0)
    return FrameworkVersion.objects.get(code="spbe-2020")
