"""Spanish word lists for the demo town: people, businesses, streets, colonias, meter brands.

Everything here is user-facing text, so it is in Spanish. Names are common Mexican given names
and surnames; colonias and streets are typical of a Sonoran town, not a copy of real records.
"""
from __future__ import annotations

from random import Random

FIRST_NAMES = (
    "José", "Juan", "Luis", "Carlos", "Jesús", "Manuel", "Francisco", "Miguel", "Jorge", "Pedro",
    "Ramón", "Alejandro", "Fernando", "Ricardo", "Roberto", "Sergio", "Arturo", "Héctor",
    "Raúl", "Javier", "Martín", "Eduardo", "Óscar", "Rafael", "Ignacio", "Ernesto",
    "Octavio", "Rogelio", "Gilberto", "José Luis", "Juan Carlos", "Jesús Alberto", "Luis Fernando",
    "María", "Guadalupe", "Rosa", "Ana", "Leticia", "Patricia", "Margarita", "Teresa", "Carmen",
    "Elena", "Martha", "Silvia", "Laura", "Verónica", "Alejandra", "Gabriela", "Claudia", "Norma",
    "Yolanda", "Adriana", "Lucía", "Isabel", "Irma", "Rocío", "Dolores", "Josefina", "Araceli",
    "María Guadalupe", "María de Jesús", "Ana María", "Rosa Elena", "María del Carmen",
    "Karla", "Daniela", "Fernanda", "Paola", "Brenda", "Mariana", "Itzel", "Ximena",
)

SURNAMES = (
    "García", "Hernández", "López", "Martínez", "González", "Rodríguez", "Pérez", "Sánchez",
    "Ramírez", "Flores", "Gómez", "Díaz", "Cruz", "Morales", "Reyes", "Gutiérrez", "Ortiz",
    "Ruiz", "Vázquez", "Jiménez", "Mendoza", "Castillo", "Romero", "Álvarez", "Torres", "Moreno",
    "Valenzuela", "Quintero", "Acosta", "Félix", "Soto", "Durazo", "Encinas", "Bojórquez",
    "Leyva", "Villa", "Salazar", "Ochoa", "Zazueta", "Corrales", "Robles", "Valdez", "Aguilar",
    "Contreras", "Miranda", "Navarro", "Peralta", "Lizárraga", "Molina", "Camacho", "Rivera",
    "Córdova", "Espinoza", "Galaz", "Ibarra", "Murrieta", "Noriega", "Palafox", "Quijada",
    "Tapia", "Urquídez", "Yocupicio", "Amavizca", "Borbón", "Cañez", "Escalante", "Figueroa",
)

# Colonias; the sector that holds the town centre is always "Centro".
COLONIAS = (
    "Héroes", "Deportiva", "Ortiz", "Aviación", "Burócrata", "Juárez", "Popular", "Loma Bonita",
    "Las Flores", "San Francisco", "Industrial", "Mártires", "Del Valle", "Ejidal", "Las Palmas",
    "FOVISSSTE", "Revolución", "Obrera", "Santa Rosa", "Municipio Libre", "Mirasol", "Lomas del Sol",
    "Nuevo Caborca", "Los Olivos", "El Represo",
)

# North–south avenues, the most famous names nearest the centre.
AVENUES = (
    "Av. Álvaro Obregón", "Av. Benito Juárez", "Av. Miguel Hidalgo", "Av. Francisco I. Madero",
    "Av. Emiliano Zapata", "Av. Venustiano Carranza", "Av. José María Morelos", "Av. Plutarco Elías Calles",
    "Av. Adolfo de la Huerta", "Av. Vicente Guerrero", "Av. Ignacio Zaragoza", "Av. Lázaro Cárdenas",
    "Av. 16 de Septiembre", "Av. 5 de Mayo", "Av. 6 de Abril", "Av. Revolución", "Av. Constitución",
    "Av. Reforma", "Av. de la Juventud", "Av. Sonora", "Av. Pitiquito", "Av. Altar", "Av. Ferrocarril",
    "Av. Agricultura", "Av. Universidad", "Av. Tecnológico", "Av. Rodolfo Campodónico",
    "Av. Jesús García", "Av. Leona Vicario", "Av. Josefa Ortiz de Domínguez",
)

