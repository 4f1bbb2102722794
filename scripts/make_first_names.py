"""Write pipeline/data/first_names.txt from Faker's sv_SE name lists (run once, committed).

Faker is a build-time helper only: the pipeline reads the text file and never imports Faker.
Usage: pip install faker && python scripts/make_first_names.py
"""

from pathlib import Path

from faker.providers.person.sv_SE import Provider

names = sorted(set(Provider.first_names_male) | set(Provider.first_names_female))
out = Path(__file__).resolve().parents[1] / "pipeline" / "data" / "first_names.txt"
out.write_text("\n".join(names) + "\n", encoding="utf-8")
print(f"{len(names)} first names -> {out}")
