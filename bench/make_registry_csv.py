"""A realistic billing-system export for the registry import benchmark, in the documented format.

    .venv/bin/python bench/make_registry_csv.py /tmp/registry.csv --rows 100000 --seed 11
    .venv/bin/python bench/make_registry_csv.py /tmp/changed.csv --rows 100000 --seed 11 --vary 0.1

Spanish headers, comma delimiter, dd/mm/yyyy dates and "1,234.50" amounts, as Mexican billing
systems write them. The same seed gives the same file; --vary changes the holder name and the
balance of that share of rows, for timing a re-import that updates in place.
"""
from __future__ import annotations

import argparse
import csv
import random
from datetime import date, timedelta
from pathlib import Path

CABORCA_BBOX = (-112.20, 30.68, -112.12, 30.74)  # min lon, min lat, max lon, max lat
HEADER = [
    "cuenta", "titular", "calle", "num_ext", "num_int", "colonia", "cp", "municipio", "estado",
    "latitud", "longitud", "uso", "viviendas", "tarifa", "estatus", "clave_catastral", "medidor",
    "marca", "diametro", "fecha_instalacion", "adeudo", "meses_rezago", "fecha_ultimo_pago",
    "tarifa_preferencial", "motivo_preferencial",
]
FIRST = ["María", "José", "Juan", "Guadalupe", "Francisco", "Ana", "Luis", "Rosa", "Jesús", "Carmen",
         "Manuel", "Martha", "Jorge", "Alejandra", "Ramón", "Yolanda", "Héctor", "Silvia", "Raúl", "Elena"]
SURNAMES = ["García", "Hernández", "López", "Martínez", "González", "Rodríguez", "Pérez", "Sánchez",
            "Ramírez", "Flores", "Valenzuela", "Romero", "Moreno", "Soto", "Quijada", "Durazo", "Ochoa",
            "Castro", "Ibarra", "Félix"]
STREETS = ["Av. Obregón", "Calle 1ra", "Calle 5 de Mayo", "Av. Quiroz y Mora", "Calle Hidalgo",
           "Calle Morelos", "Blvd. Lázaro Cárdenas", "Calle Benito Juárez", "Callejón del Río",
           "Calle Ignacio Zaragoza", "Av. Álvaro Obregón Sur", "Calle Pitic"]
COLONIAS = ["Centro", "Fundo Legal", "Aviación", "Ejidal", "San Francisco", "Lomas de Caborca",
            "Nuevo Caborca", "Independencia", "Los Jardines", "El Coloso"]
USES = [("Doméstico", 85), ("Comercial", 10), ("Industrial", 1), ("Público", 2), ("Mixto", 2)]
TARIFF = {"Doméstico": "Doméstico", "Comercial": "Comercial", "Industrial": "Industrial",
          "Público": "Público", "Mixto": "Comercial"}
STATUSES = [("Activo", 85), ("Restringido", 8), ("Suspendido", 4), ("Cancelado", 3)]
BRANDS = [("Cicasa", "CIC"), ("Badger", "BAD"), ("Elster", "ELS"), ("Itron", "ITR"), ("Zenner", "ZEN")]
REASONS = ["Tercera edad", "Pensionado", "Discapacidad"]
LAST_DAY = date(2026, 10, 31)  # every date stays in the past for the import's future-date rule


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def _dmy(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _row(i: int, rng: random.Random, bbox) -> list[str]:
    use = _pick(rng, USES)
    preferential = use == "Doméstico" and rng.random() < 0.05
    owed = 0 if rng.random() < 0.55 else round(rng.lognormvariate(7.5, 1.1), 2)
    months = 0 if owed == 0 else rng.randint(1, 36)
    metered = rng.random() < 0.85
    brand, prefix = rng.choice(BRANDS)
    paid = LAST_DAY - timedelta(days=rng.randint(0, 3 * 365)) if rng.random() < 0.9 else None
    return [
        f"2{i + 1:08d}",
        f"{rng.choice(FIRST)} {rng.choice(SURNAMES)} {rng.choice(SURNAMES)}",
        rng.choice(STREETS), str(rng.randint(1, 3000)),
        rng.choice(["A", "B", "2", "Local 3"]) if rng.random() < 0.06 else "",
        rng.choice(COLONIAS), f"{83600 + rng.randint(0, 99)}", "Caborca", "Sonora",
        f"{rng.uniform(bbox[1], bbox[3]):.6f}", f"{rng.uniform(bbox[0], bbox[2]):.6f}",
        use, str(1 if rng.random() < 0.95 else rng.randint(2, 6)),
        "Doméstico preferencial" if preferential else TARIFF[use],
        _pick(rng, STATUSES),
        f"26-017-{i // 40:05d}-{i % 40:03d}" if rng.random() < 0.98 else "",
        f"{prefix}-{i + 1:08d}" if metered else "",
        brand if metered else "", ("13" if use == "Doméstico" else rng.choice(["19", "25"])) if metered else "",
        _dmy(LAST_DAY - timedelta(days=rng.randint(365, 20 * 365))) if metered else "",
        f"{owed:,.2f}", str(months), _dmy(paid) if paid else "",
        "Sí" if preferential else "No", rng.choice(REASONS) if preferential else "",
    ]


def write_registry_csv(path, rows: int, seed: int, bbox=CABORCA_BBOX, vary: float = 0.0) -> Path:
    """Write `rows` accounts to `path`; with `vary`, that share of rows gets a new holder and balance."""
    rng = random.Random(seed)
    changes = random.Random(seed + 1)
    path = Path(path)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for i in range(rows):
            row = _row(i, rng, bbox)  # always drawn, so unchanged rows stay identical
            if vary and changes.random() < vary:
                row[1] = f"{row[1]} (sucesión)"
                row[20] = f"{changes.uniform(100, 20000):,.2f}"
                row[21] = str(changes.randint(1, 24))
            writer.writerow(row)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description="Write a realistic registry CSV for the import benchmark.")
    parser.add_argument("path")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--vary", type=float, default=0.0, help="share of rows with a changed holder and balance")
    args = parser.parse_args()
    write_registry_csv(args.path, rows=args.rows, seed=args.seed, vary=args.vary)
    print(f"Wrote {args.rows:,} rows to {args.path}")


if __name__ == "__main__":
    main()