ALLEYS = (
    "Callejón del Ferrocarril", "Callejón Guaymas", "Callejón Pitiquito", "Callejón Santa Ana",
    "Callejón Hermosillo", "Callejón Altar", "Callejón Bámori", "Callejón Quitovac",
    "Callejón del Pozo", "Callejón La Noria", "Callejón Los Álamos", "Callejón Mesquite",
)

BUSINESS_KINDS = (
    "Abarrotes", "Tortillería", "Taller Mecánico", "Farmacia", "Carnicería", "Papelería",
    "Estética", "Lavandería", "Panadería", "Ferretería", "Tienda de Conveniencia", "Restaurante",
    "Taquería", "Llantera", "Purificadora de Agua", "Consultorio Dental", "Autolavado", "Frutería",
)

BUSINESS_FLAVOURS = (
    "La Esperanza", "El Sol", "San Judas", "La Guadalupana", "Del Desierto", "El Sahuaro",
    "La Providencia", "Los Compadres", "El Oasis", "La Bendición", "San Martín", "El Triunfo",
)

INDUSTRIES = (
    "Empacadora", "Agrícola", "Procesadora de Espárrago", "Vinícola", "Congeladora",
    "Materiales para Construcción", "Bloquera", "Minera", "Forrajera", "Hielo",
)

INDUSTRY_SUFFIXES = ("S.A. de C.V.", "S.P.R. de R.L.", "S. de R.L. de C.V.")

PUBLIC_PLACES = (
    "Escuela Primaria", "Jardín de Niños", "Secundaria Técnica", "Centro de Salud", "Parque",
    "Unidad Deportiva", "Biblioteca Pública", "Centro Comunitario", "DIF Municipal", "Panteón",
)

# Tercera edad, pensionado, discapacidad: why an account pays the preferential tariff.
PROTECTED_REASONS = (
    "Tercera edad (credencial INAPAM)",
    "Pensionado IMSS",
    "Jubilado ISSSTE",
    "Pensionada por viudez",
    "Persona con discapacidad",
    "Titular con discapacidad motriz",
)

# (brand, serial prefix): brands found in Mexican utilities' meter stock.
METER_BRANDS = (
    ("Cicasa", "CIC"), ("Badger Meter", "BDG"), ("Elster", "ELS"), ("Itron", "ITR"),
    ("Sensus", "SNS"), ("Zenner", "ZEN"), ("Arad", "ARD"),
)

CREW_KINDS = {
    # skill: (crew name, travel mode, max stops, shift start hour, (fewest, most) members)
    "notifier": ("Notificación", "walk", 45, 8, (1, 1)),
    "cut": ("Cortes", "drive", 30, 8, (2, 3)),  # a cutter and one or two helpers
    "inspector": ("Inspección", "drive", 15, 8, (1, 2)),
    "reader": ("Lecturas", "walk", 250, 7, (1, 1)),
}


def person(rng: Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)} {rng.choice(SURNAMES)}"


def holder(rng: Random, land_use: str, colonia: str) -> str:
    """A believable holder for an account of this land use."""
    if land_use == "commercial":
        if rng.random() < 0.5:
            return f"{rng.choice(BUSINESS_KINDS)} {rng.choice(BUSINESS_FLAVOURS)}"
        return f"{rng.choice(BUSINESS_KINDS)} {rng.choice(SURNAMES)}"
    if land_use == "industrial":
        return f"{rng.choice(INDUSTRIES)} {rng.choice(SURNAMES)} {rng.choice(INDUSTRY_SUFFIXES)}"
    if land_use == "public":
        return f"{rng.choice(PUBLIC_PLACES)} {colonia}"
    return person(rng)
