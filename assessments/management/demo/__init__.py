"""The demo: Pemerintah Provinsi Kalimantan Timur with its OPDs, kabupaten/kota
and people, published years that reproduce the published SPBE results, a year
in progress and a Pemdi year. `data` holds the facts; the other modules write
them, each for one part; the seed_demo command runs them in order."""

from dataclasses import dataclass, field


@dataclass
class Seeding:
    """What one run of seed_demo has done so far."""

    password: str
    created: list[str] = field(default_factory=list)
    # Evidence written to storage in this run: removed again if the run fails.
    stored_files: list[str] = field(default_factory=list)
